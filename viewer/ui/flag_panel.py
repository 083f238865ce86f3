"""The "flagged feeds" panel: every flagged camera of the open wall windows.

Sortable by any column (district, duration …); activating a row jumps to the tile
(maximised); right-clicking a row acknowledges the outage (reported to the technical team).
The camera column takes the free width; the others fit their content. Also holds the
one-click outage export. Main thread only.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viewer.core.report import human_duration, render_csv
from viewer.core.store import atomic_write_text
from viewer.ui.captions import ack_text, ack_tooltip, reason_text
from viewer.ui.reason_strings import storm_text

REFRESH_INTERVAL_MS = 5_000


class _SortItem(QTableWidgetItem):
    """Sorts by a hidden key (seconds for durations) rather than by the shown text."""

    def __init__(self, text: str, key) -> None:
        super().__init__(text)
        self.key = key

    def __lt__(self, other) -> bool:
        return self.key < getattr(other, "key", other.text())


class FlagPanel(QWidget):
    jump_requested = Signal(object, int)  # (WallWindow, tile index)
    acknowledge_requested = Signal(object, int)  # (WallWindow, layout position)
    export_finished = Signal(str, object)  # (path, outages written or the OSError), main thread
    _exported = Signal(str, object)  # the same, from the journal's thread (queued to this one)

    COLUMNS = (
        QT_TRANSLATE_NOOP("FlagPanel", "Camera"),
        QT_TRANSLATE_NOOP("FlagPanel", "District"),
        QT_TRANSLATE_NOOP("FlagPanel", "Reason"),
        QT_TRANSLATE_NOOP("FlagPanel", "Since"),
        QT_TRANSLATE_NOOP("FlagPanel", "Duration"),
        QT_TRANSLATE_NOOP("FlagPanel", "Acknowledged"),
    )
    CAMERA_COLUMN = 0

    def __init__(self, services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self._exported.connect(self._show_export, Qt.ConnectionType.QueuedConnection)
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in self.COLUMNS])
        self.table.setSortingEnabled(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        fit, stretch = QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch
        for column in range(len(self.COLUMNS)):
            header.setSectionResizeMode(column, stretch if column == self.CAMERA_COLUMN else fit)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.cellActivated.connect(self._activated)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.summary = QLabel(self)
        export = QPushButton(self.tr("Export outages (CSV)…"), self)
        export.clicked.connect(self.export_dialog)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.table)
        self._rows: list[tuple[object, int]] = []
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_INTERVAL_MS)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    def stop(self) -> None:
        """The window closes: no more refreshes."""
        self._timer.stop()

    def flagged(self) -> list[tuple[object, int, object]]:
        """(window, tile index, feed) for every flagged feed on screen."""
        found = []
        for window in self.services.windows:
            for index, feed in enumerate(window.controller.active_feeds_indexed()):
                if feed is not None and feed.flag is not None:
                    found.append((window, index, feed))
        return found

    def refresh(self) -> None:
        now = time.time()
        flagged = self.flagged()
        self.table.setSortingEnabled(False)
        self.table.setRowCount(len(flagged))
        self._rows = []
        for row, (window, index, feed) in enumerate(flagged):
            camera, flag = feed.camera, feed.flag
            try:
                district = self.services.catalog.district(camera.district).name
            except KeyError:
                district = camera.district
            since = time.strftime("%H:%M:%S", time.localtime(flag.since))
            ack = self.services.outages.acknowledgement(camera.id)
            ack_cell = _SortItem("", 0.0) if ack is None else _SortItem(ack_text(ack), ack.at)
            if ack is not None:
                ack_cell.setToolTip(ack_tooltip(ack))
            cells = [
                _SortItem(f"{camera.name} ({camera.id})", camera.name.casefold()),
                _SortItem(district, district.casefold()),
                _SortItem(reason_text(flag.reason), flag.reason.value),
                _SortItem(since, flag.since),
                _SortItem(human_duration(now - flag.since), now - flag.since),
                ack_cell,
            ]
            for col, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, row)
                self.table.setItem(row, col, item)
            self._rows.append((window, index))
        self.table.setSortingEnabled(True)
        text = self.tr("{n} flagged feeds").format(n=len(flagged))
        coordinators = {id(w.controller.recorders): w.controller.recorders for w in self.services.windows}
        storms = [storm for c in coordinators.values() for storm in c.current_storms()]
        if storms:  # one line per recorder outage, above the per-camera rows
            names = {d.id: d.name for d in self.services.catalog.districts}
            text = "\n".join(f"⚠ {storm_text(storm, names)}" for storm in storms) + "\n" + text
        self.summary.setText(text)
        self.summary.setStyleSheet("color: #d01010; font-weight: bold;" if storms else "")

    def _activated(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is None:
            return
        window, index = self._rows[item.data(Qt.ItemDataRole.UserRole)]
        self.jump_requested.emit(window, index)

    def _context_menu(self, pos) -> None:
        item = self.table.itemAt(pos)
        if item is None:
            return
        window, index = self._rows[item.data(Qt.ItemDataRole.UserRole)]
        menu = QMenu(self)
        action = menu.addAction(self.tr("Acknowledge / reported to the technical team…"))
        action.triggered.connect(lambda _=False: self.acknowledge_requested.emit(window, index))
        jump = menu.addAction(self.tr("Show on the wall"))
        jump.triggered.connect(lambda _=False: self.jump_requested.emit(window, index))
        menu.popup(self.table.viewport().mapToGlobal(pos))

    def export_csv(self, path) -> None:
        """Write the whole journal as CSV (report columns), atomically, on the journal's thread
        (reading and writing are disk work); ``export_finished`` follows on this thread."""
        target = Path(path)

        def work(journal) -> int | OSError:
            outages = journal.query()
            try:
                atomic_write_text(target, render_csv(outages, time.time()), mode=0o644, newline="")
            except OSError as exc:
                return exc
            return len(outages)

        self.services.journal.submit(work, lambda result: self._exported.emit(str(target), result),
                                     what="the outage export")  # fmt: skip

    def export_to_data_folder(self) -> Path:
        """Kiosk export: ``outages-YYYYmmdd-HHMMSS.csv`` in the data folder; the status bar says
        where once it is written. Returns the file's path."""
        from viewer import paths

        target = paths.data_dir() / f"outages-{time.strftime('%Y%m%d-%H%M%S')}.csv"
        self.export_csv(target)
        return target

    def _show_export(self, path: str, result) -> None:
        """Main thread: the export ended with ``result`` (outages written, or the OSError)."""
        if isinstance(result, OSError):
            text = self.tr("Export failed: {error}").format(error=result.strerror or result)
        else:
            text = self.tr("{n} outages exported to {path}").format(n=result, path=path)
        self.summary.setText(text)
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 30000)
        self.export_finished.emit(path, result)

    def export_dialog(self) -> None:
        """Ask where to export (a file dialog); a kiosk wall never opens a dialog: it writes
        into the data folder and says where in the status bar."""
        if self.services.kiosk:
            self.export_to_data_folder()
            return
        name, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export outages"), f"outages-{time.strftime('%Y%m%d-%H%M')}.csv", "CSV (*.csv)"
        )
        if name:
            self.export_csv(name)
