"""The fleet monitor: the background sweep's results, on the Qt main thread.

:class:`FleetMonitor` runs :class:`viewer.jobs.sweeper.FleetSweeper` (its own thread), receives
its batches through a queued signal, records off-screen outages in the journal (source
"sweep"), optionally runs the quality sampler (``viewer.jobs.sampler``: cameras not on
screen, under a bandwidth cap) and writes its stream minutes (source "sample"), keeps
per-district summaries for the status board and the district tree, and builds the
snapshot that the optional ``--status-port`` server publishes when it is asked.
Bookkeeping per batch is O(batch) (:class:`viewer.core.fleet_tally.FleetTally`). Main
thread only, except :meth:`snapshot`, which any thread may call.
"""

from __future__ import annotations

import logging
import time
from collections import deque

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from viewer.core.catalog_model import Catalog
from viewer.core.fleet_tally import FleetTally
from viewer.core.journal_port import JournalPort

log = logging.getLogger(__name__)

#: Summaries go to the board and the tree at most this often (seconds), however many batches.
SUMMARY_INTERVAL_S = 0.5


#: How often the quality sampler learns which cameras are on screen, and finished stream
#: minutes are written (seconds).
SAMPLE_UPKEEP_INTERVAL_S = 5.0
#: At exit, the samples in flight get this long to end (their threads are daemon).
SAMPLE_STOP_WAIT_S = 1.0


class FleetMonitor(QObject):
    summaries_changed = Signal(object)  # list[DistrictSummary], at most every SUMMARY_INTERVAL_S
    _batch = Signal(object)
    _sample = Signal()  # a sampler thread queued a result (see _sample_arrived)

    def __init__(self, catalog: Catalog, journal: JournalPort, flagged_tiles=lambda: 0,
                 interval_s: float = 60.0, parent: QObject | None = None, rules=None,
                 sampling=None, stream_minutes_retention_days: float = 0.0, on_screen=lambda: ()) -> None:
        """``sampling``: :class:`viewer.jobs.sampler.SamplerOptions` to sample the cameras not
        ``on_screen()`` (ids; called on this thread) in the background; None: no samples."""
        super().__init__(parent)
        from viewer.jobs.sweeper import FleetSweeper, SweepJournalWriter

        self.catalog = catalog
        self._flagged_tiles = flagged_tiles
        self.results: dict = {}
        self._tally = FleetTally(catalog)  # O(batch) per batch: 50,000 cameras without stalls
        self.summaries = self._tally.summaries()
        self._flagged = 0
        self._process: dict = {}
        self._streams: dict = {}  # the wall's stream figures (set_stream_figures)
        self._writer = SweepJournalWriter(journal, rules, interval_s)  # rules: shared with the wall
        self._batch.connect(self._on_batch, Qt.ConnectionType.QueuedConnection)
        self._emit_timer = QTimer(self)
        self._emit_timer.setSingleShot(True)
        self._emit_timer.setInterval(int(SUMMARY_INTERVAL_S * 1000))
        self._emit_timer.timeout.connect(self._emit_summaries)
        self.sweeper = FleetSweeper(catalog, self._batch.emit, interval_s=interval_s)
        self.sampler = None
        if sampling is not None:
            self._init_sampler(catalog, journal, sampling, stream_minutes_retention_days, on_screen)

    def _init_sampler(self, catalog: Catalog, journal: JournalPort, sampling, retention_days: float, on_screen) -> None:
        from viewer.core.sample_schedule import sample_targets
        from viewer.jobs.sample_journal import SampleJournalWriter
        from viewer.jobs.sampler import QualitySampler

        self._on_screen = on_screen
        self._sample_writer = SampleJournalWriter(journal, retention_days)  # writes on the journal's thread
        # results wait here (deque: thread-safe append/popleft) and the signal only wakes the
        # main thread, so stop() can take the ones whose signal was not yet delivered
        self._sample_results: deque = deque()
        self._sample.connect(self._on_sample, Qt.ConnectionType.QueuedConnection)
        self.sampler = QualitySampler(sample_targets(catalog.cameras, sampling.streams), self._sample_arrived,
                                      sampling)  # fmt: skip
        self._upkeep = QTimer(self)
        self._upkeep.setInterval(int(SAMPLE_UPKEEP_INTERVAL_S * 1000))
        self._upkeep.timeout.connect(self._sample_upkeep)

    def start(self) -> None:
        self.sweeper.start()
        if self.sampler is not None:
            self.sampler.set_on_screen(self._on_screen())
            self.sampler.start()
            self._upkeep.start()

    def stop(self) -> None:
        self.sweeper.stop()
        if self.sampler is not None:
            self._upkeep.stop()
            if not self.sampler.stop(timeout_s=SAMPLE_STOP_WAIT_S):  # bounded: daemon workers
                log.warning("quality samples still ending after %.0f s; left behind", SAMPLE_STOP_WAIT_S)
            self._sample_writer.take(self._take_sample_results(), time.time(), flush=True)
        try:
            self._writer.stop(time.time())
        except Exception:
            log.exception("could not end the sweep's coverage in the journal")

    def snapshot(self) -> dict:
        """The status snapshot, built now from the tally (any thread; the status server's).

        Only built when asked: nothing is spent on it while nobody serves it. ``flagged_tiles``
        is the count of the last :meth:`set_flagged_tiles`: a tile flagged a moment ago counts.
        """
        return {**self._tally.snapshot(self._flagged, time.time()), **self._process, **self._streams}

    def set_process_figures(self, figures: dict) -> None:
        """Stuck players, process threads and CPU (``viewer.ui.player_watch``); main thread."""
        self._process = dict(figures)

    def set_stream_figures(self, figures: dict) -> None:
        """``streams`` (one dict per stream on screen), ``incoming_kbps`` and
        ``degraded_tiles`` (``viewer.ui.stream_recorder``); main thread, replaced whole."""
        self._streams = dict(figures)

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

    def _sample_arrived(self, result) -> None:
        """A sampler thread: queue the result and wake the main thread (never the journal here)."""
        self._sample_results.append(result)
        self._sample.emit()

    def _take_sample_results(self) -> list:
        taken = []
        while self._sample_results:
            taken.append(self._sample_results.popleft())
        return taken

    def _on_sample(self) -> None:
        results = self._take_sample_results()
        if results:
            self._sample_writer.take(results, time.time())

    def _sample_upkeep(self) -> None:
        self.sampler.set_on_screen(self._on_screen())
        self._sample_writer.take([], time.time())

    def _emit_summaries(self) -> None:
        self.summaries = self._tally.summaries()
        self.summaries_changed.emit(self.summaries)

    def refresh_snapshot(self) -> None:
        """Recount the flagged tiles (the snapshot itself is built when served)."""
        self._flagged = self._flagged_tiles()
