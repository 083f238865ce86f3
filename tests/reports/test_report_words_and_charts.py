"""The evaluation report speaks Bahasa Indonesia completely (every label the HTML page and
the charts look up has an Indonesian text; the language follows --lang or the locale), and
its daily chart spans the period however many days are unknown."""

from __future__ import annotations

import re
from pathlib import Path

from viewer.reports import strings
from viewer.reports.strings import Words, report_language

REPORTS = Path(strings.__file__).parent
_LOOKUP = re.compile(r"""(?:self\.w|self\.words|words|w)\(\s*["']([^"']+)["']\s*\)""")


def test_every_label_used_has_an_indonesian_text():
    used = set()
    for module in ("evaluation_html.py", "charts.py", "capacity_html.py", "capacity_charts.py"):
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


def test_daily_chart_spans_the_period_even_when_most_days_are_unknown():
    """Days nobody watched are NaN; matplotlib's autoscaling then spanned years of daily
    ticks (thousands of labels, 20 s per chart in the app). The x axis is the period."""
    from viewer.core.catalog import catalog_from_text
    from viewer.core.evaluate import evaluate
    from viewer.core.evaluation_model import CoverageRow, EvaluationInput
    from viewer.reports.charts import _daily_figure

    catalog = catalog_from_text("version: 1\ndistricts: [{id: d, name: D}]\ncameras:\n"
                                "  - {id: c, name: C, district: d, url: 'http://10.0.0.1/x'}\n", "c.yaml")
    day = 86_400.0
    since = 1_800_000_000.0 - 1_800_000_000.0 % day
    data = EvaluationInput(since, since + 7 * day, since + 7 * day, (), (CoverageRow("c", since + 6.5 * day, None),))
    figure = _daily_figure(evaluate(data, catalog), Words("en"))
    axes = figure.axes[0]
    low, high = axes.get_xlim()
    assert high - low == 7 and len(axes.get_xticks()) <= 8


def test_an_empty_or_unwatched_period_still_renders(local_tz):
    """A brand-new journal (nothing watched, no outage) and a zero-length period: a page, no error."""
    from tests.support.eval_scenario import CATALOG, at
    from viewer.core.catalog import catalog_from_text
    from viewer.core.evaluate import evaluate
    from viewer.core.evaluation_model import EvaluationInput
    from viewer.reports.charts import daily_chart_png
    from viewer.reports.evaluation_html import render_html

    catalog = catalog_from_text(CATALOG, "c.yaml")
    for data in (EvaluationInput(at(2), at(4), at(5), (), ()), EvaluationInput(at(2), at(4), at(2), (), ())):
        ev = evaluate(data, catalog)
        assert ev.network.availability_pct is None and len(ev.network.unwatched) == 6
        for language in ("en", "id"):
            page = render_html(ev, language)
            assert page.startswith("<!DOCTYPE html>") and page.count("<svg") >= 1
        assert daily_chart_png(ev, Words("en")).startswith(b"\x89PNG")
