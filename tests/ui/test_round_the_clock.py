"""Round-the-clock operation, end to end with real processes under Xvfb: the supervisor
restarts a killed wall and the last view comes back, and restarts a hung wall (one whose
main thread stopped beating); a second start hands over to the first; kiosk mode opens the
wall (no dialog) on a catalog with a broken entry."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from PySide6.QtGui import QGuiApplication

from tests.support.catalogs import catalog_yaml
from tests.support.clips import COLOURS_RGB
from tests.support.screen_samples import close_to
from viewer import paths
from viewer.core.journal import Journal
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, SimCamera

WAIT_S = 40.0


def _screen_has(colour: str, fraction: float = 0.05) -> bool:
    image = QGuiApplication.primaryScreen().grabWindow(0).toImage()
    hits = total = 0
    for y in range(0, image.height(), 20):
        for x in range(0, image.width(), 20):
            c = image.pixelColor(x, y)
            total += 1
            hits += close_to((c.red(), c.green(), c.blue()), COLOURS_RGB[colour])
    return hits / max(1, total) >= fraction


def _wait(condition, what: str, proc: subprocess.Popen | None = None, timeout_s: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None:
            assert proc.poll() is None, f"process exited with {proc.returncode} while waiting for {what}"
        if condition():
            return
        time.sleep(0.2)  # polling other processes' windows and files: no event to wait on
    raise AssertionError(f"timed out waiting for {what}")


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "viewer", *args], env=dict(os.environ),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _stop(proc: subprocess.Popen) -> int:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait()


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in out]


def _two_districts(simulator, clips, tmp_path):
    red = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    blue = simulator.add_http(SimCamera("/blue", Behaviour.HEALTHY, clip=clips["blue"]))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"d1": [("cam-red", red)], "d2": [("cam-blue", blue)]}), encoding="utf-8")
    return catalog


def test_supervisor_restarts_a_killed_wall_and_its_last_view_returns(qapp, tmp_path, simulator, clips):
    catalog = _two_districts(simulator, clips, tmp_path)
    # The operator's last view was district d2 (blue) in a 1x1 layout.
    paths.views_path().write_text(json.dumps({"schema_version": 1, "views": {}, "last_session": {
        "0": {"layout": "1x1", "cameras": ["cam-blue"], "district": "d2", "page": 0, "name": ""}}}))
    supervisor = _start("run", "--supervise", "--catalog", str(catalog))
    try:
        _wait(lambda: _children(supervisor.pid), "the wall process", supervisor)
        first = _children(supervisor.pid)[0]
        _wait(lambda: _screen_has("blue") and not _screen_has("red"), "the restored blue view", supervisor)
        os.kill(first, signal.SIGKILL)  # a crash
        _wait(lambda: [p for p in _children(supervisor.pid) if p != first], "a new wall", supervisor)
        _wait(lambda: _screen_has("blue") and not _screen_has("red"), "the view after the restart", supervisor)
        journal = Journal(paths.journal_path())
        restarts = [e for e in journal.events() if e[0] == "restart"]
        journal.close()
        assert restarts and "-9" in restarts[0][1]
    finally:
        assert _stop(supervisor) == 0
    assert _children(supervisor.pid) == []


def test_supervisor_restarts_a_hung_wall(qapp, tmp_path, simulator, clips):
    catalog = _two_districts(simulator, clips, tmp_path)
    supervisor = _start("run", "--supervise", "--hang-timeout-s", "4", "--catalog", str(catalog),
                        "--district", "d2", "--layout", "1x1")
    try:
        _wait(lambda: _children(supervisor.pid), "the wall process", supervisor)
        first = _children(supervisor.pid)[0]
        _wait(lambda: _screen_has("blue"), "the first wall's pictures", supervisor)
        os.kill(first, signal.SIGSTOP)  # frozen: alive to the OS, but its main thread no longer beats
        _wait(lambda: [p for p in _children(supervisor.pid) if p != first], "a new wall", supervisor)
        _wait(lambda: _screen_has("blue"), "the view after the restart", supervisor)
        journal = Journal(paths.journal_path())
        restarts = [e for e in journal.events() if e[0] == "restart"]
        journal.close()
        assert restarts and "hung (no heartbeat for" in restarts[0][1], restarts
    finally:
        assert _stop(supervisor) == 0
    assert _children(supervisor.pid) == []


def test_second_start_hands_over_to_the_running_wall(qapp, tmp_path, simulator, clips):
    catalog = _two_districts(simulator, clips, tmp_path)
    first = _start("--catalog", str(catalog), "--district", "d1", "--layout", "1x1")
    try:
        _wait(lambda: _screen_has("red"), "the first wall", first)
        second = _start("--catalog", str(catalog), "--district", "d2")
        assert second.wait(timeout=30) == 0
        log_text = paths.log_file_path().read_text(encoding="utf-8")
        assert "a second start asked the wall to come forward" in log_text
        assert "already runs for this user" in log_text
        assert not _screen_has("blue")  # the second start opened no streams of its own
    finally:
        assert _stop(first) == 0


def test_kiosk_opens_the_wall_without_a_dialog_on_a_broken_catalog_entry(qapp, tmp_path, simulator, clips):
    red = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"d1": [("cam-red", red)]}) + "  - {id: broken, name: No URL, district: d1}\n",
                       encoding="utf-8")
    wall = _start("--kiosk", "--catalog", str(catalog), "--layout", "1x1")
    try:
        _wait(lambda: _screen_has("red", fraction=0.3), "the kiosk wall filling the screen", wall)
        log_text = paths.log_file_path().read_text(encoding="utf-8")
        assert "entry skipped" in log_text and "broken" in log_text
        journal = Journal(paths.journal_path())
        assert any(kind == "catalog" for kind, _detail, _at in journal.events())
        journal.close()
    finally:
        assert _stop(wall) == 0


def test_the_wall_trims_its_journal_to_the_retention_at_start(qapp, tmp_path, simulator, clips):
    catalog = _two_districts(simulator, clips, tmp_path)
    paths.settings_path().write_text(json.dumps({"journal_retention_days": 30}))
    journal = Journal(paths.journal_path())
    now = time.time()
    ancient = journal.open_outage("cam-red", "Red", "d1", Reason.REFUSED, started_at=now - 40 * 86400)
    journal.close_outage(ancient, now - 39 * 86400)
    recent = journal.open_outage("cam-blue", "Blue", "d2", Reason.REFUSED, started_at=now - 86400)
    journal.close_outage(recent, now - 86000)
    journal.close()
    wall = _start("--catalog", str(catalog), "--district", "d1", "--layout", "1x1", "--no-sweep")
    try:
        _wait(lambda: _screen_has("red"), "the wall", wall)
        journal = Journal(paths.journal_path())
        kept = {o.id for o in journal.query()}
        journal.close()
        assert recent in kept and ancient not in kept
    finally:
        assert _stop(wall) == 0
