"""``videowall demo`` end to end under Xvfb: it starts, shows moving pictures, flags the
planned failures with their reasons in its own journal, and exits cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from PySide6.QtGui import QGuiApplication

DEMO_WAIT_S = 60.0


def _report(extra: list[str]) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "viewer", "report", "--demo", "--format", "json", *extra],
                         capture_output=True, text=True, timeout=60)
    return json.loads(out.stdout) if out.returncode == 0 and out.stdout.strip() else []


def _changed_fraction(a, b) -> float:
    step = 16
    changed = total = 0
    for y in range(0, min(a.height(), b.height()), step):
        for x in range(0, min(a.width(), b.width()), step):
            total += 1
            changed += a.pixel(x, y) != b.pixel(x, y)
    return changed / max(1, total)


def test_demo_shows_moving_pictures_flags_planned_failures_and_exits_cleanly(qapp, tmp_path):
    demo = subprocess.Popen([sys.executable, "-m", "viewer", "demo"], env=dict(os.environ),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        screen = QGuiApplication.primaryScreen()
        deadline = time.monotonic() + DEMO_WAIT_S
        moving = 0.0
        reasons: set[str] = set()
        while time.monotonic() < deadline:
            assert demo.poll() is None, demo.stdout.read()
            before = screen.grabWindow(0).toImage()
            time.sleep(1.0)  # "frames differ over a second": the interval is the point of the check
            moving = max(moving, _changed_fraction(before, screen.grabWindow(0).toImage()))
            reasons = {row["reason"] for row in _report([])}
            if moving > 0.05 and {"refused", "auth", "not_found"} <= reasons:
                break
        assert moving > 0.05, f"only {moving:.1%} of the screen changed in a second"
        assert {"refused", "auth", "not_found"} <= reasons, reasons
        assert all(row["ended_at"] in (None, "") for row in _report(["--open"]))
    finally:
        os.kill(demo.pid, signal.SIGTERM)
        try:
            code = demo.wait(timeout=20)
        finally:
            if demo.poll() is None:
                os.killpg(demo.pid, signal.SIGKILL)
    assert code == 0
    leftovers = subprocess.run(["pgrep", "-g", str(demo.pid)], capture_output=True, text=True).stdout.split()
    assert leftovers == []
