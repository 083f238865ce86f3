"""Atomic, tolerant JSON files for settings and saved views.

Writes go to a temporary file in the same folder, are flushed and fsync'ed, then
``os.replace``d over the target: a crash or power cut leaves either the old or the new
file, never a torn one. A corrupt file is moved aside (``.corrupt-<n>``) and loading
falls back to defaults with a logged warning instead of a crash.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def atomic_write_text(path: Path, text: str, *, mode: int | None = None, newline: str = "\n") -> None:
    """Write ``text`` (UTF-8) atomically. The file is private (0600) unless ``mode`` is given;
    ``newline=""`` keeps line endings as written (CSV)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable where the platform allows it
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def atomic_write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n")


def load_json(path: Path, default: Any) -> Any:
    """The file's JSON, or ``default`` if it is missing or unreadable (corrupt files are kept aside)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return default
    except OSError as exc:
        log.warning("cannot read %s (%s); using defaults", path, exc)
        return default
    try:
        return json.loads(text)
    except ValueError as exc:
        aside = _aside_name(path)
        log.warning("%s is corrupt (%s); moved to %s, using defaults", path, exc, aside.name)
        try:
            os.replace(path, aside)
        except OSError:
            pass
        return default


def _aside_name(path: Path) -> Path:
    n = 1
    while True:
        candidate = path.with_name(f"{path.name}.corrupt-{n}")
        if not candidate.exists():
            return candidate
        n += 1
