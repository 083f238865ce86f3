"""The grid that arranges tiles for a :class:`viewer.core.layouts.Layout`.

The grid owns a pool of tiles, created on demand and kept for the window's life (their
players are reused). :meth:`arrange` shows the given tiles in the layout's positions and
hides every other tile — hidden tiles can still play (that is how a tour pre-rolls the next
page). Maximising shows one tile over the whole grid without touching the others' players.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGridLayout, QWidget

from viewer.core.layouts import Layout
from viewer.ui.tile import Tile

GRID_SPACING_PX = 2


class WallGrid(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(8, 8, 8))
        self.setPalette(palette)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(GRID_SPACING_PX)
        self.tiles: list[Tile] = []  # the pool; a tile's index never changes
        self.layout_data: Layout | None = None
        self.shown: list[Tile] = []  # tiles in layout positions, in order
        self.maximised: Tile | None = None

    def new_tile(self) -> Tile:
        tile = Tile(len(self.tiles), self)
        tile.hide()
        self.tiles.append(tile)
        return tile

    def arrange(self, layout: Layout, tiles: list[Tile]) -> None:
        """Show ``tiles`` (one per layout position) and hide all others."""
        self.layout_data = layout
        self.shown = list(tiles)
        self.maximised = None
        self._arrange()

    def place_hidden(self, tile: Tile, rect: QRect) -> None:
        """Give a hidden tile ``rect`` (grid coordinates), its video surface's X window included.

        Qt defers a hidden widget's geometry until it is shown, but libVLC's xcb output sizes
        its picture from the X window when its video output starts: a player started in a
        hidden tile must find the surface at the size it will be shown at.
        """
        tile.setGeometry(rect)
        tile.layout().setGeometry(QRect(0, 0, rect.width(), rect.height()))
        tile.fit_surface()
        surface = tile.surface
        handle = surface.windowHandle()
        if handle is not None:
            native_parent = surface.nativeParentWidget()
            top_left = surface.mapTo(native_parent, QPoint(0, 0)) if native_parent is not None else surface.pos()
            handle.setGeometry(QRect(top_left, surface.size()))

    def set_maximised(self, tile: Tile | None) -> None:
        self.maximised = tile
        self._arrange()

    def _arrange(self) -> None:
        layout = self.layout_data
        if layout is None:
            return
        for tile in self.tiles:
            self._grid.removeWidget(tile)
        for r in range(self._grid.rowCount()):
            self._grid.setRowStretch(r, 0)
        for c in range(self._grid.columnCount()):
            self._grid.setColumnStretch(c, 0)
        visible: set[int] = set()
        if self.maximised is not None:
            self._grid.addWidget(self.maximised, 0, 0, 1, 1)
            self._grid.setRowStretch(0, 1)
            self._grid.setColumnStretch(0, 1)
            visible.add(self.maximised.index)
        else:
            for r in range(layout.rows):
                self._grid.setRowStretch(r, 1)
            for c in range(layout.cols):
                self._grid.setColumnStretch(c, 1)
            for rect, tile in zip(layout.tiles, self.shown, strict=False):
                self._grid.addWidget(tile, rect.row, rect.col, rect.row_span, rect.col_span)
                visible.add(tile.index)
        for tile in self.tiles:
            tile.setVisible(tile.index in visible)
        self._grid.activate()  # geometry now, not at the next layout pass: players size from it
