"""``videowall evaluate`` end to end: a real journal file (written through the journal's own
schema, stream minutes through ``Journal.add_stream_minutes``), the catalog on disk, every
format, the capacity section's tables and an older journal without stream minutes; the HTML
report rendered by headless Chromium (screenshot checked for content, no console messages,
no external URL)."""

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
from tests.support.eval_scenario import CATALOG, DEGRADED_A_S, at, journal, stream_minutes
from viewer.cli import run_cli


@pytest.fixture
def files(tmp_path: Path, local_tz):
    data = journal()
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    path = write_journal(tmp_path / "journal.sqlite3", data.outages, data.coverage, created_at=at(1),
                         stream_minutes=stream_minutes())
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
    assert code == 0 and "11 CSV files" in err
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{n}.csv" for n in (
        "summary", "districts", "recorders", "cameras", "incidents", "daily", "reasons", "capacity_districts",
        "capacity_recorders", "capacity_cameras", "upgrade_first"))
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
@pytest.mark.parametrize("lang, words", [("en", ("Network evaluation", "Recorder incidents", "Alpha", "Capacity",
                                                 "Upgrade first: recorders", "Bitrate per district",
                                                 "First-packet time per recorder", "nvr-b:554")),
                                         ("id", ("Evaluasi jaringan", "Insiden perekam", "Kecamatan", "Kapasitas",
                                                 "Prioritas peningkatan: perekam", "Bitrate per kecamatan",
                                                 "Waktu paket pertama per perekam", "106,0"))])
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
    assert rendered.dom.count("<svg") >= 6 and "10.0.0.1:554" in rendered.dom  # 3 of them capacity charts
    assert "No capacity figures" not in rendered.dom
    image = Image.open(rendered.screenshot).convert("RGB")
    assert image.size == (1280, 2400)
    colours = image.getcolors(maxcolors=1 << 20)
    non_white = sum(n for n, rgb in colours if rgb != (255, 255, 255))
    assert len(colours) > 50 and non_white > 0.05 * image.size[0] * image.size[1]  # text, tables and charts drawn
    red = sum(n for n, (r, g, b) in colours if r > 150 and g < 100 and b < 100)
    assert red > 500  # the bars of the down-time chart
    if lang == "en":
        assert 1 <= print_pdf(page, tmp_path / "report.pdf") <= 7  # A4, printable from the browser


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


def test_capacity_tables_in_json_and_csv(capsys, files):
    code, out, err = evaluate(capsys, files, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["summary"]["capacity_recorded"] is True
    assert (data["summary"]["degraded_s"], data["summary"]["degraded_outages"]) == (DEGRADED_A_S, 2)
    assert data["summary"]["outages"] == 7  # the two degraded rows are not outages
    network, alpha, beta = data["capacity_districts"]
    assert network["district"] == "(network)" and network["main_kbps"] == 10000.0 and network["sub_kbps"] == 6500.0
    assert (network["main_unknown"], network["main_unknown_cameras"]) == (3, "a3 b1 b2")
    assert alpha == {**alpha, "district": "A", "name": "Alpha", "cameras": 4, "with_sub": 3, "main_kbps": 10000.0,
                     "main_measured": 3, "main_unknown": 1, "sub_kbps": 4500.0, "sub_measured": 3, "sub_unknown": 0,
                     "fps_ratio_median": 1.0, "fps_ratio_worst": 0.4, "fps_worst_stream": "a3 sub", "fps_low": 1,
                     "first_packet_p50_ms": 1000, "first_packet_p95_ms": 3000, "first_packets_wall": 2,
                     "first_packets_sample": 5, "degraded_s": DEGRADED_A_S, "degraded_outages": 2,
                     "sub_like_main": 1, "sub_like_main_cameras": "a2", "fps_low_cameras": "a3"}
    assert beta["sub_like_main_cameras"] == "b1" and beta["first_packet_p95_ms"] == 600
    first = data["upgrade_first"][0]
    assert first == {**first, "kind": "recorder", "rank": 1, "key": "nvr-b:554", "score": 106.0, "fps_points": 0.0,
                     "latency_points": 6.0, "degraded_points": 0.0, "sub_like_main_points": 100.0}
    assert [(r["kind"], r["key"]) for r in data["upgrade_first"]] == [
        ("recorder", "nvr-b:554"), ("recorder", "10.0.0.1:554"), ("district", "B"), ("district", "A")]
    cameras = {c["camera_id"]: c for c in data["capacity_cameras"]}
    assert cameras["a2"] == {"camera_id": "a2", "name": "A two", "district": "A", "recorder": "10.0.0.1:554",
                             "has_sub": True, "main_kbps": 4000.0, "sub_kbps": 3600.0, "main_fps_ratio": 1.0,
                             "sub_fps_ratio": 1.0, "main_height": 1080, "sub_height": 720, "sub_like_main": True}
    assert cameras["b2"]["main_kbps"] is None  # never measured: unknown, not zero

    code, out, _ = evaluate(capsys, files, "--format", "csv", "--table", "capacity_recorders")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:6] == ["recorder", "districts", "cameras", "with_sub", "main_kbps", "main_measured"]
    unmeasured = next(r for r in rows if r["recorder"] == "10.0.0.3:80")
    assert (unmeasured["main_kbps"], unmeasured["main_unknown_cameras"], unmeasured["fps_ratio_median"]) == \
        ("", "b2", "")  # nothing measured: empty, not 0
    code, out, _ = evaluate(capsys, files, "--format", "csv", "--table", "districts")
    district_a = next(r for r in csv.DictReader(io.StringIO(out)) if r["district"] == "A")
    assert (district_a["degraded_s"], district_a["down_s"]) == (str(DEGRADED_A_S), str(669_600 - 520_774))


def test_text_shows_capacity_and_the_ranking(capsys, files):
    code, out, _ = evaluate(capsys, files)
    assert code == 0
    assert "CAPACITY_DISTRICTS" in out and "UPGRADE_FIRST" in out
    ranking = out[out.index("UPGRADE_FIRST"):].splitlines()
    assert ranking[2].split()[:4] == ["recorder", "1", "nvr-b:554", "106.0"]


def test_an_older_journal_says_no_capacity_figures_yet(capsys, files, tmp_path):
    """A schema-2 journal (before stream minutes): plainly no figures, never zeros."""
    import sqlite3

    _catalog, path = files
    db = sqlite3.connect(path)
    db.execute("DROP TABLE stream_minutes")
    db.execute("PRAGMA user_version = 2")
    db.close()
    code, out, err = evaluate(capsys, files)
    assert code == 0, err
    assert "no capacity figures recorded yet" in out and "UPGRADE_FIRST" not in out
    code, out, _ = evaluate(capsys, files, "--format", "json")
    data = json.loads(out)
    assert data["summary"]["capacity_recorded"] is False and data["upgrade_first"] == []
    assert data["capacity_districts"] == [] and data["summary"]["degraded_s"] == DEGRADED_A_S
    code, out, _ = evaluate(capsys, files, "--format", "csv", "--table", "upgrade_first")
    assert out.startswith("kind,rank,key,name,score,fps_points") and len(out.splitlines()) == 1
    page = tmp_path / "old.html"
    for lang, sentence in (("en", "No capacity figures recorded yet"), ("id", "Belum ada angka kapasitas")):
        assert evaluate(capsys, files, "--format", "html", "--lang", lang, "-o", str(page))[0] == 0
        text = page.read_text(encoding="utf-8")
        assert sentence in text and "Mbit/s" not in text
