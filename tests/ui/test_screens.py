"""Two monitors, simulated with RandR monitors on a 3840×1080 Xvfb (tests/support/xmonitors.py).

- A monitor unplugged and plugged back in: the wall runs in a child process on its own Xvfb,
  split into LEFT and RIGHT; deleting RIGHT is what Qt sees at an unplug. The window must
  move to LEFT and show its camera there, come back to RIGHT when RIGHT returns, and never
  restart its player.
- A kiosk wall over both monitors (``--kiosk --screens 0,1``): one window per monitor, each
  back on its own last view.

What this cannot simulate: a real output's hotplug (the X screen itself shrinking) and the
Windows display stack.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from tests.support import xmonitors
from tests.support.catalogs import catalog_yaml
from tests.support.screen_samples import close_to
from viewer import paths
from viewer.sim.cameras import Behaviour, SimCamera

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RED = (255, 0, 0)
BLUE = (0, 0, 255)

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


def test_a_kiosk_wall_over_two_monitors_brings_back_each_windows_view(wide_display, tmp_path, simulator, clips):
    monitors = xmonitors.Monitors(wide_display)
    monitors.set("LEFT", 0, 0, 1920, 1080, primary=True, with_output=True)
    monitors.set("RIGHT", 1920, 0, 1920, 1080)
    red = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    blue = simulator.add_http(SimCamera("/blue", Behaviour.HEALTHY, clip=clips["blue"]))
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"d1": [("cam-red", red)], "d2": [("cam-blue", blue)]}), encoding="utf-8")
    # Last time, the left monitor's window showed d2 (blue) and the right one's d1 (red):
    # the opposite of the default (window N shows district N), so the test sees a restore.
    sessions = {key: {"layout": "1x1", "cameras": [cam], "district": d, "page": 0, "name": ""}
                for key, cam, d in (("0", "cam-blue", "d2"), ("1", "cam-red", "d1"))}
    paths.views_path().write_text(json.dumps({"schema_version": 1, "views": {}, "last_session": sessions}))
    wall = subprocess.Popen([sys.executable, "-m", "viewer", "--kiosk", "--screens", "0,1", "--no-sweep",
                             "--catalog", str(catalog)], env=dict(os.environ, DISPLAY=wide_display),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 40
        seen = None
        while time.monotonic() < deadline:
            assert wall.poll() is None, f"the wall exited with {wall.returncode}"
            seen = (monitors.colour_at(960, 540), monitors.colour_at(2880, 540))
            if close_to(seen[0], BLUE) and close_to(seen[1], RED):
                break
            time.sleep(0.2)  # polling another process's screen: no event to wait on
        assert close_to(seen[0], BLUE) and close_to(seen[1], RED), f"left, right = {seen}"
    finally:
        os.killpg(wall.pid, signal.SIGTERM)
        assert wall.wait(timeout=20) == 0
        monitors.close()
