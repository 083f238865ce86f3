"""Daily journal upkeep of a running wall: outages, events and stream minutes older than
their retention are deleted at start and once a day.

Main thread (a Qt timer); the deleting itself runs on the journal's own thread.
"""

from __future__ import annotations

import time

from viewer.core.journal_port import JournalPort

#: How often a long-running wall trims its journal to the retention (settings).
JOURNAL_TRIM_INTERVAL_S = 24 * 3600


def trim_journal(app, journal: JournalPort, retention_days: float) -> None:
    """Delete ended outages and events older than ``retention_days`` now and once a day
    (0: keep everything). Main thread; the deleting runs on the journal's thread."""
    _trim_daily(app, journal, lambda j, before: j.prune(before), retention_days, "journal")


def trim_stream_minutes(app, journal: JournalPort, retention_days: float) -> None:
    """Delete stream minutes (any source) older than ``retention_days`` now and once a day
    (0: keep all); a retention of their own, as they are far bigger than outages. Main thread."""
    _trim_daily(app, journal, lambda j, before: j.prune_stream_minutes(before), retention_days, "stream minutes")


def _trim_daily(app, journal: JournalPort, prune, retention_days: float, what: str) -> None:
    """``prune(journal, before)`` now and every JOURNAL_TRIM_INTERVAL_S, on the journal's
    thread (nothing when the retention is 0; a failure is logged there)."""
    if retention_days <= 0:
        return
    from PySide6.QtCore import QTimer

    def trim() -> None:
        before = time.time() - retention_days * 86400
        journal.submit(lambda j: prune(j, before), what=f"trimming the {what} to {retention_days:g} days")

    trim()
    timer = QTimer(app)
    timer.setInterval(int(JOURNAL_TRIM_INTERVAL_S * 1000))
    timer.timeout.connect(trim)
    timer.start()
