"""The wall under Xvfb with real libVLC: distinct solid-colour streams must show up in the
expected tiles of a screenshot; maximise, drag, paging and layouts work on real pictures."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.support.catalogs import catalog_yaml
from tests.support.clips import COLOURS_RGB
from tests.support.screen_samples import close_to, grab_colour
from viewer.core.health_model import FeedState
from viewer.ui.tile import CAMERA_MIME

PICTURE_TIMEOUT_MS = 15_000


def wait_colours(qtbot, window, expected: dict[int, str]) -> None:
    """Wait until the tile at layout position i shows colour expected[i] on screen."""

    def check():
        for index, name in expected.items():
            rgb = grab_colour(window.grid.shown[index])
            assert close_to(rgb, COLOURS_RGB[name]), f"tile {index}: {rgb} is not {name}"

    qtbot.waitUntil(check, timeout=PICTURE_TIMEOUT_MS)


def test_each_stream_lands_in_its_tile(qtbot, make_wall, colour_streams):
    names = ["red", "green", "blue", "yellow"]
    cams = [(f"cam-{n}", colour_streams(n)) for n in names]
    window = make_wall(catalog_yaml({"d1": cams}))
    window.controller.show_district("d1", 0, "2x2")
    wait_colours(qtbot, window, dict(enumerate(names)))
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in window.controller.active_feeds()),
                    timeout=PICTURE_TIMEOUT_MS)
    assert all(window.grid.tiles[i].state == "playing" for i in range(4))
    assert "Camera cam-red" in window.grid.tiles[0].caption_text()
    player = window.controller.feeds[0].player
    qtbot.waitUntil(lambda: player.stats().displayed_pictures > 0, timeout=PICTURE_TIMEOUT_MS)


def test_maximised_tile_fills_the_wall_and_restores(qtbot, make_wall, colour_streams):
    cams = [(f"cam-{n}", colour_streams(n)) for n in ("red", "green", "blue", "yellow")]
    window = make_wall(catalog_yaml({"d1": cams}))
    window.controller.show_district("d1", 0, "2x2")
    wait_colours(qtbot, window, {1: "green"})
    tile = window.grid.tiles[1]
    qtbot.mouseDClick(tile.surface, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: tile.geometry() == window.grid.rect())
    assert window.controller.maximised_position() == 1
    assert not window.grid.tiles[0].isVisible()
    wait_colours(qtbot, window, {1: "green"})
    grid_size = window.grid.size()
    assert tile.surface.width() > grid_size.width() * 0.95
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.grid.tiles[0].isVisible())
    assert tile.width() < grid_size.width() * 0.6
    wait_colours(qtbot, window, {0: "red", 1: "green"})


def test_dropped_camera_plays_in_the_tile_it_was_dropped_on(qtbot, make_wall, colour_streams):
    cams = [("cam-red", colour_streams("red")), ("cam-blue", colour_streams("blue"))]
    extra = [("cam-magenta", colour_streams("magenta"))]
    window = make_wall(catalog_yaml({"d1": cams, "d2": extra}))
    window.controller.show_district("d1", 0, "2x2")
    wait_colours(qtbot, window, {0: "red", 1: "blue"})
    tile = window.grid.tiles[3]
    mime = QMimeData()
    mime.setData(CAMERA_MIME, b"cam-magenta")
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    enter = QDragEnterEvent(QPoint(10, 10), *args)
    tile.dragEnterEvent(enter)  # Qt only routes synthetic drops during a real drag: call the handlers
    assert enter.isAccepted()
    tile.dropEvent(QDropEvent(QPointF(10, 10), *args))
    assert window.controller.view.cameras[3] == "cam-magenta"
    assert window.controller.view.district is None  # a hand-picked view now
    wait_colours(qtbot, window, {0: "red", 1: "blue", 3: "magenta"})


def test_pages_keep_positions_and_empty_tiles_stay_empty(qtbot, make_wall, colour_streams):
    names = ["red", "green", "blue", "yellow", "magenta", "cyan"]
    window = make_wall(catalog_yaml({"d1": [(f"cam-{n}", colour_streams(n)) for n in names]}))
    window.controller.show_district("d1", 0, "2x2")
    wait_colours(qtbot, window, {0: "red", 3: "yellow"})
    qtbot.keyClick(window, Qt.Key.Key_PageDown)
    assert window.controller.view.cameras == ("cam-magenta", "cam-cyan", None, None)
    wait_colours(qtbot, window, {0: "magenta", 1: "cyan"})
    assert window.grid.shown[2].state == "empty"
    assert "page 2/2" in window.page_label.text()
    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # wraps to the first page
    wait_colours(qtbot, window, {0: "red"})


def test_uneven_layout_puts_first_camera_in_the_big_tile(qtbot, make_wall, colour_streams):
    names = ["red", "green", "blue"]
    window = make_wall(catalog_yaml({"d1": [(f"cam-{n}", colour_streams(n)) for n in names]}))
    window.controller.show_district("d1", 0, "1+5")
    wait_colours(qtbot, window, {0: "red", 1: "green", 2: "blue"})
    big, small = window.grid.tiles[0], window.grid.tiles[1]
    assert big.width() > 1.8 * small.width() and big.height() > 1.8 * small.height()
    assert window.layout_box.currentText() == "1+5"


def test_search_filters_and_activating_a_camera_puts_it_on_the_wall(qtbot, make_wall, colour_streams):
    cams = [("cam-red", colour_streams("red")), ("cam-green", colour_streams("green"))]
    window = make_wall(catalog_yaml({"d1": cams[:1], "d2": cams[1:]}))
    window.controller.show_district("d1", 0, "2x2")
    qtbot.keyClicks(window.navigator.search, "green")
    assert window.navigator.model.match_count() == 1
    window.navigator.search.returnPressed.emit()
    assert "cam-green" in window.controller.view.cameras
    index = window.controller.view.cameras.index("cam-green")
    wait_colours(qtbot, window, {index: "green"})
