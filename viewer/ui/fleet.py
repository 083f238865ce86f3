"""The fleet monitor: the background sweep's results, on the Qt main thread.

:class:`FleetMonitor` runs :class:`viewer.jobs.sweeper.FleetSweeper` (its own thread), receives
its batches through a queued signal, records off-screen outages in the journal (source
"sweep"), keeps per-district summaries for the status board and the district tree, and
builds the snapshot that the optional ``--status-port`` server publishes when it is asked.
Bookkeeping per batch is O(batch) (:class:`viewer.core.fleet_tally.FleetTally`). Main
thread only, except :meth:`snapshot`, which any thread may call.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from viewer.core.catalog import Catalog
from viewer.core.fleet_tally import FleetTally
from viewer.core.journal import Journal

log = logging.getLogger(__name__)

#: Summaries go to the board and the tree at most this often (seconds), however many batches.
SUMMARY_INTERVAL_S = 0.5


class FleetMonitor(QObject):
    summaries_changed = Signal(object)  # list[DistrictSummary], at most every SUMMARY_INTERVAL_S
    _batch = Signal(object)

    def __init__(self, catalog: Catalog, journal: Journal, flagged_tiles=lambda: 0,
                 interval_s: float = 60.0, parent: QObject | None = None, rules=None) -> None:
        super().__init__(parent)
        from viewer.jobs.sweeper import FleetSweeper, SweepJournalWriter

        self.catalog = catalog
        self._flagged_tiles = flagged_tiles
        self.results: dict = {}
        self._tally = FleetTally(catalog)  # O(batch) per batch: 50,000 cameras without stalls
        self.summaries = self._tally.summaries()
        self._flagged = 0
        self._process: dict = {}
        self._writer = SweepJournalWriter(journal, rules, interval_s)  # rules: shared with the wall
        self._batch.connect(self._on_batch, Qt.ConnectionType.QueuedConnection)
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(int(SUMMARY_INTERVAL_S * 1000))
        self._emit_timer.timeout.connect(self._emit_summaries)
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
        """The status snapshot, built now from the tally (any thread; the status server's).

        Only built when asked: nothing is spent on it while nobody serves it. ``flagged_tiles``
        is the count of the last :meth:`set_flagged_tiles`: a tile flagged a moment ago counts.
        """
        return {**self._tally.snapshot(self._flagged, time.time()), **self._process}

    def set_process_figures(self, figures: dict) -> None:
        """Stuck players, process threads and CPU (``viewer.ui.player_watch``); main thread."""
        self._process = dict(figures)

    def set_flagged_tiles(self, count: int) -> None:
        """The wall's flagged tiles changed (main thread; called on every flag change)."""
        self._flagged = int(count)

    def _on_batch(self, batch) -> None:
        merged = []
        for result in batch:
            result = result.after(self.results.get(result.camera_id))
            self.results[result.camera_id] = result
            merged.append(result)
        self._tally.apply(merged)
        try:
            self._writer.apply(batch)
        except Exception:
            log.exception("could not journal sweep results")
        self.refresh_snapshot()
        if not self._emit_timer.isActive():  # batches come in bursts: one update per interval
            self._emit_timer.start()

    def _emit_summaries(self) -> None:
        self.summaries = self._tally.summaries()
        self.summaries_changed.emit(self.summaries)

    def refresh_snapshot(self) -> None:
        """Recount the flagged tiles (the snapshot itself is built when served)."""
        self._flagged = self._flagged_tiles()
