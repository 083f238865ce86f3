"""One wall tile: a video surface framed by a state-coloured border, and a caption bar.

The tile is a pure view: it shows what its :class:`viewer.ui.feed.Feed` reports and turns
mouse gestures into signals. It never talks to a player.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QMimeData, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QDragEnterEvent,
    QDropEvent,
    QFontMetrics,
    QMouseEvent,
    QPalette,
)
from PySide6.QtWidgets import QFrame, QLabel, QMenu, QSizePolicy, QToolTip, QVBoxLayout, QWidget

from viewer.ui.video_surface import SurfaceHolder

CAMERA_MIME = "application/x-videowall-camera"
CAPTION_TEXT_COLOUR = QColor(0xF0, 0xF0, 0xF0)
TILE_BORDER_PX = 3

#: Frame colour per tile state (the caption bar uses the same).
STATE_COLOURS = {
    "empty": "#1b1b1b",
    "connecting": "#5a5a20",
    "playing": "#1f3a1f",
    "flagged": "#d01010",
    "degraded": "#b86e00",  # amber: pictures keep coming, far below the nominal frame rate
}


def camera_mime(camera_id: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(CAMERA_MIME, camera_id.encode("utf-8"))
    mime.setText(camera_id)
    return mime


class Tile(QFrame):
    """Signals carry the tile's index so the wall can route them."""

    double_clicked = Signal(int)
    camera_dropped = Signal(int, str)
    action_requested = Signal(int, str)  # "reconnect", "snapshot", "copy_id", "details", "maximise", "clear"

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName("tile")
        self.setAcceptDrops(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._holder = SurfaceHolder(self)
        self.surface = self._holder.surface
        self.caption = QLabel(self)
        self.caption.setObjectName("caption")
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.caption.setContentsMargins(4, 1, 4, 1)
        self.caption.setAutoFillBackground(True)
        self.setAutoFillBackground(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(TILE_BORDER_PX, TILE_BORDER_PX, TILE_BORDER_PX, 0)
        layout.setSpacing(0)
        layout.addWidget(self._holder, 1)
        layout.addWidget(self.caption, 0)
        self._caption_text = ""
        self.state = ""
        #: Builds the tooltip when the pointer rests on the tile (main thread). The tooltip
        #: carries the stream's figures, which change every second: built on demand, it is
        #: always current and costs nothing while nobody looks.
        self.tooltip_source: Callable[[], str] | None = None
        self.set_view("", "empty")

    def set_view(self, text: str, state: str) -> None:
        """Caption text and the state name that picks the colours. Does nothing when neither
        changed (the wall refreshes captions often; an unchanged one costs no layout work)."""
        if text == self._caption_text and state == self.state:
            return
        self._caption_text = text
        if state != self.state:
            self.state = state
            # A palette, not a style sheet: setStyleSheet re-polishes the tile's widgets (~0.3 ms
            # a call, 145 calls on the main thread while a 16-tile page came up).
            palette = self.palette()
            palette.setColor(QPalette.ColorRole.Window, QColor(STATE_COLOURS.get(state, STATE_COLOURS["empty"])))
            palette.setColor(QPalette.ColorRole.WindowText, CAPTION_TEXT_COLOUR)
            self.setPalette(palette)  # the caption inherits it; the video surface keeps its black
            font = self.caption.font()
            bold = state in ("flagged", "degraded")
            if font.bold() != bold:
                font.setBold(bold)
                self.caption.setFont(font)
        self._elide()

    def fit_surface(self) -> None:
        """Size the video surface for the tile's current geometry now (see SurfaceHolder.fit)."""
        self._holder.fit()

    def caption_text(self) -> str:
        return self._caption_text

    def tooltip_text(self) -> str:
        """The tooltip as it would show now ("" when there is none)."""
        return self.tooltip_source() if self.tooltip_source is not None else ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # built now, from the feed's current figures
            text = self.tooltip_text()
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = QFontMetrics(self.caption.font())
        width = max(10, self.caption.width() - 8)
        self.caption.setText(metrics.elidedText(self._caption_text, Qt.TextElideMode.ElideRight, width))

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit(self.index)
        event.accept()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        self.context_menu().exec(event.globalPos())

    def context_menu(self) -> QMenu:
        """The right-click menu; a flagged tile offers the acknowledgement first."""
        menu = QMenu(self)
        if self.state in ("flagged", "degraded"):
            action = QAction(self.tr("Acknowledge / reported to the technical team…"), menu)
            action.triggered.connect(lambda _=False: self.action_requested.emit(self.index, "acknowledge"))
            menu.addAction(action)
            menu.addSeparator()
        for key, label in (
            ("reconnect", self.tr("Reconnect")),
            ("snapshot", self.tr("Snapshot")),
            ("copy_id", self.tr("Copy camera id")),
            ("details", self.tr("Details…")),
            ("maximise", self.tr("Maximise / restore")),
            ("clear", self.tr("Clear tile")),
        ):
            action = QAction(label, menu)
            action.triggered.connect(lambda _=False, k=key: self.action_requested.emit(self.index, k))
            menu.addAction(action)
        return menu

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(CAMERA_MIME):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        data = event.mimeData()
        if data.hasFormat(CAMERA_MIME):
            camera_id = bytes(data.data(CAMERA_MIME)).decode("utf-8")
            self.camera_dropped.emit(self.index, camera_id)
            event.acceptProposedAction()
