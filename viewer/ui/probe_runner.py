"""Runs protocol probes off the main thread and delivers results on it.

A small thread pool (``PROBE_WORKERS`` threads) runs :func:`viewer.core.probe.probe_sync`;
each result comes back through the ``finished`` signal, queued to the main thread.
:meth:`shutdown` cancels queued probes and joins the workers (called on window close).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

PROBE_WORKERS = 4
PROBE_TIMEOUT_S = 4.0


class ProbeRunner(QObject):
    #: (token, ProbeResult) on the main thread; token is what :meth:`submit` was given.
    finished = Signal(object, object)
    _done = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=PROBE_WORKERS, thread_name_prefix="probe")
        self._closed = False
        self._done.connect(self.finished.emit, Qt.ConnectionType.QueuedConnection)

    def submit(self, token: object, url: str, username: str | None, password: str | None,
               timeout_s: float = PROBE_TIMEOUT_S) -> None:
        if self._closed:
            return
        from viewer.core.probe import probe_sync

        def work() -> object:
            return probe_sync(url, username, password, timeout_s)

        future = self._pool.submit(work)
        future.add_done_callback(self._deliver(token))

    def _deliver(self, token: object) -> Callable[[Future], None]:
        def done(future: Future) -> None:  # runs on a pool thread: hand over only
            if future.cancelled() or self._closed:
                return
            exc = future.exception()
            if exc is not None:
                log.warning("probe failed: %s", exc)
                return
            self._done.emit(token, future.result())

        return done

    def shutdown(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)
