"""Operators' moments measured by pixels: after maximise, restore, a page change, a layout
change and a dropped camera, screenshots every 100 ms must show the right picture filling the
tile — never black for more than one sample, never a picture of the wrong size.

Streams start mid-GOP (``late_clips``): like a real camera with a 4 s keyframe interval, a
new client waits ~3.4 s for its first picture, so anything that restarts a stream shows.
Real libVLC, real X windows (Xvfb); ``QScreen.grabWindow`` sees libVLC's output.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.conftest import COLOURS_RGB
from tests.support.screen_samples import describe, inner_rect, longest_run, sample, watch
from viewer.core.health import FeedState
from viewer.sim.cameras import Behaviour, SimCamera

FILLS = 0.9  # share of sampled points that must show the stream's colour
PICTURE_TIMEOUT_MS = 20_000


def _late_stream(simulator, late_clips, colour: str, gop_s: float = 4.0, size: str = "640x360") -> str:
    clip = late_clips(colour, gop_s, size)
    return simulator.add_http(SimCamera(f"/{colour}-{size}-late", Behaviour.HEALTHY, clip=clip))


def _colours(*names: str) -> dict:
    return {n: COLOURS_RGB[n] for n in names}


def _wait_filled(qtbot, window, widget, colour: str) -> None:
    qtbot.waitUntil(lambda: sample(window, inner_rect(widget, window), _colours(colour)).fills(FILLS),
                    timeout=PICTURE_TIMEOUT_MS)


def _maximise_catalog(main_url: str, sub_url: str, other_url: str) -> str:
    return f"""version: 1
districts:
  - {{id: d1, name: District 1}}
cameras:
  - {{id: cam, name: Gate, district: d1, url: '{main_url}', substream: '{sub_url}'}}
  - {{id: other, name: Other, district: d1, url: '{other_url}'}}
"""


def test_maximise_and_restore_never_show_black_or_a_small_picture(qtbot, make_wall, simulator, late_clips):
    main = _late_stream(simulator, late_clips, "green", size="1280x720")  # a camera's main stream
    sub = _late_stream(simulator, late_clips, "red")
    other = _late_stream(simulator, late_clips, "blue")
    window = make_wall(_maximise_catalog(main, sub, other))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    grid_tile = controller.grid.tiles[controller.slots[0]]
    _wait_filled(qtbot, window, grid_tile.surface, "red")

    qtbot.mouseDClick(grid_tile.surface, Qt.MouseButton.LeftButton)

    def maximised_surface():
        tile = controller.grid.maximised
        assert tile is not None
        return inner_rect(tile.surface, window)

    samples = watch(qtbot, window, maximised_surface, _colours("red", "green"), seconds=12,
                    until=lambda s: len(s) >= 3 and all(x.colours["green"] >= FILLS for x in s[-3:]))
    report = describe(samples)
    print("maximise:\n" + report)
    assert controller.grid.maximised.surface.width() > 0.95 * controller.grid.width(), report
    assert longest_run(samples, lambda s: not s.fills(FILLS)) <= 1, report
    assert samples[-1].colours["green"] >= FILLS, "the main stream never filled the tile:\n" + report
    assert controller.feed_at(0).camera.id == "cam"
    qtbot.waitUntil(lambda: "main stream" in controller.grid.maximised.caption_text())

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert controller.grid.maximised is None
    samples = watch(qtbot, window, lambda: inner_rect(grid_tile.surface, window), _colours("red"), seconds=2.5)
    report = describe(samples)
    assert grid_tile.isVisible() and grid_tile.width() < 0.6 * controller.grid.width()
    assert longest_run(samples, lambda s: not s.fills(FILLS)) <= 1, "restore:\n" + report
    other_tile = controller.grid.tiles[controller.slots[1]]
    assert sample(window, inner_rect(other_tile.surface, window), _colours("blue")).fills(FILLS)
    # the main stream's player stops once the grid is back
    qtbot.waitUntil(lambda: sum(1 for f in controller.running_feeds() if f.main_stream) == 0, timeout=5_000)
    assert controller.feed_at(0).state is FeedState.PLAYING
