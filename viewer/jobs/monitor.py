"""The headless monitor: keeps every camera's probe verdict fresh, journals outages, logs each
state change and serves ``/metrics`` and ``/status.json``. No Qt, no libVLC.

Threads (all joined by :meth:`Monitor.run` before it returns; all non-daemon but the sample
workers, joined with a deadline):
- the CALLER's thread runs :meth:`Monitor.run`: it owns the journal (SQLite wants one thread),
  applies result batches, logs state changes and reloads the catalog;
- ``sweep-fleet`` (``viewer.jobs.sweeper.FleetSweeper``) probes on one asyncio loop and hands result
  batches over through a queue;
- ``status-http`` (``viewer.jobs.status_server.StatusServer``) serves scrapes; it reads the
  immutable :class:`_Fleet` and the sweeper's result copy, nothing else;
- with ``sample`` options, ``sample-N`` (``viewer.jobs.sampler.QualitySampler``) receive a few
  seconds of each camera's stream under the bandwidth cap and queue their results; the run
  thread sums them per minute and writes them (``Journal.add_stream_minutes``, source
  "sample"), and prunes stream minutes older than ``stream_minutes_retention_days``.
:meth:`Monitor.stop` and :meth:`Monitor.request_reload` only set a flag and wake the run loop
(any thread; a signal handler hands them to a thread, see ``viewer.cli.monitor``).
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from viewer.core.catalog_model import Catalog, CatalogError
from viewer.core.constants import (
    METRICS_PRERENDER_ABOVE_CAMERAS,
    MONITOR_CATALOG_POLL_S,
    MONITOR_RATE_WINDOW_S,
    RECOVERY_CONFIRM_S,
    RELAY_JOIN_TIMEOUT_S,
    STREAM_MINUTES_RETENTION_DAYS,
)
from viewer.core.journal import Journal
from viewer.core.monitor_model import (
    CameraRow,
    MonitorView,
    Pacing,
    Shard,
    StateTracker,
    camera_rows,
    monitored_cameras,
    pacing_for,
)
from viewer.core.outage_rules import OutageRules
from viewer.core.outage_writer import rules_for
from viewer.core.reasons import Reason
from viewer.core.sample_schedule import sample_targets
from viewer.core.sweep import SweepResult
from viewer.core.sweep_report import fleet_checked_since, status_snapshot
from viewer.jobs.catalog_loader import load_catalog_isolated
from viewer.jobs.metrics import MonitorCollector, registry_with
from viewer.jobs.metrics_cache import PrerenderedExposition
from viewer.jobs.metrics_samples import SampleCollector
from viewer.jobs.sample_journal import SampleJournalWriter
from viewer.jobs.sampler import QualitySampler, SamplerOptions
from viewer.jobs.status_server import StatusServer
from viewer.jobs.sweeper import FleetSweeper, SweepJournalWriter

log = logging.getLogger(__name__)

#: The journal's name for this observer (``viewer.core.outage_rules.PROBE_SOURCES``).
JOURNAL_SOURCE = "monitor"


@dataclass(frozen=True)
class MonitorOptions:
    """What ``videowall monitor`` was asked to do. Seconds; ``port`` 0 picks a free one."""

    catalog_path: Path
    journal_path: Path | None
    host: str = "127.0.0.1"
    port: int = 9480
    max_age_s: float = 60.0
    timeout_s: float = 4.0
    concurrency: int = 512
    shard: Shard | None = None
    districts: tuple[str, ...] | None = None
    sample: SamplerOptions | None = None  # None: no quality samples
    stream_minutes_retention_days: float = STREAM_MINUTES_RETENTION_DAYS  # 0: keep all
    recovery_confirm_s: float = RECOVERY_CONFIRM_S  # the journal's hysteresis before an outage ends


@dataclass(frozen=True)
class _Fleet:
    """The monitored cameras as the scrape thread sees them; replaced whole on a reload."""

    catalog: Catalog  # only this monitor's cameras
    rows: tuple[CameraRow, ...]
    pacing: Pacing
    loaded_at: float


class MonitorSetupError(Exception):
    """The monitor cannot start (catalog unusable, unknown district, port taken ...)."""


class Monitor:
    """See the module docstring. ``clock`` gives UTC epoch seconds (tests may pass their own)."""

    def __init__(self, options: MonitorOptions, clock: Callable[[], float] = time.time) -> None:
        self.options = options
        self._clock = clock
        self._batches: queue.Queue[list[SweepResult] | None] = queue.Queue()
        self._stopping = threading.Event()
        self._reload = threading.Event()
        self._tracker = StateTracker()
        self._counter_lock = threading.Lock()  # guards the probe counters (sweeper thread writes)
        self._probes_total = 0
        self._errors_total = 0
        self._recent: deque[tuple[float, int]] = deque()  # (monotonic s, probes) for the rate
        self._reload_errors = 0
        self._pass_started: float | None = None
        self._pass_seen: set[str] = set()
        self._pass_duration_s: float | None = None
        self._catalog_stamp = _stamp(options.catalog_path)
        self._fleet = self._load_fleet(load_catalog_isolated(options.catalog_path))  # CatalogError propagates
        self._sweeper: FleetSweeper | None = None
        self._sampler: QualitySampler | None = None
        self._samples: queue.SimpleQueue = queue.SimpleQueue()  # SampleResult, from the sample threads
        self._server: StatusServer | None = None
        registry = registry_with(MonitorCollector(self.view))
        registry.register(SampleCollector(self.sample_view))
        self.exposition = PrerenderedExposition(
            registry, big=lambda: len(self._fleet.rows) > METRICS_PRERENDER_ABOVE_CAMERAS,
        )

    # any thread --------------------------------------------------------------------------------
    def stop(self) -> None:
        """Ask :meth:`run` to finish (any thread: sets a flag, wakes the loop)."""
        self._stopping.set()
        self._batches.put_nowait(None)

    def request_reload(self) -> None:
        """Reload the catalog soon (any thread), as on SIGHUP."""
        self._reload.set()
        self._batches.put_nowait(None)

    @property
    def port(self) -> int:
        return self._server.port if self._server is not None else self.options.port

    def view(self) -> MonitorView:
        """What a scrape shows now (called on the HTTP thread)."""
        fleet = self._fleet
        results = self._sweeper.results() if self._sweeper is not None else {}
        with self._counter_lock:
            probes, errors = self._probes_total, self._errors_total
            rate = self._rate_locked(time.monotonic())
        return MonitorView(
            fleet.rows, results, self._clock(), probes, errors, rate, self._pass_duration_s,
            self.options.max_age_s, str(self.options.shard or Shard(0, 1)), fleet.loaded_at, self._reload_errors,
        )  # fmt: skip

    def sample_view(self):
        """The quality samples for a scrape: (latest by (camera, stream), figures); None when off."""
        sampler = self._sampler
        return None if sampler is None else (sampler.latest(), sampler.figures())

    def status(self) -> dict:
        """``/status.json``: the wall's document for this monitor's cameras, plus the monitor's own."""
        fleet = self._fleet
        results = self._sweeper.results() if self._sweeper is not None else {}
        swept_since = fleet_checked_since(fleet.catalog, results)
        snapshot = status_snapshot(fleet.catalog, results, 0, self._clock(), swept_since)
        snapshot["monitor"] = {
            "shard": str(self.options.shard or Shard(0, 1)),
            "districts": list(self.options.districts) if self.options.districts else None,
            "cameras": len(fleet.rows),
            "max_age_s": self.options.max_age_s,
            "interval_s": fleet.pacing.interval_s,
            "max_probes_per_s": fleet.pacing.max_probes_per_s,
            "concurrency": fleet.pacing.concurrency,
            "catalog": str(self.options.catalog_path),
        }
        return snapshot

    # the run thread ----------------------------------------------------------------------------
    def run(self, on_ready: Callable[[Monitor], None] | None = None) -> None:
        """Serve and sweep until :meth:`stop`; joins every thread before returning.
        Raises :class:`MonitorSetupError` when the port cannot be bound."""
        fleet = self._fleet
        journal = Journal(self.options.journal_path) if self.options.journal_path is not None else None
        writer = None
        if journal is not None:  # the wall's rules: one outage per camera whoever saw it first
            rules = rules_for(journal, OutageRules(confirm_s=self.options.recovery_confirm_s))
            writer = SweepJournalWriter(journal, rules, interval_s=fleet.pacing.interval_s, source=JOURNAL_SOURCE,
                                        timeout_s=self.options.timeout_s)  # fmt: skip
        self._server = StatusServer(self.options.port, self.status, host=self.options.host, metrics=self.exposition)
        try:
            self._server.start()
        except OSError as exc:
            if journal is not None:
                journal.close()
            raise MonitorSetupError(f"cannot listen on {self.options.host}:{self.options.port}: {exc}") from exc
        self._sweeper = FleetSweeper(
            fleet.catalog, self._on_results, interval_s=fleet.pacing.interval_s, concurrency=fleet.pacing.concurrency,
            timeout_s=self.options.timeout_s, max_probes_per_s=fleet.pacing.max_probes_per_s,
        )  # fmt: skip
        if journal is not None:
            journal.record_event("monitor-start", f"{len(fleet.rows)} cameras, shard {self.options.shard}", time.time())
        samples = None
        if self.options.sample is not None:
            samples = SampleJournalWriter(journal, self.options.stream_minutes_retention_days)
            self._sampler = QualitySampler(sample_targets(fleet.catalog.cameras, self.options.sample.streams),
                                           self._samples.put, self.options.sample)  # fmt: skip
        self._sweeper.start()
        if self._sampler is not None:
            self._sampler.start()
        self._pass_started = time.monotonic()
        if len(fleet.rows) > METRICS_PRERENDER_ABOVE_CAMERAS:
            self.exposition.warm()  # so that no scrape ever waits for a render
        log.info(
            "monitoring %d cameras (shard %s): every %.0f s, up to %g probes/s, %d in flight; http://%s:%d/metrics",
            len(fleet.rows), self.options.shard or "0/1", fleet.pacing.interval_s, fleet.pacing.max_probes_per_s,
            fleet.pacing.concurrency, self.options.host, self.port,
        )  # fmt: skip
        try:
            if on_ready is not None:
                on_ready(self)
            self._loop(writer, samples)
        finally:
            self._sweeper.stop()
            if self._sampler is not None and not self._sampler.stop(timeout_s=RELAY_JOIN_TIMEOUT_S):
                log.warning("quality samples still ending after %.0f s; left behind (daemon)", RELAY_JOIN_TIMEOUT_S)
            self._drain(writer)
            if samples is not None:
                samples.take(self._take_samples(), time.time(), flush=True)
            self._server.stop()
            self.exposition.close()
            if journal is not None:
                try:
                    writer.stop(time.time())  # this monitor's coverage ends now
                except Exception:  # a full disk must not turn a clean stop into a crash
                    log.exception("journal: cannot record the end of the monitor's coverage")
                journal.record_event("monitor-stop", "clean stop", time.time())
                journal.close()
            log.info("monitor stopped")

    def _loop(self, writer: SweepJournalWriter | None, samples: SampleJournalWriter | None = None) -> None:
        next_poll = time.monotonic() + MONITOR_CATALOG_POLL_S
        while not self._stopping.is_set():
            try:
                batch = self._batches.get(timeout=max(0.0, next_poll - time.monotonic()))
            except queue.Empty:
                batch = None
            if batch:
                self._apply(batch, writer)
            if samples is not None:
                samples.take(self._take_samples(), time.time())
            if self._reload.is_set():
                self._reload.clear()
                self._reload_catalog("SIGHUP")
            if time.monotonic() >= next_poll:
                next_poll = time.monotonic() + MONITOR_CATALOG_POLL_S
                stamp = _stamp(self.options.catalog_path)
                if stamp != self._catalog_stamp:
                    self._catalog_stamp = stamp
                    self._reload_catalog("file changed")

    def _take_samples(self) -> list:
        taken = []
        while True:
            try:
                taken.append(self._samples.get_nowait())
            except queue.Empty:
                return taken

    def _drain(self, writer: SweepJournalWriter | None) -> None:
        while True:
            try:
                batch = self._batches.get_nowait()
            except queue.Empty:
                return
            if batch:
                self._apply(batch, writer)

    def _apply(self, batch: list[SweepResult], writer: SweepJournalWriter | None) -> None:
        for change in self._tracker.update(batch):
            log.info("%s", change.describe())
        if writer is not None:
            try:
                writer.apply(batch)
            except Exception:  # a full disk must not stop the monitoring itself
                log.exception("journal: cannot record %d results", len(batch))
        self._count_pass(batch)

    def _count_pass(self, batch: list[SweepResult]) -> None:
        wanted = len(self._fleet.rows)
        self._pass_seen.update(r.camera_id for r in batch)
        if self._pass_started is not None and len(self._pass_seen) >= wanted:
            now = time.monotonic()
            self._pass_duration_s = now - self._pass_started
            self._pass_started, self._pass_seen = now, set()

    def _reload_catalog(self, why: str) -> None:
        try:
            catalog = load_catalog_isolated(self.options.catalog_path)
            fleet = self._load_fleet(catalog)
        except CatalogError as exc:
            self._reload_errors += 1
            for issue in exc.issues:
                log.error("catalog reload (%s) refused, keeping the catalog in use: %s", why, issue)
            return
        except ValueError as exc:
            self._reload_errors += 1
            log.error("catalog reload (%s) refused, keeping the catalog in use: %s", why, exc)
            return
        self._fleet = fleet
        self._tracker.keep_only(row.camera_id for row in fleet.rows)
        if self._sweeper is not None:
            self._sweeper.set_catalog(fleet.catalog)
        if self._sampler is not None and self.options.sample is not None:
            self._sampler.set_targets(sample_targets(fleet.catalog.cameras, self.options.sample.streams))
        self._pass_started, self._pass_seen = time.monotonic(), set()
        log.info("catalog reloaded (%s): %d cameras for this monitor", why, len(fleet.rows))

    def _load_fleet(self, catalog: Catalog) -> _Fleet:
        """This monitor's part of ``catalog``. ValueError names an unknown district."""
        known = {d.id for d in catalog.districts}
        for district in self.options.districts or ():
            if district not in known:
                raise ValueError(f"unknown district {district!r} (known: {', '.join(sorted(known)) or 'none'})")
        cameras = monitored_cameras(catalog, self.options.shard, self.options.districts)
        pacing = pacing_for(len(cameras), self.options.max_age_s, self.options.timeout_s, self.options.concurrency)
        own = replace(catalog, cameras=tuple(cameras))
        return _Fleet(own, camera_rows(cameras), pacing, time.time())

    # the sweeper thread ------------------------------------------------------------------------
    def _on_results(self, batch: list[SweepResult]) -> None:
        errors = sum(r.reason is Reason.ERROR for r in batch)
        now = time.monotonic()
        with self._counter_lock:
            self._probes_total += len(batch)
            self._errors_total += errors
            self._recent.append((now, len(batch)))
            while self._recent and now - self._recent[0][0] > MONITOR_RATE_WINDOW_S:
                self._recent.popleft()
        self._batches.put(batch)

    def _rate_locked(self, now: float) -> float:
        recent = [n for at, n in self._recent if now - at <= MONITOR_RATE_WINDOW_S]
        if not recent:
            return 0.0
        return sum(recent) / MONITOR_RATE_WINDOW_S


def _stamp(path: Path) -> tuple[int, int] | None:
    """The catalog file's (mtime ns, size), None if it cannot be read right now."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size
