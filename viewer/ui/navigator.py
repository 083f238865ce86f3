"""District tree with a search box: find any of tens of thousands of cameras as you type.

:class:`CameraTreeModel` is a flat two-level model (district → cameras) over the catalog
with precomputed lower-case search keys, so a keystroke filters 50,000 cameras with one
pass of ``in`` over strings and a model reset — no per-item Qt objects.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QTreeView, QVBoxLayout, QWidget

from viewer.core.catalog_model import Catalog
from viewer.ui.tile import camera_mime

DISTRICT_ROW = 0xFFFFFFFF  # internalId of district rows; camera rows store their district row

CameraIdRole = Qt.ItemDataRole.UserRole + 1
DistrictIdRole = Qt.ItemDataRole.UserRole + 2


class CameraTreeModel(QAbstractItemModel):
    def __init__(self, catalog: Catalog, parent=None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self._districts = list(catalog.districts)
        self._cams = [list(catalog.cameras_in(d.id)) for d in self._districts]
        self._keys = [
            [f"{c.id}\n{c.name}\n{c.group}".casefold() for c in cams] for cams in self._cams
        ]
        self._visible: list[list[int]] = [list(range(len(c))) for c in self._cams]
        self._rows: list[int] = list(range(len(self._districts)))  # visible district rows
        self.status: dict[str, str] = {}  # district id -> extra text ("12 of 14 online")
        self.filter_text = ""

    def set_filter(self, text: str) -> None:
        needle = text.strip().casefold()
        self.beginResetModel()
        self.filter_text = needle
        if not needle:
            self._visible = [list(range(len(c))) for c in self._cams]
            self._rows = list(range(len(self._districts)))
        else:
            self._visible = [[i for i, k in enumerate(keys) if needle in k] for keys in self._keys]
            self._rows = [
                d for d, vis in enumerate(self._visible)
                if vis or needle in self._districts[d].name.casefold() or needle in self._districts[d].id
            ]
            for d in self._rows:
                if not self._visible[d]:  # district matched by name: show all its cameras
                    self._visible[d] = list(range(len(self._cams[d])))
        self.endResetModel()

    def match_count(self) -> int:
        return sum(len(self._visible[d]) for d in self._rows)

    # --- QAbstractItemModel --------------------------------------------------------
    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()):  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, DISTRICT_ROW) if row < len(self._rows) else QModelIndex()
        if parent.internalId() != DISTRICT_ROW:
            return QModelIndex()
        d = self._rows[parent.row()]
        return self.createIndex(row, 0, d) if row < len(self._visible[d]) else QModelIndex()

    def parent(self, index=QModelIndex()):  # noqa: B008
        if not index.isValid() or index.internalId() == DISTRICT_ROW:
            return QModelIndex()
        d = index.internalId()
        try:
            return self.createIndex(self._rows.index(d), 0, DISTRICT_ROW)
        except ValueError:
            return QModelIndex()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() == DISTRICT_ROW:
            return len(self._visible[self._rows[parent.row()]])
        return 0

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def _camera(self, index):
        d = index.internalId()
        return self._cams[d][self._visible[d][index.row()]]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.internalId() == DISTRICT_ROW:
            district = self._districts[self._rows[index.row()]]
            if role == Qt.ItemDataRole.DisplayRole:
                extra = self.status.get(district.id) or str(len(self._cams[self._rows[index.row()]]))
                return f"{district.name} ({extra})"
            if role == DistrictIdRole:
                return district.id
            return None
        camera = self._camera(index)
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{camera.name} — {camera.group}" if camera.group else camera.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{camera.id}\n{camera.name}\n{camera.group}".strip()
        if role == CameraIdRole:
            return camera.id
        if role == DistrictIdRole:
            return camera.district
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.internalId() != DISTRICT_ROW:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        from viewer.ui.tile import CAMERA_MIME

        return [CAMERA_MIME]

    def mimeData(self, indexes):
        for index in indexes:
            if index.isValid() and index.internalId() != DISTRICT_ROW:
                return camera_mime(self._camera(index).id)
        return None

    def refresh_status(self, district_ids=None) -> None:
        """Repaint the district rows whose ``status`` changed (all when ``district_ids`` is None)."""
        if not self._rows:
            return
        if district_ids is None:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, 0))
            return
        wanted = set(district_ids)
        for row, d in enumerate(self._rows):
            if self._districts[d].id in wanted:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index)


class Navigator(QWidget):
    """Search box over the district tree. Signals carry ids, never widgets."""

    camera_activated = Signal(str)  # double-click / Enter on a camera
    district_activated = Signal(str)  # double-click / Enter on a district

    def __init__(self, catalog: Catalog, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search cameras (id, name, group)…"))
        self.search.setClearButtonEnabled(True)
        self.tree = QTreeView(self)
        self.tree.setHeaderHidden(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.model = CameraTreeModel(catalog, self)
        self.tree.setModel(self.model)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.tree)
        self.search.textChanged.connect(self.apply_filter)
        self.search.returnPressed.connect(self._activate_first)
        self.tree.activated.connect(self._activated)

    def apply_filter(self, text: str) -> None:
        self.model.set_filter(text)
        if text.strip() and self.model.match_count() <= 500:
            self.tree.expandAll()

    def _activate_first(self) -> None:
        root = self.model.index(0, 0)
        first = self.model.index(0, 0, root) if root.isValid() else QModelIndex()
        if first.isValid():
            self._activated(first)

    def _activated(self, index: QModelIndex) -> None:
        camera_id = index.data(CameraIdRole)
        if camera_id:
            self.camera_activated.emit(camera_id)
        else:
            district_id = index.data(DistrictIdRole)
            if district_id:
                self.district_activated.emit(district_id)
