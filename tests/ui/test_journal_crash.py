"""The whole app, killed mid-outage: the outage it had flagged is in the journal, and
``videowall report`` prints it as still open; restarted later, the wall closes it at the time
it first saw pictures again, and the time the app was down is not covered (unknown)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from viewer import paths
from viewer.core import constants as C
from viewer.core.journal import read_evaluation_input, read_outages

OUTAGE_WAIT_S = 30.0
#: The walls' ``recovery_confirm_s`` setting here (the journal's hysteresis; production 30 s).
RECOVERY_CONFIRM_S = 5.0


def test_outage_survives_a_killed_wall_and_report_shows_it_open(tmp_path, simulator, clips):
    from viewer.sim.cameras import Behaviour, SimCamera

    healthy = simulator.add_http(SimCamera("/ok", Behaviour.HEALTHY, clip=clips["green"]))
    dead = simulator.add_http(SimCamera("/dead", Behaviour.REFUSED, clip=clips["red"], own_port=True))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "version: 1\ndistricts:\n  - {id: d1, name: Pusat}\ncameras:\n"
        f"  - {{id: ok-1, name: Good camera, district: d1, url: '{healthy}'}}\n"
        f"  - {{id: dead-1, name: Dead camera, district: d1, url: '{dead}'}}\n",
        encoding="utf-8",
    )
    journal = paths.journal_path()
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(json.dumps({"recovery_confirm_s": RECOVERY_CONFIRM_S}), encoding="utf-8")
    wall = _start_wall(catalog)
    try:
        _wait_for(
            wall,
            lambda: [o.reason.value for o in _open_outages(journal, "dead-1")] == ["refused"],
            "no open 'refused' outage was journalled",
        )
    finally:
        _kill(wall)
    assert wall.returncode == -signal.SIGKILL

    report = subprocess.run(
        [sys.executable, "-m", "viewer", "report", "--open", "--format", "csv", "--journal", str(journal)],
        capture_output=True, text=True, timeout=60,
    )
    assert report.returncode == 0, report.stderr
    lines = report.stdout.splitlines()
    assert lines[0].startswith("camera_id,camera_name,district,reason,started_at,ended_at,duration_s,")
    row = next(line for line in lines[1:] if line.startswith("dead-1,"))
    fields = row.split(",")
    assert fields[3] == "refused" and fields[5] == ""  # still open: ended_at empty
    assert not any(line.startswith("ok-1,") for line in lines)

    # The camera comes back while the wall is down; the restarted wall sees it play and
    # closes the outage the killed run left open, instead of leaving it open for ever.
    killed_at = time.time()
    simulator.set_behaviour(dead, Behaviour.HEALTHY)
    restarted_at = time.time()
    wall = _start_wall(catalog)
    try:
        _wait_for(wall, lambda: not _open_outages(journal, "dead-1"), "the stale outage was not closed",
                  OUTAGE_WAIT_S + RECOVERY_CONFIRM_S)  # the hysteresis: confirmed new pictures
        closed_seen_at = time.time()
    finally:
        _kill(wall)
    closed = [o for o in read_outages(journal) if o.camera_id == "dead-1"]
    assert len(closed) == 1 and closed[0].ended_at is not None
    # it ended when the restarted wall first saw pictures, not when the recovery was confirmed
    assert restarted_at < closed[0].ended_at <= closed_seen_at - RECOVERY_CONFIRM_S
    assert closed_seen_at - restarted_at < C.RECOVERY_CONFIRM_S  # the wall took the setting
    # nobody watched between the kill and the restart: that time is not covered
    coverage = [c for c in read_evaluation_input(journal, 0, time.time(), time.time()).coverage
                if c.camera_id == "dead-1"]
    before = [c for c in coverage if c.ended_at is not None and c.ended_at <= killed_at]
    after = [c for c in coverage if c.started_at >= restarted_at]
    assert before and after and len(before) + len(after) == len(coverage), coverage


def _start_wall(catalog) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "viewer", "--catalog", str(catalog), "--district", "d1", "--layout", "2x2"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _kill(wall: subprocess.Popen) -> None:
    os.killpg(wall.pid, signal.SIGKILL)
    wall.wait(timeout=10)


def _open_outages(journal, camera_id: str) -> list:
    if not journal.exists():
        return []
    return [o for o in read_outages(journal, open_only=True) if o.camera_id == camera_id]


def _wait_for(wall: subprocess.Popen, condition, message: str, wait_s: float = OUTAGE_WAIT_S) -> None:
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        assert wall.poll() is None, "the wall exited"
        if condition():
            return
        time.sleep(0.2)  # polling a file another process writes: no event to wait on
    raise AssertionError(message)
