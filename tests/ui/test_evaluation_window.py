"""The Network evaluation window: a real journal file, the work on a pool thread (never the
Qt main thread), sortable district/recorder tables, the daily chart, the capacity tab (its
"upgrade first" ranking, figures, and "no capacity figures" for a journal without stream
minutes), and reports written into the data folder in kiosk mode; opened from a running
wall's menu."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QDate, Qt

from tests.support.eval_journal import write_journal
from tests.support.eval_scenario import CATALOG, at, journal, stream_minutes
from tests.support.journal_reading import reading
from viewer.core.catalog import catalog_from_text
from viewer.ui import evaluation_window
from viewer.ui.evaluation_window import EvaluationWindow, preset_period


@pytest.fixture
def window(qtbot, tmp_path, local_tz):
    data = journal()
    path = write_journal(tmp_path / "journal.sqlite3", data.outages, data.coverage, created_at=at(1),
                         stream_minutes=stream_minutes())
    services = SimpleNamespace(catalog=catalog_from_text(CATALOG, "cat.yaml"),
                               journal=SimpleNamespace(path=path), kiosk=True)
    win = EvaluationWindow(services)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def choose_period(win: EvaluationWindow) -> None:
    win.preset.setCurrentIndex(win.preset.findData("custom"))
    win.since_edit.setDate(QDate(2026, 11, 2))
    win.until_edit.setDate(QDate(2026, 11, 3))


def wait_for_result(qtbot, win: EvaluationWindow) -> None:
    qtbot.waitUntil(lambda: win.evaluation is not None or win.status.text().startswith("Failed"), timeout=30_000)
    assert win.evaluation is not None, win.status.text()


def column(table, header: str) -> int:
    return next(c for c in range(table.columnCount()) if table.horizontalHeaderItem(c).text() == header)


def test_evaluates_off_the_main_thread_and_fills_tables(qtbot, window, monkeypatch):
    threads = []
    real = evaluation_window.run_evaluation

    def recording(request):
        threads.append(threading.current_thread())
        return real(request)

    monkeypatch.setattr(evaluation_window, "run_evaluation", recording)
    choose_period(window)
    assert window.period() == (at(2), at(4))
    window.run_button.click()
    assert not window.run_button.isEnabled()
    wait_for_result(qtbot, window)
    assert threads and threads[0] is not threading.main_thread()

    table = window.districts_table
    assert table.rowCount() == 2
    availability = column(table, "Availability %")
    assert [table.item(r, 0).text() for r in range(2)] == ["Beta", "Alpha"]  # worst first
    assert table.item(1, availability).text() == "77.77"
    table.sortItems(availability, Qt.SortOrder.DescendingOrder)
    assert table.item(0, 0).text() == "Alpha"
    table.sortItems(column(table, "Cameras"), Qt.SortOrder.DescendingOrder)  # by number, not text
    assert table.item(0, 0).text() == "Alpha"
    recorders = window.recorders_table
    assert {recorders.item(r, 0).text() for r in range(recorders.rowCount())} == {
        "10.0.0.1:554", "nvr-b:554", "10.0.0.3:80"}
    incidents = window.incidents_table
    assert incidents.rowCount() == 1 and incidents.item(0, 0).text() == "10.0.0.1:554"
    assert incidents.item(0, column(incidents, "Cameras")).text() == "4"
    assert incidents.item(0, column(incidents, "Duration")).text() == "20m 00s"
    assert not window.chart.pixmap().isNull() and window.chart.pixmap().width() > 300
    assert "75.34" in window.summary.text() and "1 recorder incidents" in window.summary.text()
    assert window.run_button.isEnabled() and window.save_html.isEnabled()


def test_kiosk_reports_go_to_the_data_folder(qtbot, window, isolated_home):
    choose_period(window)
    window.start_evaluation()
    wait_for_result(qtbot, window)
    window.save_html.click()  # kiosk: no dialog
    target = isolated_home / "data" / "reports" / "evaluation-20261102-20261104.html"
    qtbot.waitUntil(target.is_file, timeout=30_000)
    qtbot.waitUntil(lambda: str(target) in window.status.text(), timeout=10_000)
    assert "Alpha" in target.read_text(encoding="utf-8")
    window.export_csv.click()
    folder = isolated_home / "data" / "reports" / "evaluation-20261102-20261104"
    qtbot.waitUntil(lambda: f"Saved to {folder}" in window.status.text(), timeout=30_000)  # not "Writing …"
    assert len(list(folder.glob("*.csv"))) == 11  # 7 + 4 capacity tables


def test_a_broken_journal_is_reported_not_raised(qtbot, window, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"not a database at all" * 100)
    window.services.journal.path = broken
    window.start_evaluation()
    qtbot.waitUntil(lambda: window.status.text().startswith("Failed:"), timeout=30_000)
    assert window.run_button.isEnabled() and window.evaluation is None


def test_presets():
    from datetime import date

    today = date(2026, 3, 15)
    assert preset_period("week", today) == (date(2026, 3, 9), today)
    assert preset_period("this_month", today) == (date(2026, 3, 1), today)
    assert preset_period("last_month", today) == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.slow
def test_opens_from_the_wall_menu_and_the_wall_keeps_running(qtbot, make_wall):
    from tests.support.catalogs import catalog_yaml

    wall = make_wall(catalog_yaml({"d1": [("c1", "http://127.0.0.1:9/none")]}))
    wall.act_evaluation.trigger()
    evaluation = wall.evaluation_window
    qtbot.waitExposed(evaluation)
    assert evaluation.isVisible() and wall.isVisible()
    assert evaluation.parent() is wall
    assert Path(evaluation.services.journal.path) == wall.services.journal.path
    wait_for_result(qtbot, evaluation)  # opening evaluates the preset period by itself
    assert evaluation.evaluation.network.cameras == 1
    assert wall.show_evaluation() is evaluation  # raised again, not a second window
    evaluation.close()


def test_closing_never_waits_for_a_running_job(qtbot, window, monkeypatch):
    release = threading.Event()
    started = threading.Event()
    real = evaluation_window.run_evaluation

    def held(request):
        started.set()
        assert release.wait(30)
        return real(request)

    monkeypatch.setattr(evaluation_window, "run_evaluation", held)
    choose_period(window)
    window.start_evaluation()
    qtbot.waitUntil(started.is_set, timeout=10_000)
    window.close()  # returns while the job is still held: it cannot have waited for it
    assert not window.isVisible() and window.evaluation is None
    release.set()
    wait_for_result(qtbot, window)  # the result still arrives, shown next time the window opens
    assert window.jobs.shutdown()


@pytest.mark.slow
def test_the_running_wall_is_evaluated_from_its_own_journal(qtbot, make_wall, colour_streams):
    """Real wall, real streams, the wall's own journal: the playing camera is watched and up,
    the refused one has one open outage, both seen by the window's evaluation."""
    import socket

    from tests.support.catalogs import catalog_yaml
    from viewer.core.health_model import FeedState

    with socket.socket() as probe:  # a port nobody listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    wall = make_wall(catalog_yaml({"d1": [("live", colour_streams("red")),
                                          ("dead", f"http://127.0.0.1:{dead_port}/none")]}))
    wall.controller.show_district("d1", 0, "1x2")
    qtbot.waitUntil(lambda: len(wall.controller.active_feeds()) == 2, timeout=10_000)
    feeds = {f.camera.id: f for f in wall.controller.active_feeds()}
    qtbot.waitUntil(lambda: feeds["live"].state is FeedState.PLAYING and feeds["dead"].flag is not None,
                    timeout=30_000)
    journal = reading(wall.services.journal)
    qtbot.waitUntil(lambda: journal.open_outage_for("dead") is not None and {"live", "dead"} <= journal.watching(),
                    timeout=30_000)
    qtbot.wait(1500)  # let watched time accumulate (seconds of coverage to evaluate)
    evaluation = wall.show_evaluation()
    evaluation.start_evaluation()  # preset: the last 7 days up to now
    wait_for_result(qtbot, evaluation)
    cams = {r.camera_id: r.figures for r in evaluation.evaluation.cameras}
    assert cams["live"].covered_s > 1.0 and cams["live"].down_s == 0 and cams["live"].availability_pct == 100.0
    assert (cams["dead"].outages, cams["dead"].open_outages) == (1, 1)
    assert cams["dead"].down_by_reason_s and cams["dead"].down_by_reason_s[0][0] == "refused"
    table = evaluation.districts_table
    assert table.rowCount() == 1 and table.item(0, column(table, "Cameras")).text() == "2"
    evaluation.close()


