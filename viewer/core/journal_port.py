"""How writers reach the journal: by handing it work, not by calling it.

A :class:`~viewer.core.journal.Journal` belongs to one thread (sqlite3 enforces it) and
every write is on disk when it returns (``synchronous=FULL``: an fsync, 5-100 ms). The wall
must never wait for that on its Qt main thread, so its writers (the outage bookkeeping, the
sweep's and the samples' writers, the stream minutes, app events) do not hold a Journal:
they hold a **port** and hand it work — ``port.submit(lambda journal: ...)`` — that runs on
the journal's own thread, in the order submitted.

Two ports:

- :class:`DirectJournalPort` runs the work at once on the caller's thread: the headless
  monitor (its run thread owns the journal), the CLI and unit tests of pure logic.
- ``viewer.jobs.journal_worker.JournalWorker`` runs it on a ``journal-writer`` thread: the
  wall.

Work that raises is logged (with ``what``), never raised into the writer: a locked or full
disk must not stop the wall or the monitoring. :meth:`JournalPort.call` is the one blocking
way in (it returns the work's result and raises its exception): for start-up (reading the
open outages once), shutdown and tests — never from a Qt event handler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from viewer.core.journal import Journal

log = logging.getLogger(__name__)

T = TypeVar("T")
Work = Callable[[Journal], T]


class JournalPort(Protocol):
    """See the module docstring. ``path``: the journal file (readers open their own connection)."""

    path: Path

    def submit(self, work: Work, on_done: Callable[[object], None] | None = None, what: str = "journal write") -> None:
        """Run ``work(journal)`` on the journal's thread, after everything submitted before;
        then ``on_done(result)`` on that thread (not when the work raised)."""

    def call(self, work: Work, timeout_s: float | None = None) -> object:
        """Run ``work(journal)`` after everything submitted before and return its result
        (raises what it raised; ``TimeoutError`` past ``timeout_s``). Blocks the caller."""

    def close(self) -> bool:
        """Run what was submitted, close the journal. True when it closed in time."""


class DirectJournalPort:
    """A port that runs the work at once, on the caller's thread (which owns ``journal``)."""

    def __init__(self, journal: Journal) -> None:
        self.journal = journal
        self.path = journal.path

    def submit(self, work: Work, on_done: Callable[[object], None] | None = None, what: str = "journal write") -> None:
        run_work(self.journal, work, on_done, what)

    def call(self, work: Work, timeout_s: float | None = None) -> object:
        return work(self.journal)

    def close(self) -> bool:
        self.journal.close()
        return True


def run_work(journal: Journal, work: Work, on_done: Callable[[object], None] | None, what: str) -> None:
    """Run one submitted ``work`` on the journal's thread, then ``on_done(result)``; what
    either raises is logged, never raised (every port runs its work this way)."""
    try:
        result = work(journal)
    except Exception:  # a locked or damaged journal must not stop the writer
        log.exception("journal: %s failed", what)
        return
    if on_done is not None:
        try:
            on_done(result)
        except Exception:
            log.exception("journal: after %s", what)


def record_event(port: JournalPort, kind: str, detail: str, at: float) -> None:
    """Hand an app event (``start``, ``exit``, ``player-stuck`` …) at ``at`` (epoch s) to ``port``."""
    port.submit(lambda journal: journal.record_event(kind, detail, at), what=f"event {kind}")


def as_port(journal: Journal | JournalPort) -> JournalPort:
    """``journal`` itself when it is a port; a Journal is wrapped in a :class:`DirectJournalPort`."""
    return DirectJournalPort(journal) if isinstance(journal, Journal) else journal
