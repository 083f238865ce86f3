"""A kiosk wall stays a kiosk (the real window under Xvfb): Esc and the Fullscreen action do
not leave fullscreen, no dialog of any kind opens (the outage export goes to the data folder
and the status bar says where), and a monitor change keeps it frameless and fullscreen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

from tests.support.catalogs import catalog_yaml
from viewer import paths


@pytest.fixture
def kiosk_wall(qtbot, make_wall):
    window = make_wall(catalog_yaml({"d1": [("cam-a", "http://127.0.0.1:9/a")]}))
    assert window.services.kiosk
    window.enter_kiosk()
    qtbot.waitUntil(window.isFullScreen)
    return window


@pytest.fixture
def dialog_spy(qtbot):
    """Records (and closes) any dialog that opens, so old code fails instead of blocking."""
    seen: list[str] = []

    def look() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible():
                seen.append(type(widget).__name__)
                widget.reject()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(50)
    yield seen
    timer.stop()


def assert_kiosk(window) -> None:
    assert window.isFullScreen()
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not window.menuBar().isVisible() and not window.nav_dock.isVisible()


def test_esc_and_the_fullscreen_action_keep_the_kiosk_fullscreen(qtbot, kiosk_wall):
    window = kiosk_wall
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.wait(200)  # nothing to wait for: the window must NOT change
    assert_kiosk(window)
    assert not window.act_fullscreen.isVisible()
    window.act_fullscreen.trigger()  # e.g. a shortcut or an old toolbar state
    qtbot.wait(200)
    assert_kiosk(window)
    assert "Kiosk mode" in window.statusBar().currentMessage()


def test_no_dialog_in_kiosk_mode_and_the_export_says_where(qtbot, kiosk_wall, dialog_spy):
    window = kiosk_wall
    with qtbot.waitSignal(window.flag_panel.export_finished, timeout=10_000):
        window.flag_panel.export_dialog()  # written on the journal's thread
    assert dialog_spy == []
    exported = sorted(paths.data_dir().glob("outages-*.csv"))
    assert len(exported) == 1
    assert str(exported[0]) in window.statusBar().currentMessage()
    assert exported[0].read_text(encoding="utf-8").splitlines()[0].startswith("camera")
    window._save_view()  # "Save current view…" asks for a name in a dialog elsewhere
    qtbot.wait(300)
    assert dialog_spy == []


def test_a_monitor_change_keeps_the_kiosk_frameless_and_fullscreen(qtbot, kiosk_wall):
    window = kiosk_wall
    window.setWindowFlag(Qt.WindowType.FramelessWindowHint, False)  # what a re-created native window showed
    window.showNormal()
    window.move_to_screen(QApplication.primaryScreen())  # what follow_screens calls on a change
    qtbot.waitUntil(window.isFullScreen)
    assert_kiosk(window)
    assert window.geometry() == QApplication.primaryScreen().geometry()
