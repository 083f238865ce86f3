"""Blocking reads of a wall's journal, for tests.

The wall writes its journal on its own thread (``viewer.jobs.journal_worker``); a test reads
it through :func:`reading`, whose methods are the Journal's read methods run on that thread
after every write queued before them (so a test sees what the wall has handed over).
"""

from __future__ import annotations

from viewer.core.journal_port import JournalPort

#: A read waits at most this long for the journal's thread (seconds).
READ_TIMEOUT_S = 10.0


class JournalReading:
    """``reading(port).query(open_only=True)`` etc.: ``port.call`` around the Journal's method."""

    def __init__(self, port: JournalPort) -> None:
        self._port = port

    def __getattr__(self, name: str):
        def read(*args, **kwargs):
            return self._port.call(lambda journal: getattr(journal, name)(*args, **kwargs), timeout_s=READ_TIMEOUT_S)

        return read


def reading(port: JournalPort) -> JournalReading:
    return JournalReading(port)
