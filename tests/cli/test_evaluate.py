"""``videowall evaluate`` end to end: a real journal file (schema 2, written through the
journal's own schema), the catalog on disk, every format; the HTML report rendered by
headless Chromium (screenshot checked for content, no console messages, no external URL)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.support.chromium import print_pdf, render
from tests.support.eval_journal import write_journal
from tests.support.eval_scenario import CATALOG, at, journal
from viewer.cli import run_cli


@pytest.fixture
def files(tmp_path: Path, local_tz):
    data = journal()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    path = write_journal(tmp_path / "journal.sqlite3", data.outages, data.coverage, created_at=at(1))
    return catalog, path


def evaluate(capsys, files, *extra: str) -> tuple[int, str, str]:
    catalog, path = files
    code = run_cli(["evaluate", "--journal", str(path), "--catalog", str(catalog),
                    "--since", "2026-11-02", "--until", "2026-11-03", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_every_figure_with_local_offsets(capsys, files):
    code, out, err = evaluate(capsys, files, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    summary = data["summary"]
    assert summary["since"] == "2026-11-02T00:00:00+07:00" and summary["until"] == "2026-11-04T00:00:00+07:00"
    assert (summary["cameras"], summary["outages"], summary["open_outages"], summary["up_s"]) == (6, 7, 1, 520_774)
    assert summary["coverage_since"] == "2026-11-01T00:00:00+07:00"  # the journal's creation (schema 2)
    district_a = next(d for d in data["districts"] if d["district"] == "A")
    assert district_a["availability_pct"] == round(100 * 520_774 / 669_600, 3)
    assert (district_a["mttr_mean_s"], district_a["mttr_median_s"], district_a["tta_mean_s"]) == (4566, 3600, 1890)
    assert district_a["longest_outage_s"] == 136_796
    (incident,) = data["incidents"]
    assert incident == {
        "recorder": "10.0.0.1:554", "districts": "A", "started_at": "2026-11-02T10:00:00+07:00",
        "ended_at": "2026-11-02T10:20:00+07:00", "last_restored_at": None, "duration_s": 1200, "cameras": 4,
        "reason": "unreachable", "camera_ids": "a1 a2 a3 a4"}
    daily = {(d["district"], d["day"]): d for d in data["daily"]}
    assert daily[("A", "2026-11-02")]["up_s"] == 324_000 - 62_426
    assert daily[("(network)", "2026-11-03")]["day_start"] == "2026-11-03T00:00:00+07:00"


def test_csv_one_table_and_one_file_per_table(capsys, files, tmp_path):
    code, out, _ = evaluate(capsys, files, "--format", "csv", "--table", "cameras")
    assert code == 0
    rows = {r["camera_id"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["a3"]["down_s"] == "136796" and rows["a3"]["mttr_mean_s"] == ""
    assert rows["b1"]["recorder"] == "nvr-b:554" and rows["b1"]["availability_pct"] == ""
    folder = tmp_path / "tables"
    code, _, err = evaluate(capsys, files, "--format", "csv", "-o", str(folder))
    assert code == 0 and "7 CSV files" in err
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in (
        "summary", "districts", "recorders", "cameras", "incidents", "daily", "reasons"))
    reasons = list(csv.DictReader((folder / "reasons.csv").open(encoding="utf-8")))
    assert {"district": "A", "reason": "stalled", "down_s": "3600"} in reasons


def test_table_filters_and_errors(capsys, files):
    code, out, _ = evaluate(capsys, files, "--district", "B")
    assert code == 0
    assert "scope: district B" in out and "nvr-b:554" in out and "10.0.0.1:554" not in out
    assert evaluate(capsys, files, "--group", "ATCS", "--format", "json")[0] == 0
    catalog, path = files
    assert run_cli(["evaluate", "--journal", str(path), "--catalog", str(catalog), "--since", "2026-10-01",
                    "--until", "2026-10-02"]) == 0
    assert "no camera was watched in this period (this journal records it since 2026-11-01 00:00)" in \
        capsys.readouterr().err
    code, _, err = evaluate(capsys, files, "--district", "nowhere")
    assert code == 2 and "unknown district 'nowhere'" in err
    code, _, err = evaluate(capsys, files, "--format", "csv")
    assert code == 2 and "--table" in err
    assert run_cli(["evaluate", "--journal", str(path), "--catalog", str(catalog), "--since", "2026-13-01"]) == 2
    assert "bad --since date" in capsys.readouterr().err
    assert run_cli(["evaluate", "--journal", str(path.with_name("none.sqlite3")), "--catalog", str(catalog)]) == 2
    assert "no journal" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("lang, words", [("en", ("Network evaluation", "Recorder incidents", "Alpha")),
                                         ("id", ("Evaluasi jaringan", "Insiden perekam", "Kecamatan"))])
def test_html_report_renders_in_chromium(capsys, files, tmp_path, lang, words):
    page = tmp_path / f"report-{lang}.html"
    code, _, err = evaluate(capsys, files, "--format", "html", "--lang", lang, "-o", str(page))
    assert code == 0, err
    text = page.read_text(encoding="utf-8")
    links = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", text) + re.findall(r"url\(([^)]*)\)", text)
    external = [link for link in links if not link.strip("'\"").startswith(("#", "data:"))]
    assert links and external == [] and "@import" not in text and "<script" not in text
    rendered = render(page, tmp_path / f"report-{lang}.png")
    assert rendered.console == []
    for word in words:
        assert word in rendered.dom
    assert rendered.dom.count("<svg") >= 3 and "10.0.0.1:554" in rendered.dom
    image = Image.open(rendered.screenshot).convert("RGB")
    assert image.size == (1280, 2400)
    colours = image.getcolors(maxcolors=1 << 20)
    non_white = sum(n for n, rgb in colours if rgb != (255, 255, 255))
    assert len(colours) > 50 and non_white > 0.05 * image.size[0] * image.size[1]  # text, tables and charts drawn
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 100 and b < 100)
    assert red > 500  # the bars of the down-time chart
    if lang == "en":
        assert 1 <= print_pdf(page, tmp_path / "report.pdf") <= 4  # A4, printable from the browser


def test_chromium_check_sees_console_errors(tmp_path):
    """The console check above is not vacuous: a page that logs an error is caught."""
    page = tmp_path / "bad.html"
    page.write_text("<html><body><script>console.error('evaluation-broken')</script>ok</body></html>")
    assert any("evaluation-broken" in m for m in render(page, tmp_path / "bad.png", 200, 200).console)


def test_default_period_is_the_last_seven_days_today_included(local_tz):
    from viewer.cli.evaluate import period

    since, until = period(None, None, at(10, 15, 30))
    assert (since, until) == (at(4), at(10, 15, 30))
    assert period("2026-11-02", "2026-11-03", at(20)) == (at(2), at(4))
    assert period("2026-11-02T06:00+07:00", "2026-11-02T18:00", at(20)) == (at(2, 6), at(2, 18))


def test_a_broken_catalog_entry_is_reported_and_the_rest_evaluated(capsys, files):
    catalog, _journal = files
    catalog.write_text(CATALOG + '  - {id: bad, name: Bad, district: A, url: "rtsp://10.0.0.1:99999/x"}\n',
                       encoding="utf-8")
    code, out, err = evaluate(capsys, files, "--format", "json", "--table", "summary")
    assert code == 0 and json.loads(out)["summary"]["cameras"] == 6
    assert "catalog: " in err and "skipped" in err and "'bad'" in err
