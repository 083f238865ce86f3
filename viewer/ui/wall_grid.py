"""The grid that arranges tiles for a :class:`viewer.core.layouts.Layout`.

Tiles are created on demand and kept for the window's life (their players are reused);
a layout with fewer tiles hides the rest. Maximising shows one tile over the whole grid
without touching the others' players.
"""

from __future__ import annotations

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
        self.tiles: list[Tile] = []
        self.layout_data: Layout | None = None
        self.maximised: int | None = None

    def ensure_tiles(self, count: int) -> list[Tile]:
        while len(self.tiles) < count:
            tile = Tile(len(self.tiles), self)
            tile.hide()
            self.tiles.append(tile)
        return self.tiles[:count]

    def apply_layout(self, layout: Layout) -> None:
        self.layout_data = layout
        self.maximised = None
        self.ensure_tiles(layout.size)
        self._arrange()

    def set_maximised(self, index: int | None) -> None:
        self.maximised = index
        self._arrange()

    def visible_tiles(self) -> list[Tile]:
        if self.layout_data is None:
            return []
        return self.tiles[: self.layout_data.size]

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
        if self.maximised is not None:
            for i, tile in enumerate(self.tiles):
                tile.setVisible(i == self.maximised)
            self._grid.addWidget(self.tiles[self.maximised], 0, 0, 1, 1)
            self._grid.setRowStretch(0, 1)
            self._grid.setColumnStretch(0, 1)
            return
        for r in range(layout.rows):
            self._grid.setRowStretch(r, 1)
        for c in range(layout.cols):
            self._grid.setColumnStretch(c, 1)
        for i, tile in enumerate(self.tiles):
            if i < layout.size:
                rect = layout.tiles[i]
                self._grid.addWidget(tile, rect.row, rect.col, rect.row_span, rect.col_span)
                tile.show()
            else:
                tile.hide()
