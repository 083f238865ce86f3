"""The evaluation report speaks Bahasa Indonesia completely: every label the HTML page and
the charts look up has an Indonesian text, and the language follows --lang or the locale."""

from __future__ import annotations

import re
from pathlib import Path

from viewer.reports import strings
from viewer.reports.strings import Words, report_language

REPORTS = Path(strings.__file__).parent
_LOOKUP = re.compile(r"""(?:self\.w|self\.words|words|w)\(\s*["']([^"']+)["']\s*\)""")


def test_every_label_used_has_an_indonesian_text():
    used = set()
    for module in ("evaluation_html.py", "charts.py"):
        used |= set(_LOOKUP.findall((REPORTS / module).read_text(encoding="utf-8")))
    assert len(used) > 40
    words = Words("id")
    untranslated = sorted(u for u in used if words(u) == u and u not in {"MTTR median"})
    assert untranslated == []
    assert strings.missing_translations() == []


def test_reasons_and_language_choice(monkeypatch):
    assert Words("id").reason("not_found") == "stream tidak ditemukan"
    assert Words("en").reason("not_found") == "stream not found"
    assert Words("en").reason("something_new") == "something_new"
    assert report_language("en") == "en"
    monkeypatch.setenv("LC_ALL", "id_ID.UTF-8")
    assert report_language(None) == "id"
    monkeypatch.setenv("LC_ALL", "en_GB.UTF-8")
    assert report_language(None) == "en"
