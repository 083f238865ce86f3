"""Random passwords for the leak fuzzers (a password must never reach a terminal, a file, a
log, the UI or a metric), and their YAML spelling in a catalog."""

from __future__ import annotations

import random
import string

from viewer.core.csv_import import escape_catalog_text

#: Every printable-ASCII class, a space, and non-ASCII letters.
CLASSES = (string.ascii_lowercase, string.ascii_uppercase, string.digits, string.punctuation, " ", "ñé漢字ß")


def random_password(rng: random.Random, classes: tuple[str, ...] = CLASSES, extra: tuple[int, int] = (6, 14)) -> str:
    """At least one character of every class plus ``extra`` (min, max) more from all of them;
    wrapped in ``x…y`` so that a space is never first or last."""
    chars = [rng.choice(cls) for cls in classes]
    pool = "".join(classes)
    chars += [rng.choice(pool) for _ in range(rng.randint(*extra))]
    rng.shuffle(chars)
    return "x" + "".join(chars).strip() + "y"


def yaml_quote(text: str) -> str:
    """``text`` as a single-quoted YAML scalar of a catalog (``${`` escaped as the importer does)."""
    return "'" + str(escape_catalog_text(text)).replace("'", "''") + "'"
