"""Picture checks off the main thread: tiny thumbnails, fingerprinted on a worker.

Taking a libVLC snapshot blocks for 30–100 ms (it waits for the next displayed frame), too
long for the Qt main thread on a 16-tile wall. One worker thread takes the thumbnails and
fingerprints them; each fingerprint comes back through ``finished`` on the main thread.
:meth:`shutdown` cancels queued checks and joins the worker.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal

from viewer.core.picture import fingerprint

log = logging.getLogger(__name__)


class PictureChecker(QObject):
    #: (feed, generation, Fingerprint or None) on the main thread.
    finished = Signal(object, int, object)
    _done = Signal(object, int, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="picture-check")
        self._closed = False
        self._pending: set[int] = set()
        self._done.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def submit(self, feed, player, generation: int) -> None:
        """Check ``player``'s picture for ``feed`` (at most one check per feed in flight)."""
        if self._closed or id(feed) in self._pending:
            return
        self._pending.add(id(feed))

        def work() -> None:
            result = None
            try:
                thumb = player.thumbnail()
                if thumb is not None:
                    result = fingerprint(*thumb)
            except Exception:
                log.exception("picture check failed")
            if not self._closed:
                self._done.emit(feed, generation, result)

        self._pool.submit(work)

    def _deliver(self, feed, generation: int, result) -> None:
        self._pending.discard(id(feed))
        self.finished.emit(feed, generation, result)

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
