"""Every tile's video surface is sized so that libVLC's X11 output fits a 16:9 (and where
possible 4:3) picture at an EVEN width: an odd width sent its software scaler down a path
~1.75x slower (9 tiles of 640×360 at 545×256: 32 % of a core; at 545×252: 18 %)."""

from __future__ import annotations

from tests.support.catalogs import catalog_yaml
from viewer.core.picture_fit import fitted_width


def _surfaces_fit(window, tiles: int) -> None:
    assert len(window.grid.shown) == tiles
    for tile in window.grid.shown:
        ratio = tile.surface.devicePixelRatioF()
        w, h = round(tile.surface.width() * ratio), round(tile.surface.height() * ratio)
        assert fitted_width(w, h, (16, 9)) % 2 == 0, (w, h)
        holder = tile.surface.parentWidget()
        assert holder.width() - 8 <= tile.surface.width() <= holder.width()
        assert holder.height() - 8 <= tile.surface.height() <= holder.height()


def test_surfaces_give_even_picture_widths_in_every_layout_and_window_size(qtbot, make_wall, colour_streams):
    cameras = [(f"c{i}", colour_streams("green")) for i in range(1)]
    window = make_wall(catalog_yaml({"d1": cameras}))
    for size in ((1000, 700), (1920, 1080), (1283, 777)):
        window.resize(*size)
        for layout in ("1x1", "2x2", "3x3", "4x4"):
            window.controller.show_district("d1", 0, layout)
            # the layout settles in resize events: wait until every surface fits (or time out)
            qtbot.waitUntil(lambda n=int(layout[0]) ** 2: _surfaces_fit(window, n), timeout=10_000)
