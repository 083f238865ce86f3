"""A native child window that libVLC draws into.

While a player renders, libVLC's own child window covers this one, so Qt cannot paint
over the picture: captions and flags live in the tile's frame and caption bar. While no
player renders (failed, waiting to retry, empty tile), Qt paints this surface itself: black,
with an optional large message ("CONNECTION REFUSED · since 10:02"). Mouse events pass
through to Qt because the player's own mouse and key handling is switched off.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QWidget

MESSAGE_COLOUR = QColor(255, 90, 90)
HINT_COLOUR = QColor(150, 150, 150)


class VideoSurface(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DontCreateNativeAncestors, True)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(0, 0, 0))
        self.setPalette(palette)
        self.setMouseTracking(False)
        self._message = ""
        self._alarm = False

    def window_handle(self) -> int:
        """The native handle for the player (creates the native window if needed)."""
        return int(self.winId())

    def set_message(self, text: str, alarm: bool = False) -> None:
        """Text painted while no player covers the surface; ``alarm`` paints it red."""
        if (text, alarm) != (self._message, self._alarm):
            self._message, self._alarm = text, alarm
            self.update()

    def message(self) -> str:
        return self._message

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0))
        if self._message:
            font = QFont(self.font())
            font.setBold(self._alarm)
            font.setPointSizeF(max(8.0, min(18.0, self.height() / 9)))
            painter.setFont(font)
            painter.setPen(MESSAGE_COLOUR if self._alarm else HINT_COLOUR)
            painter.drawText(
                self.rect().adjusted(6, 6, -6, -6),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._message,
            )
        painter.end()
