"""Operators' moments measured by pixels: after maximise, restore, a page change, a layout
change and a dropped camera, screenshots every 100 ms must show the right picture filling the
tile — never black for more than one sample, never a picture of the wrong size.

Streams start mid-GOP (``late_clips``): like a real camera with a 4 s keyframe interval, a
new client waits ~3.4 s for its first picture, so anything that restarts a stream shows.
Real libVLC, real X windows (Xvfb); ``QScreen.grabWindow`` sees libVLC's output.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.support.catalogs import catalog_yaml, substream_catalog
from tests.support.clips import COLOURS_RGB
from tests.support.screen_samples import (
    describe,
    grab,
    longest_run,
    picture_rect,
    read,
    sample,
    watch,
    x_children,
    x_window_size,
)
from viewer.core.health_model import FeedState
from viewer.core.settings import Settings
from viewer.core.views import WallView
from viewer.sim.cameras import Behaviour, SimCamera
from viewer.ui.tile import CAMERA_MIME

FILLS = 0.9  # share of sampled points that must show the stream's colour
PICTURE_TIMEOUT_MS = 20_000


def _late_stream(simulator, late_clips, colour: str, gop_s: float = 4.0, size: str = "640x360", name: str = "") -> str:
    clip = late_clips(colour, gop_s, size)
    return simulator.add_http(SimCamera(f"/{name or colour}-{size}-late", Behaviour.HEALTHY, clip=clip))


def _colours(*names: str) -> dict:
    return {n: COLOURS_RGB[n] for n in names}


def _wait_filled(qtbot, window, widget, colour: str) -> None:
    qtbot.waitUntil(lambda: sample(window, picture_rect(widget, window), _colours(colour)).fills(FILLS),
                    timeout=PICTURE_TIMEOUT_MS)


def _fits(size: tuple[int, int], area: tuple[int, int]) -> bool:
    """A picture fitted into ``area`` at its aspect ratio: one side spans it, neither exceeds it."""
    (w, h), (aw, ah) = size, area
    return w <= aw and h <= ah and (w >= aw - 2 or h >= ah - 2)


def test_maximise_and_restore_never_show_black_or_a_small_picture(qtbot, make_wall, simulator, late_clips):
    main = _late_stream(simulator, late_clips, "green", size="1280x720")  # a camera's main stream
    sub = _late_stream(simulator, late_clips, "red")
    other = _late_stream(simulator, late_clips, "blue")
    window = make_wall(substream_catalog(main, sub, other))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    grid_tile = controller.grid.tiles[controller.slots[0]]
    _wait_filled(qtbot, window, grid_tile.surface, "red")

    qtbot.mouseDClick(grid_tile.surface, Qt.MouseButton.LeftButton)
    # Before its first picture, the main stream's hidden surface already has the maximised size
    # on the X server: libVLC's xcb output takes its picture size from there.
    main_index = controller.maximiser.current.main_index
    main_surface = controller.grid.tiles[main_index].surface
    full = controller.grid.maximised.surface.size()
    assert full.width() > 0.95 * controller.grid.width()
    qtbot.waitUntil(lambda: x_window_size(main_surface.winId()) == (full.width(), full.height()), timeout=2_000)
    assert controller.feeds[main_index].state is not FeedState.PLAYING

    def maximised_surface():
        tile = controller.grid.maximised
        assert tile is not None
        return picture_rect(tile.surface, window)

    samples = watch(qtbot, window, maximised_surface, _colours("red", "green"), seconds=12,
                    until=lambda s: len(s) >= 3 and all(x.colours["green"] >= FILLS for x in s[-3:]))
    report = describe(samples)
    print("maximise:\n" + report)
    assert controller.grid.maximised.surface.width() > 0.95 * controller.grid.width(), report
    assert longest_run(samples, lambda s: not s.fills(FILLS)) <= 1, report
    assert samples[-1].colours["green"] >= FILLS, "the main stream never filled the tile:\n" + report
    assert controller.feed_at(0).camera.id == "cam"
    qtbot.waitUntil(lambda: "main stream" in controller.grid.maximised.caption_text())
    assert controller.grid.maximised.surface is main_surface
    # libVLC's own window inside the surface: the picture as large as the 16:9 stream fits
    sizes = [x_window_size(c) for c in x_children(main_surface.winId())]
    assert sizes and all(_fits(size, (full.width(), full.height())) for size in sizes), (sizes, full)

    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert controller.grid.maximised is None
    samples = watch(qtbot, window, lambda: picture_rect(grid_tile.surface, window), _colours("red"), seconds=2.5)
    report = describe(samples)
    assert grid_tile.isVisible() and grid_tile.width() < 0.6 * controller.grid.width()
    assert longest_run(samples, lambda s: not s.fills(FILLS)) <= 1, "restore:\n" + report
    other_tile = controller.grid.tiles[controller.slots[1]]
    assert sample(window, picture_rect(other_tile.surface, window), _colours("blue")).fills(FILLS)
    # the main stream's player stops once the grid is back
    qtbot.waitUntil(lambda: sum(1 for f in controller.running_feeds() if f.main_stream) == 0, timeout=5_000)
    assert controller.feed_at(0).state is FeedState.PLAYING


# --- pages, layouts, drops: every shown position is checked in each sample ---------------------------------
def _watch_positions(qtbot, window, expected: dict[int, str], seconds: float, interval_ms: int = 100):
    """Sample each layout position's tile every ``interval_ms``: (sample, message), where the
    message is what the tile paints while its feed has no picture (empty when playing)."""
    controller = window.controller
    rows: list[dict[int, tuple]] = []
    start = time.monotonic()
    while True:
        t = time.monotonic() - start
        image = grab(window)
        row = {}
        for position, colour in expected.items():
            tile = controller.grid.tiles[controller.slots[position]]
            playing = controller.feed_at(position).state is FeedState.PLAYING
            row[position] = (read(image, window, picture_rect(tile.surface, window), _colours(colour), t),
                             "" if playing else tile.surface.message())
        rows.append(row)
        done = all(s.fills(FILLS) for s, _ in row.values())
        if t >= seconds or (done and len(rows) > 3 and all(
                all(s.fills(FILLS) for s, _ in r.values()) for r in rows[-3:])):
            return rows
        qtbot.wait(interval_ms)


def _assert_truthful(rows, names: dict[int, str], instant: set[int]) -> None:
    """Positions in ``instant`` fill at once (at most one sample off, for the swap); the others
    either fill or say "connecting…" with their camera's name — never an unexplained black,
    and never a part-filled (wrong-sized) picture for more than one sample."""
    for position, name in names.items():
        samples = [r[position] for r in rows]
        report = f"position {position} ({name}):\n" + "\n".join(f"{s} {m!r}" for s, m in samples)
        if position in instant:
            assert longest_run(samples, lambda sm: not sm[0].fills(FILLS)) <= 1, report
            continue
        explained = [s.fills(FILLS) or (name in m and "connecting" in m) for s, m in samples]
        assert longest_run(explained, lambda ok: not ok) <= 1, report
        assert longest_run(samples, lambda sm: 0.05 < sm[0].picture < FILLS) <= 1, "part-filled\n" + report
        assert samples[-1][0].fills(FILLS), report


def _district(simulator, late_clips, colours: list[str], gop_s: float = 4.0) -> list[tuple[str, str]]:
    return [(f"c{i}", _late_stream(simulator, late_clips, c, gop_s, name=f"c{i}-{c}")) for i, c in enumerate(colours)]


PAGE_1 = ["red", "green", "blue", "yellow"]
PAGE_2 = ["magenta", "cyan", "white", "green"]


def test_page_down_and_up_show_prerolled_neighbour_pages_at_once(qtbot, make_wall, simulator, late_clips):
    window = make_wall(catalog_yaml({"d1": _district(simulator, late_clips, PAGE_1 + PAGE_2)}))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    assert controller.refresh_neighbours() == 4  # two pages: the next is also the previous
    hidden = [controller.feeds[i] for i in controller.neighbours.indices()]
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds() + hidden),
                    timeout=PICTURE_TIMEOUT_MS)

    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert "page 2/2" in window.page_label.text()
    rows = _watch_positions(qtbot, window, dict(enumerate(PAGE_2)), seconds=2)
    _assert_truthful(rows, {p: f"Camera c{p + 4}" for p in range(4)}, instant=set(range(4)))

    qtbot.keyClick(window, Qt.Key.Key_PageUp)  # the page just left kept playing, hidden
    assert "page 1/2" in window.page_label.text()
    rows = _watch_positions(qtbot, window, dict(enumerate(PAGE_1)), seconds=2)
    _assert_truthful(rows, {p: f"Camera c{p}" for p in range(4)}, instant=set(range(4)))

    # a search jump to a camera of the (pre-rolled) next page: the player already plays it
    qtbot.waitUntil(lambda: all(controller.feeds[i].state is FeedState.PLAYING
                                for i in controller.neighbours.indices()), timeout=PICTURE_TIMEOUT_MS)
    window.show_camera("c5")
    assert controller.view.cameras[0] == "c5"
    rows = _watch_positions(qtbot, window, {0: "cyan", 1: "green"}, seconds=1.5)
    _assert_truthful(rows, {0: "Camera c5", 1: "Camera c1"}, instant={0, 1})

    # a saved view of cameras on the wall, in other places and another layout: nothing restarts
    window.services.views.save("mine", WallView("1x2", ("c1", "c5")))
    assert window.open_view("mine")
    assert window.layout_box.currentText() == "1x2"
    rows = _watch_positions(qtbot, window, {0: "green", 1: "cyan"}, seconds=1.5)
    _assert_truthful(rows, {0: "Camera c1", 1: "Camera c5"}, instant={0, 1})


def test_layout_change_keeps_playing_cameras_and_names_the_new_ones(qtbot, make_wall, simulator, late_clips):
    colours = ["red", "green", "blue", "yellow", "magenta", "cyan"]
    window = make_wall(catalog_yaml({"d1": _district(simulator, late_clips, colours)}))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()),
                    timeout=PICTURE_TIMEOUT_MS)
    qtbot.keyClick(window, Qt.Key.Key_3)  # 3x3: the four playing cameras grow smaller, two new ones come
    assert window.layout_box.currentText() == "3x3"
    rows = _watch_positions(qtbot, window, dict(enumerate(colours)), seconds=10)
    _assert_truthful(rows, {p: f"Camera c{p}" for p in range(6)}, instant={0, 1, 2, 3})

    qtbot.keyClick(window, Qt.Key.Key_1)  # 1x1: the first camera, larger, at once
    rows = _watch_positions(qtbot, window, {0: "red"}, seconds=1.5)
    _assert_truthful(rows, {0: "Camera c0"}, instant={0})


def test_dropped_camera_says_connecting_with_its_name_then_fills(qtbot, make_wall, simulator, late_clips):
    cams = _district(simulator, late_clips, ["red", "green"])
    extra = [("gate", _late_stream(simulator, late_clips, "blue", name="gate"))]
    window = make_wall(catalog_yaml({"d1": cams, "d2": extra}))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()),
                    timeout=PICTURE_TIMEOUT_MS)
    tile = controller.grid.tiles[controller.slots[3]]
    mime = QMimeData()
    mime.setData(CAMERA_MIME, b"gate")
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    tile.dragEnterEvent(QDragEnterEvent(QPoint(10, 10), *args))
    tile.dropEvent(QDropEvent(QPointF(10, 10), *args))
    shown = controller.grid.tiles[controller.slots[3]]
    assert "Camera gate" in shown.surface.message() and "connecting" in shown.surface.message()
    rows = _watch_positions(qtbot, window, {0: "red", 1: "green", 3: "blue"}, seconds=10)
    _assert_truthful(rows, {0: "Camera c0", 1: "Camera c1", 3: "Camera gate"}, instant={0, 1})


# --- the settings that trade CPU for these moments, switched off ------------------------------------------
def test_without_a_kept_substream_restore_names_the_camera_until_its_picture(qtbot, make_wall, simulator,
                                                                            late_clips):
    main = _late_stream(simulator, late_clips, "green")
    sub = _late_stream(simulator, late_clips, "red")
    window = make_wall(substream_catalog(main, sub, _late_stream(simulator, late_clips, "blue")),
                       settings=Settings(keep_substream_when_maximised=False))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    grid_feed = controller.feed_at(0)
    qtbot.waitUntil(lambda: grid_feed.state is FeedState.PLAYING, timeout=PICTURE_TIMEOUT_MS)
    controller.toggle_maximise(0)
    qtbot.waitUntil(lambda: controller.feed_at(0) is not grid_feed, timeout=PICTURE_TIMEOUT_MS)  # swapped
    assert grid_feed.camera is None  # the sub-stream stopped at the swap: one player while maximised
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert "Cam" in controller.grid.tiles[controller.slots[0]].surface.message()
    rows = _watch_positions(qtbot, window, {0: "red", 1: "blue"}, seconds=10)
    _assert_truthful(rows, {0: "Cam", 1: "Other"}, instant={1})


def test_without_neighbour_preroll_page_down_names_each_camera_until_its_picture(qtbot, make_wall, simulator,
                                                                                 late_clips):
    window = make_wall(catalog_yaml({"d1": _district(simulator, late_clips, PAGE_1 + PAGE_2[:2])}),
                       settings=Settings(neighbour_preroll_tiles=0))
    controller = window.controller
    controller.show_district("d1", 0, "2x2")
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert controller.neighbours.indices() == set()
    rows = _watch_positions(qtbot, window, {0: "magenta", 1: "cyan"}, seconds=10)
    _assert_truthful(rows, {0: "Camera c4", 1: "Camera c5"}, instant=set())
