"""The fleet monitor: the background sweep's results, on the Qt main thread.

:class:`FleetMonitor` runs :class:`viewer.sweeper.FleetSweeper` (its own thread), receives
its batches through a queued signal, records off-screen outages in the journal (source
"sweep"), keeps per-district summaries for the status board and the district tree, and
keeps the snapshot that the optional ``--status-port`` server publishes. Main thread only,
except :meth:`snapshot`, which any thread may call (it returns an immutable reference).
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, Signal

from viewer.core.catalog import Catalog
from viewer.core.journal import Journal
from viewer.core.sweep import fleet_checked_since, status_snapshot, summarize

log = logging.getLogger(__name__)


class FleetMonitor(QObject):
    summaries_changed = Signal(object)  # list[DistrictSummary]
    _batch = Signal(object)

    def __init__(self, catalog: Catalog, journal: Journal, flagged_tiles=lambda: 0,
                 interval_s: float = 60.0, parent: QObject | None = None, rules=None) -> None:
        super().__init__(parent)
        from viewer.sweeper import FleetSweeper, SweepJournalWriter

        self.catalog = catalog
        self._flagged_tiles = flagged_tiles
        self.results: dict = {}
        self.summaries = summarize(catalog, {})
        self._snapshot: dict = status_snapshot(catalog, {}, 0, time.time(), None)
        self._writer = SweepJournalWriter(journal, rules, interval_s)  # rules: shared with the wall
        self._batch.connect(self._on_batch, Qt.ConnectionType.QueuedConnection)
        self.sweeper = FleetSweeper(catalog, self._batch.emit, interval_s=interval_s)

    def start(self) -> None:
        self.sweeper.start()

    def stop(self) -> None:
        self.sweeper.stop()
        try:
            self._writer.stop(time.time())
        except Exception:
            log.exception("could not end the sweep's coverage in the journal")

    def snapshot(self) -> dict:
        """The latest status snapshot (any thread: the dict is replaced, never mutated)."""
        return self._snapshot

    def _on_batch(self, batch) -> None:
        for result in batch:
            self.results[result.camera_id] = result.after(self.results.get(result.camera_id))
        try:
            self._writer.apply(batch)
        except Exception:
            log.exception("could not journal sweep results")
        self.summaries = summarize(self.catalog, self.results)
        self.refresh_snapshot()
        self.summaries_changed.emit(self.summaries)

    def refresh_snapshot(self) -> None:
        swept_since = fleet_checked_since(self.catalog, self.results)
        flagged = self._flagged_tiles()
        self._snapshot = status_snapshot(self.catalog, dict(self.results), flagged, time.time(), swept_since)
