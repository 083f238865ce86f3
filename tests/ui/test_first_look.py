"""What an operator sees first, with real windows on the tests' 1920×1080 Xvfb: the first
start fills the screen the window opens on (a real ``python -m viewer`` process, measured
from outside with xwininfo), and the flagged-feeds panel fits its columns to their content
while the camera name takes the free width (the acknowledgement column included)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest
from PySide6.QtGui import QFontMetrics, QGuiApplication

from tests.support.catalogs import catalog_yaml
from viewer.sim.cameras import Behaviour, SimCamera

START_WAIT_S = 45.0
WAIT_MS = 30_000
LONG_NAME = "Jl. Dr. Cipto (smg-tembalang-0042) simpang arah Pedurungan"


def _window_geometry(title_part: str) -> tuple[int, int, int, int] | None:
    """(width, height, x, y) of the biggest top-level window whose title contains ``title_part``."""
    out = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True, timeout=10).stdout
    found = []
    for line in out.splitlines():
        if title_part not in line:
            continue
        match = re.search(r"(\d+)x(\d+)\+(-?\d+)\+(-?\d+)", line.split(")")[-1])
        if match:
            found.append(tuple(int(v) for v in match.groups()))
    return max(found, default=None, key=lambda g: g[0] * g[1])


@pytest.mark.skipif(os.environ.get("CI") != "true" and shutil.which("xwininfo") is None, reason="xwininfo (x11-utils)")
def test_the_first_start_fills_the_screen_it_opens_on(qapp, tmp_path, simulator, clips):
    url = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"d1": [("cam-1", url)]}), encoding="utf-8")
    wall = subprocess.Popen([sys.executable, "-m", "viewer", "--catalog", str(catalog), "--no-sweep"],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        screen = QGuiApplication.primaryScreen().availableGeometry()
        deadline = time.monotonic() + START_WAIT_S
        geometry = None
        while time.monotonic() < deadline:  # another process's window: poll the X server
            assert wall.poll() is None, "the wall exited"
            geometry = _window_geometry("videowall")
            if geometry is not None and geometry[0] >= screen.width() - 10:
                break
            time.sleep(0.2)
        assert geometry is not None, "no videowall window appeared"
        width, height, _x, _y = geometry
        assert width >= screen.width() - 10 and height >= screen.height() - 60, (geometry, screen)
    finally:
        os.killpg(wall.pid, signal.SIGTERM)
        try:
            wall.wait(timeout=20)
        finally:
            if wall.poll() is None:
                os.killpg(wall.pid, signal.SIGKILL)


def test_flag_panel_columns_fit_their_content_and_the_name_stretches(qtbot, make_wall, simulator, colour_streams):
    down = simulator.add_http(SimCamera("/down", Behaviour.REFUSED, own_port=True))
    text = catalog_yaml({"d1": [("ok-cam", colour_streams("red")), ("smg-0042", down)]})
    text = text.replace("name: Camera smg-0042", f"name: {LONG_NAME}")
    window = make_wall(text)
    window.resize(1920, 1000)
    window.controller.show_district("d1", 0, "1x2")
    feed = window.controller.feed_at(1)
    qtbot.waitUntil(lambda: feed.flag is not None, timeout=WAIT_MS)
    window.services.outages.acknowledge("smg-0042", "tiket 17", by="operator-pagi")
    panel = window.flag_panel
    panel.refresh()
    qtbot.waitUntil(lambda: panel.table.viewport().width() > 1500, timeout=WAIT_MS)
    table = panel.table
    metrics = QFontMetrics(table.font())
    name = table.item(0, 0).text()
    assert LONG_NAME in name
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert widths[0] >= metrics.horizontalAdvance(name)  # the whole name shows
    assert widths[0] == max(widths)  # ... and the name takes the free width
    for column in range(1, table.columnCount()):  # the others fit their content, no more
        contents = [table.item(0, column).text(), table.horizontalHeaderItem(column).text()]
        needed = max(metrics.horizontalAdvance(t) for t in contents)
        assert needed <= widths[column] <= needed + 80, (column, contents, widths)
    ack = table.item(0, panel.COLUMNS.index("Acknowledged")).text()
    assert "operator-pagi" in ack
    assert sum(widths) <= table.viewport().width() + 2  # everything fits, no horizontal scrolling
