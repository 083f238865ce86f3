"""Quality samples into the journal: per-minute rows (source "sample") and their retention.

:class:`SampleJournalWriter` is called on one thread (the monitor's run thread; the wall's Qt
main thread) and writes through the journal's port (``viewer.core.journal_port``). It sums
:class:`~viewer.core.sample_report.SampleResult` samples per UTC minute
(:class:`~viewer.core.stream_figures.MinuteAggregator`), writes the finished minutes with
``Journal.add_stream_minutes`` and, once a day, deletes stream minutes older than the
retention (``Journal.prune_stream_minutes``). A failing write is logged, never raised: the
monitoring goes on. Without a journal it only aggregates (and drops) rows.
Units: UTC epoch seconds, days.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from viewer.core.journal import Journal
from viewer.core.journal_port import JournalPort, as_port
from viewer.core.sample_report import SampleResult
from viewer.core.stream_figures import MinuteAggregator

log = logging.getLogger(__name__)

#: How often stream minutes are pruned to the retention (seconds).
PRUNE_INTERVAL_S = 24 * 3600.0


class SampleJournalWriter:
    """See the module docstring. ``retention_days`` 0 keeps every stream minute."""

    def __init__(self, journal: Journal | JournalPort | None, retention_days: float) -> None:
        self.journal = None if journal is None else as_port(journal)
        self.retention_days = retention_days
        self.aggregator = MinuteAggregator()
        self._next_prune: float | None = None  # UTC epoch s; None: at the first take
        self.written = 0

    def take(self, results: Iterable[SampleResult], now: float, flush: bool = False) -> int:
        """Aggregate ``results``' samples; write the minutes finished by ``now`` (all of them
        with ``flush``); prune when due. Returns the rows handed to the journal (``written``
        counts those on disk, once the journal's thread wrote them)."""
        for result in results:
            if result.sample is not None and result.sample.seconds > 0:
                self.aggregator.add(result.sample)
        rows = self.aggregator.flush() if flush else self.aggregator.drain(now)
        handed = 0
        if self.journal is not None and rows:  # a failing write is logged by the port, never raised
            self.journal.submit(lambda j: j.add_stream_minutes(rows), self._count_written,
                                what=f"{len(rows)} sampled stream minutes")  # fmt: skip
            handed = len(rows)
        self._maybe_prune(now)
        return handed

    def _count_written(self, written: int) -> None:  # the journal's thread
        self.written += written

    def _maybe_prune(self, now: float) -> None:
        if self.journal is None or self.retention_days <= 0:
            return
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + PRUNE_INTERVAL_S
        before, days = now - self.retention_days * 86400, self.retention_days

        def pruned(deleted: int) -> None:  # the journal's thread
            if deleted:
                log.info("journal: %d stream minutes older than %g days deleted", deleted, days)

        self.journal.submit(lambda j: j.prune_stream_minutes(before), pruned,
                            what=f"pruning stream minutes to {days:g} days")  # fmt: skip
