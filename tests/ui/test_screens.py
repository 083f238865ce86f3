"""A monitor unplugged and plugged back in, simulated with RandR monitors on a 3840×1080 Xvfb.

The wall runs in a child process on its own Xvfb, split into monitors LEFT and RIGHT (see
tests/support/xmonitors.py); deleting RIGHT is what Qt sees when a monitor is unplugged. The
wall window must move to LEFT and show its camera there, come back to RIGHT when RIGHT
returns, and never restart its player. What this cannot simulate: a real output's hotplug
(the X screen itself shrinking) and the Windows display stack.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.support import xmonitors
from tests.ui.conftest import close_to

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RED = (255, 0, 0)

pytestmark = pytest.mark.skipif(not (shutil.which("Xvfb") and xmonitors.available()), reason="Xvfb and libXrandr")


@pytest.fixture
def wide_display():
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "3840x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    yield display
    proc.terminate()
    proc.wait(timeout=10)


def test_the_wall_follows_its_monitor_out_and_back_without_restarting_players(wide_display, clips):
    env = dict(os.environ, DISPLAY=wide_display, PYTHONUNBUFFERED="1")
    out = subprocess.run([sys.executable, "-m", "tests.support.screens_child", "--clip", str(clips["red"])],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    steps = {s["step"]: s for s in (json.loads(line) for line in out.stdout.splitlines() if line.startswith("{"))}
    assert set(steps) == {"start", "unplugged", "returned"}, out.stdout + out.stderr[-2000:]
    start, unplugged, returned = steps["start"], steps["unplugged"], steps["returned"]

    assert start["screens"] == ["LEFT", "RIGHT"] and start["window_screen"] == "RIGHT"
    assert close_to(start["right"], RED) and not close_to(start["left"], RED)

    assert unplugged["screens"] == ["LEFT"]
    assert unplugged["window_screen"] == "LEFT" and unplugged["window_x"] == 0
    assert close_to(unplugged["left"], RED), "the camera is on screen on the remaining monitor"

    assert returned["window_screen"] == "RIGHT" and returned["window_x"] == 1920
    assert close_to(returned["right"], RED) and not close_to(returned["left"], RED)

    assert start["generation"] == unplugged["generation"] == returned["generation"], "player restarted"
    assert returned["state"] == "playing"