def test_outside_kiosk_the_user_picks_where(qtbot, window, tmp_path, monkeypatch):
    """The dialogs themselves are Qt's; here they answer as a user would."""
    window.services.kiosk = False
    choose_period(window)
    window.start_evaluation()
    wait_for_result(qtbot, window)
    page = tmp_path / "chosen" / "weekly.html"
    monkeypatch.setattr(evaluation_window.QFileDialog, "getSaveFileName", lambda *a, **k: (str(page), ""))
    monkeypatch.setattr(evaluation_window.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    window.save_html.click()
    qtbot.waitUntil(page.is_file, timeout=30_000)
    window.export_csv.click()
    folder = tmp_path / "evaluation-20261102-20261104"
    qtbot.waitUntil(lambda: (folder / "reasons.csv").is_file(), timeout=30_000)
    monkeypatch.setattr(evaluation_window.QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    window.save_html.click()  # cancelled: nothing queued
    qtbot.waitUntil(lambda: not window._pending, timeout=30_000)  # the CSV job done, nothing new queued


def test_capacity_tab_shows_the_ranking_and_the_figures(qtbot, window):
    choose_period(window)
    window.start_evaluation()
    wait_for_result(qtbot, window)
    panel = window.capacity
    window.tabs.setCurrentWidget(panel)
    assert panel.tabs.isEnabled() and panel.isVisible()
    text = panel.summary.text()
    assert "main streams 10.0 Mbit/s (3 not measured)" in text and "sub-streams 6.5 Mbit/s" in text
    assert "p50 0.80 s, p95 3.00 s" in text and "wall 2, quality samples 6" in text
    ranking = panel.ranking_table
    assert ranking.rowCount() == 4
    assert [(ranking.item(r, 0).text(), ranking.item(r, 2).text(), ranking.item(r, column(ranking, "Score")).text())
            for r in range(4)][:3] == [("Recorder", "nvr-b:554", "106.0"), ("Recorder", "10.0.0.1:554", "64.9"),
                                        ("District", "Beta", "106.0")]
    districts = panel.districts_table
    assert [districts.item(r, 0).text() for r in range(2)] == ["Beta", "Alpha"]  # upgrade-first order
    alpha = 1
    assert districts.item(alpha, column(districts, "Main Mbit/s")).text() == "10.0"
    assert districts.item(alpha, column(districts, "fps worst")).text() == "40 %"
    assert districts.item(alpha, column(districts, "fps worst")).toolTip() == "a3 sub"
    assert districts.item(0, column(districts, "Main Mbit/s")).text() == "—"  # Beta: nothing measured, not 0
    assert "b1, b2" in districts.item(0, 0).toolTip()
    assert panel.recorders_table.rowCount() == 3
    table = window.districts_table  # degraded counted apart in the availability table
    row = next(r for r in range(table.rowCount()) if table.item(r, 0).text() == "Alpha")
    assert table.item(row, column(table, "Degraded")).text() == "2h 59m"  # 10,798 s


def test_capacity_tab_without_stream_minutes_says_so(qtbot, window, tmp_path):
    data = journal()
    window.services.journal.path = write_journal(tmp_path / "old.sqlite3", data.outages, data.coverage,
                                                 created_at=at(1))
    choose_period(window)
    window.start_evaluation()
    wait_for_result(qtbot, window)
    panel = window.capacity
    assert panel.summary.text().startswith("No capacity figures recorded yet")
    assert not panel.tabs.isEnabled() and panel.ranking_table.rowCount() == 0
