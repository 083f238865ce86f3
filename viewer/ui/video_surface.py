"""A native child window that libVLC draws into.

Qt must not paint over it (libVLC owns its pixels), so captions and flags live outside
it, in the tile's frame and caption bar. Mouse events pass through to Qt because the
player's own mouse and key handling is switched off.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


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

    def window_handle(self) -> int:
        """The native handle for the player (creates the native window if needed)."""
        return int(self.winId())
