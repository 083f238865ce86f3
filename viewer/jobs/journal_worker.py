"""The wall's journal on its own thread: no fsync on the Qt main thread.

:class:`JournalWorker` is a :class:`viewer.core.journal_port.JournalPort`. One daemon thread,
``journal-writer``, opens the :class:`~viewer.core.journal.Journal` (so sqlite3's one-thread
rule holds), then runs the submitted work in order, first in first out. Measured before it
existed: a 16-tile page-up spent 37-118 ms of the main thread in the journal's fsyncs.

Threading: :meth:`submit` may be called from any thread and never blocks (an unbounded
queue: the journal's writes are a few per second per tile, and a queue that grows is
logged, see ``JOURNAL_SLOW_WRITE_S``). ``on_done`` runs on ``journal-writer``: a Qt caller
passes a signal's ``emit``. :meth:`call` and :meth:`close` block the caller (start-up,
shutdown, tests). The constructor blocks until the journal is open (creating or migrating
it) and raises its ``JournalError``, as opening a Journal does.

Durability is unchanged once a write has run; what is still queued when the process is
killed is lost (at most the last moments), which :meth:`close` avoids on every normal exit.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from pathlib import Path

from viewer.core.constants import JOURNAL_CLOSE_TIMEOUT_S, JOURNAL_SLOW_WRITE_S
from viewer.core.journal import Journal
from viewer.core.journal_port import Work, run_work

log = logging.getLogger(__name__)

_CLOSE = object()  # the queue's last item


class _Call:
    """A :meth:`JournalWorker.call` waiting for its result."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: object = None
        self.error: BaseException | None = None


class JournalWorker:
    """See the module docstring."""

    def __init__(self, path: Path, now: float | None = None) -> None:
        self.path = Path(path)
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._opened = threading.Event()
        self._open_error: BaseException | None = None
        self._closing = False
        self._lock = threading.Lock()  # orders _closing with the last puts
        self._thread = threading.Thread(target=self._run, args=(now,), name="journal-writer", daemon=True)
        self._thread.start()
        self._opened.wait()
        if self._open_error is not None:
            raise self._open_error

    # any thread ------------------------------------------------------------------------------
    def submit(self, work: Work, on_done: Callable[[object], None] | None = None, what: str = "journal write") -> None:
        """Queue ``work(journal)``; ``on_done(result)`` runs on ``journal-writer`` after it."""
        with self._lock:
            if self._closing:
                log.warning("journal closed: %s not written", what)
                return
            self._jobs.put((work, on_done, what, time.monotonic()))

    def call(self, work: Work, timeout_s: float | None = None) -> object:
        """Run ``work(journal)`` after what is queued and return its result (blocks)."""
        if threading.current_thread() is self._thread:  # from an on_done: run it now
            return work(self._journal)
        waiting = _Call()

        def run(journal: Journal) -> None:
            try:
                waiting.result = work(journal)
            except BaseException as exc:  # handed to the caller
                waiting.error = exc
            finally:
                waiting.done.set()

        with self._lock:
            if self._closing:
                raise RuntimeError(f"journal {self.path} is closed")
            self._jobs.put((run, None, "call", time.monotonic()))
        if not waiting.done.wait(timeout_s):
            raise TimeoutError(f"journal {self.path}: no answer within {timeout_s:g} s")
        if waiting.error is not None:
            raise waiting.error
        return waiting.result

    def close(self, timeout_s: float = JOURNAL_CLOSE_TIMEOUT_S) -> bool:
        """Run what is queued, close the journal, end the thread. True when that happened
        within ``timeout_s`` (else the daemon thread is left to the exit watchdog)."""
        with self._lock:
            if not self._closing:
                self._closing = True
                self._jobs.put(_CLOSE)
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            log.error("journal %s: still writing %.1f s after close; left behind", self.path, timeout_s)
            return False
        return True

    # journal-writer ----------------------------------------------------------------------------
    def _run(self, now: float | None) -> None:
        try:
            self._journal = Journal(self.path, now)
        except BaseException as exc:  # the constructor raises it on its thread
            self._open_error = exc
            self._opened.set()
            return
        self._opened.set()
        try:
            while True:
                item = self._jobs.get()
                if item is _CLOSE:
                    return
                self._run_one(*item)
        finally:
            self._journal.close()

    def _run_one(self, work: Work, on_done, what: str, queued_at: float) -> None:
        waited_s = time.monotonic() - queued_at
        if waited_s > JOURNAL_SLOW_WRITE_S:
            log.warning("journal: %s waited %.1f s for the disk (%d more queued)", what, waited_s, self._jobs.qsize())
        run_work(self._journal, work, on_done, what)  # a failure is logged: the writer goes on
