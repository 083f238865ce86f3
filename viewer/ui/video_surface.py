"""A native child window that libVLC draws into.

While a player renders, libVLC's own child window covers this one, so Qt cannot paint
over the picture: captions and flags live in the tile's frame and caption bar. While no
player renders (failed, waiting to retry, empty tile), Qt paints this surface itself: black,
with an optional large message ("CONNECTION REFUSED · since 10:02"). Mouse events pass
through to Qt because the player's own mouse and key handling is switched off.

:class:`SurfaceHolder` sizes the surface a pixel or few smaller than its space where that
keeps libVLC's software scaler on its fast path (:mod:`viewer.core.picture_fit`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import QWidget

from viewer.core.picture_fit import fast_surface_size

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


class SurfaceHolder(QWidget):
    """Black space for one :class:`VideoSurface`, centred in it at
    :func:`viewer.core.picture_fit.fast_surface_size` of the space (an odd fitted picture
    width made libVLC's X11 output scale ~1.75x slower). Not a native window itself.
    Main thread only, like every widget."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(0, 0, 0))
        self.setPalette(palette)
        self.surface = VideoSurface(self)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        """Place the surface for the holder's current geometry. Called on resize, and by the
        grid for a hidden tile (Qt delivers a hidden widget's resize events only when shown,
        but libVLC sizes its picture from the X window when its output starts)."""
        ratio = self.devicePixelRatioF()  # the scaler sees device pixels
        width, height = fast_surface_size(round(self.width() * ratio), round(self.height() * ratio))
        width, height = int(width / ratio), int(height / ratio)
        self.surface.setGeometry((self.width() - width) // 2, (self.height() - height) // 2, width, height)
