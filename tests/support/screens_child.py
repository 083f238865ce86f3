"""A wall window on monitor RIGHT of a two-monitor Xvfb, whose monitors come and go.

Run by tests/ui/test_screens.py in its own Xvfb (3840×1080, split into LEFT and RIGHT with
RandR monitors, see ``tests.support.xmonitors``), with the app's own ``follow_screens``
wiring. Prints one JSON line per step: which screen the window is on, which monitor shows the
stream's colour, and the player's generation (it changes only if the player was restarted).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "xcb"

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from tests.support.xmonitors import Monitors

HALF_W, HEIGHT = 1920, 1080


def colour_at(x: int, y: int) -> tuple[int, int, int]:
    """Colour of the X screen at absolute (x, y), read back from the server."""
    screen = next(s for s in QGuiApplication.screens() if s.geometry().contains(x, y))
    origin = screen.geometry().topLeft()
    image = screen.grabWindow(0, x - origin.x() - 2, y - origin.y() - 2, 5, 5).toImage()
    c = image.pixelColor(2, 2)
    return c.red(), c.green(), c.blue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clip", required=True)
    args = parser.parse_args()
    monitors = Monitors(os.environ["DISPLAY"])
    monitors.set("LEFT", 0, 0, HALF_W, HEIGHT, primary=True, with_output=True)
    monitors.set("RIGHT", HALF_W, 0, HALF_W, HEIGHT)

    from tests.benchmarks.wall_child import build_wall, wait
    from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera
    from viewer.ui.window_screens import follow_screens

    app = QApplication(sys.argv[:1])
    sim = CameraSimulator()
    sim.start()
    url = sim.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=Path(args.clip)))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDEOWALL_HOME"] = tmp
        window, services = build_wall([url], Path(tmp))
        follow_screens(app, services)
        window.controller.show_view(window.controller.district_view("d1", 0, "1x1"))
        feed = window.controller.feed_at(0)
        names = [s.name() for s in QGuiApplication.screens()]
        window.place_on_screen(names.index("RIGHT"))

        def report(step: str) -> None:
            print(json.dumps({
                "step": step, "screens": sorted(s.name() for s in QGuiApplication.screens()),
                "window_screen": window.screen().name(), "window_x": window.geometry().x(),
                "left": colour_at(HALF_W // 2, HEIGHT // 2),
                "right": colour_at(HALF_W + HALF_W // 2, HEIGHT // 2)
                if any(s.name() == "RIGHT" for s in QGuiApplication.screens()) else None,
                "generation": feed.player.generation, "state": feed.state.value,
            }), flush=True)

        def red_on(side: str) -> bool:
            x = HALF_W // 2 if side == "left" else HALF_W + HALF_W // 2
            r, g, b = colour_at(x, HEIGHT // 2)
            return r > 200 and g < 60 and b < 60

        wait(app, lambda: feed.state.value == "playing" and red_on("right"), 20)
        report("start")
        monitors.delete("RIGHT")  # unplugged
        wait(app, lambda: window.screen().name() == "LEFT" and red_on("left"), 15)
        report("unplugged")
        monitors.set("RIGHT", HALF_W, 0, HALF_W, HEIGHT)  # plugged back in
        wait(app, lambda: window.screen().name() == "RIGHT" and red_on("right"), 15)
        report("returned")
        window.allow_exit()
        window.close()
        services.probes.shutdown()
    sim.stop()
    monitors.close()


if __name__ == "__main__":
    main()
