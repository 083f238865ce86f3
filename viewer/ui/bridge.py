"""The single seam where libVLC-thread events become Qt main-thread signals.

:class:`EventBridge` lives on the main thread. Its :meth:`listener` is handed to a
player and is called on a libVLC thread; it does nothing but emit a signal, which Qt
queues to the main thread (the receiver lives there). Never call libVLC or touch a
widget from the listener itself.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from viewer.player.base import PlayerEvent


class EventBridge(QObject):
    #: Emitted on the main thread with a :class:`PlayerEvent`.
    event = Signal(object)
    _relay = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._relay.connect(self.event.emit, Qt.ConnectionType.QueuedConnection)

    def listener(self, event: PlayerEvent) -> None:
        """Called on a libVLC thread. Only hands the event over."""
        self._relay.emit(event)
