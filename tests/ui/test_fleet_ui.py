"""The background sweep inside the wall: every catalog camera's state reaches the status
board and the district tree, off-screen outages reach the journal, and ``--status-port``
publishes the fleet as JSON and Prometheus text."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from tests.support.monitoring import samples
from tests.support.ports import free_port
from viewer.sim.cameras import Behaviour, SimCamera

SWEEP_WAIT_MS = 20_000


def test_sweep_results_reach_board_tree_and_journal(qtbot, make_wall, simulator, clips):
    ok = simulator.add_http(SimCamera("/ok", Behaviour.HEALTHY, clip=clips["red"]))
    missing = simulator.add_http(SimCamera("/missing", Behaviour.NOT_FOUND))
    window = make_wall(catalog_yaml({"d1": [("ok-cam", ok)], "d2": [("lost-cam", missing)]}), sweep_interval_s=2.0)
    window.controller.show_district("d1", 0, "1x1")  # d2 is never on screen
    board = window.board
    qtbot.waitUntil(lambda: "0 / 1 online" in board.box("d2").text(), timeout=SWEEP_WAIT_MS)
    assert "1 / 1 online" in board.box("d1").text()
    assert "not" in board.box("d2").text().lower()  # the reason is named (not found)
    tree = window.navigator.model
    labels = [tree.index(r, 0).data() for r in range(tree.rowCount())]
    assert any("0/1 online" in label for label in labels), labels
    outages = reading(window.services.journal).query(open_only=True)
    assert [(o.camera_id, o.reason.value, o.source) for o in outages] == [("lost-cam", "not_found", "sweep")]
    with qtbot.waitSignal(board.district_clicked, timeout=1000):
        board.district_clicked.emit("d2")
    assert window.controller.view.district == "d2"


def test_status_port_serves_metrics_and_json(tmp_path, simulator, clips):
    ok = simulator.add_http(SimCamera("/ok", Behaviour.HEALTHY, clip=clips["red"]))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"pusat": [("ok-cam", ok), ("dead-cam", f"http://127.0.0.1:{free_port()}/x")]}))
    port = free_port()
    wall = subprocess.Popen([sys.executable, "-m", "viewer", "--catalog", str(catalog), "--status-port", str(port)],
                            env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        metrics: dict = {}
        refused = ("videowall_cameras_offline", (("district", "pusat"), ("reason", "refused")))
        while time.monotonic() < deadline and metrics.get(refused) != 1:
            assert wall.poll() is None
            try:
                metrics = samples(urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode())
            except OSError:
                metrics = {}
            time.sleep(0.3)  # polling another process's HTTP server
        assert metrics[("videowall_cameras_online", (("district", "pusat"),))] == 1, metrics
        assert metrics[refused] == 1
        status = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/status.json", timeout=2).read())
        assert [c["id"] for c in status["cameras_offline"]] == ["dead-cam"]
    finally:
        os.kill(wall.pid, signal.SIGTERM)
        assert wall.wait(timeout=20) == 0


def test_flagged_tiles_follow_every_flag_change(qtbot, make_wall, simulator, clips):
    """The status export counts a tile flagged a moment ago, not at the next sweep batch."""
    ok = simulator.add_http(SimCamera("/ok2", Behaviour.HEALTHY, clip=clips["green"]))
    dead = f"http://127.0.0.1:{free_port()}/gone"
    window = make_wall(catalog_yaml({"d1": [("ok-cam", ok)], "d2": [("dead-cam", dead)]}), sweep_interval_s=600.0)
    fleet = window.services.fleet
    qtbot.waitUntil(lambda: len(fleet.results) == 2, timeout=SWEEP_WAIT_MS)  # the one batch before the next hour
    assert fleet.snapshot()["flagged_tiles"] == 0
    window.controller.show_district("d2", 0, "1x1")
    qtbot.waitUntil(lambda: fleet.snapshot()["flagged_tiles"] == 1, timeout=15_000)
    window.controller.show_district("d1", 0, "1x1")
    qtbot.waitUntil(lambda: fleet.snapshot()["flagged_tiles"] == 0, timeout=15_000)
