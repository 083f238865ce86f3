"""The in-app fleet sweeper: keeps every enabled camera's probe verdict fresh in the background.

Threading: ``FleetSweeper`` runs ONE asyncio event loop in ONE non-daemon thread named
``sweep-fleet``, started by :meth:`FleetSweeper.start` and joined by :meth:`FleetSweeper.stop`.
Its public methods may be called from any thread. ``on_results`` is called ON THE SWEEPER'S
THREAD with batches of fresh results: the caller makes it thread-safe (the app emits a queued
Qt signal from it and does nothing else there). No Qt here.

``SweepJournalWriter`` feeds results to the journal rules (``viewer.core.outage_rules``, shared
with the wall) and hands their decisions to the journal's port (``viewer.core.journal_port``);
it is called on one thread, the rules' (the wall's Qt main thread; the monitor's run thread).
Units: seconds, probes per second; result times are UTC epoch seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import Callable, Iterable

from viewer.core.catalog_model import Camera, Catalog
from viewer.core.journal import Journal
from viewer.core.journal_port import JournalPort, as_port
from viewer.core.outage_rules import Decision, OutageRules
from viewer.core.outage_writer import apply, rules_for
from viewer.core.probe import probe
from viewer.core.probe_http import PlaylistMemory
from viewer.core.sweep import SweepResult, sweep_observation, sweep_result, sweep_targets
from viewer.core.sweep_schedule import SweepScheduler

log = logging.getLogger(__name__)

SWEEP_INTERVAL_S = 60.0
SWEEP_CONCURRENCY = 64
SWEEP_TIMEOUT_S = 4.0
SWEEP_MAX_PROBES_PER_S = 200.0
#: Results are handed to ``on_results`` in batches at most this old ...
BATCH_MAX_AGE_S = 0.5
#: ... or this big, whichever comes first (and at once when no probe is left in flight).
BATCH_MAX_RESULTS = 500
THREAD_NAME = "sweep-fleet"

ResultsCallback = Callable[[list[SweepResult]], None]


class FleetSweeper:
    """Probes every enabled camera of ``catalog`` at least once per ``interval_s`` (as far as
    ``max_probes_per_s`` allows), ``concurrency`` probes in flight at most, each within
    ``timeout_s``. Start with :meth:`start`, end with :meth:`stop` (joins the thread)."""

    def __init__(
        self,
        catalog: Catalog,
        on_results: ResultsCallback,
        interval_s: float = SWEEP_INTERVAL_S,
        concurrency: int = SWEEP_CONCURRENCY,
        timeout_s: float = SWEEP_TIMEOUT_S,
        max_probes_per_s: float = SWEEP_MAX_PROBES_PER_S,
    ) -> None:
        self._scheduler = SweepScheduler(interval_s, max_probes_per_s)  # loop thread only
        self._on_results = on_results
        self._concurrency = max(1, concurrency)
        self._timeout_s = timeout_s
        self._cameras = {c.id: c for c in sweep_targets(catalog)}  # loop thread (after start)
        self._lock = threading.Lock()  # guards _results and the lifecycle fields
        self._results: dict[str, SweepResult] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._halting = False  # loop thread only
        self._wake: asyncio.Event | None = None  # loop thread only
        self._batch: list[SweepResult] = []  # loop thread only
        self._batch_started: float | None = None
        self._playlists = PlaylistMemory()  # loop thread only: stalled HLS without Last-Modified

    # public, any thread ----------------------------------------------------------------------
    def start(self) -> None:
        """Start the loop thread; the first pass begins at once. Idempotent; no restart after stop."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("a stopped FleetSweeper cannot be restarted")
            if self._thread is not None:
                return
            loop = asyncio.new_event_loop()
            self._loop = loop
            self._thread = threading.Thread(target=self._run, args=(loop,), name=THREAD_NAME, daemon=False)
            self._thread.start()
        log.info("fleet sweeper started: %d cameras", len(self._cameras))

    def stop(self) -> None:
        """Cancel the probes in flight, stop the loop and join its thread. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            if self._thread is threading.current_thread():
                raise RuntimeError("FleetSweeper.stop() must not be called from on_results (its own thread)")
            self._stopped = True
            loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop already ended (it crashed)
            loop.call_soon_threadsafe(self._halt)
        thread.join()
        loop.close()
        log.info("fleet sweeper stopped")

    def sweep_now(self) -> None:
        """Probe every camera again as soon as the pacing allows (e.g. the operator asked)."""
        self._call_soon(self._request_all)

    def set_catalog(self, catalog: Catalog) -> None:
        """Sweep this catalog from now on (new cameras at once; results of dropped ones forgotten)."""
        cameras = {c.id: c for c in sweep_targets(catalog)}
        with self._lock:
            running = self._thread is not None and not self._stopped
            self._results = {k: v for k, v in self._results.items() if k in cameras}
            if not running:
                self._cameras = cameras
                return
        self._call_soon(self._replace_cameras, cameras)

    def results(self) -> dict[str, SweepResult]:
        """A snapshot: camera id -> latest result (cameras not probed yet are missing)."""
        with self._lock:
            return dict(self._results)

    # loop thread -----------------------------------------------------------------------------
    def _call_soon(self, fn: Callable[..., None], *args: object) -> None:
        with self._lock:
            loop = self._loop if not self._stopped else None
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # closed meanwhile
                loop.call_soon_threadsafe(fn, *args)

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._main())
        except Exception:
            log.exception("fleet sweeper crashed")
        finally:
            with contextlib.suppress(Exception):
                loop.run_until_complete(loop.shutdown_default_executor())
            asyncio.set_event_loop(None)

    async def _main(self) -> None:
        loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._scheduler.set_cameras(self._cameras, loop.time())
        probes: set[asyncio.Task[None]] = set()
        try:
            while not self._halting:
                now = loop.time()
                free = self._concurrency - self._scheduler.in_flight
                for camera_id in self._scheduler.take(now, free):
                    task = asyncio.create_task(self._probe(self._cameras[camera_id], now))
                    probes.add(task)
                    task.add_done_callback(probes.discard)
                self._maybe_flush(now)
                await self._sleep(self._next_wakeup(now) - now)
        finally:
            for task in probes:
                task.cancel()
            await asyncio.gather(*probes, return_exceptions=True)

    def _next_wakeup(self, now: float) -> float:
        wakeups = [now + 3600.0]
        if self._scheduler.in_flight < self._concurrency:
            due = self._scheduler.next_wakeup(now)
            if due is not None:
                wakeups.append(due)
        if self._batch_started is not None:
            wakeups.append(self._batch_started + BATCH_MAX_AGE_S)
        return min(wakeups)

    async def _sleep(self, delay_s: float) -> None:
        assert self._wake is not None
        if delay_s > 0 and not self._wake.is_set():
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay_s)
        self._wake.clear()

    async def _probe(self, camera: Camera, started: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            verdict = await probe(camera.url, camera.username, camera.password, self._timeout_s, self._playlists)
        finally:
            self._scheduler.finished(camera.id, started, loop.time())
        if self._cameras.get(camera.id) is not camera:
            return  # dropped or changed meanwhile
        fresh = sweep_result(camera, verdict.reason, verdict.latency_ms, time.time(), verdict.detail)
        with self._lock:
            fresh = fresh.after(self._results.get(camera.id))
            self._results[camera.id] = fresh
        self._batch.append(fresh)
        if self._batch_started is None:
            self._batch_started = loop.time()
        self._wake_up()

    def _maybe_flush(self, now: float) -> None:
        if not self._batch:
            return
        old = self._batch_started is not None and now - self._batch_started >= BATCH_MAX_AGE_S
        if old or len(self._batch) >= BATCH_MAX_RESULTS or self._scheduler.in_flight == 0:
            batch, self._batch, self._batch_started = self._batch, [], None
            try:
                self._on_results(batch)
            except Exception:
                log.exception("on_results callback failed")

    def _wake_up(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _halt(self) -> None:
        self._halting = True
        self._wake_up()

    def _request_all(self) -> None:
        self._scheduler.request_all(asyncio.get_running_loop().time())
        self._wake_up()

    def _replace_cameras(self, cameras: dict[str, Camera]) -> None:
        self._cameras = cameras
        with self._lock:  # a probe of a dropped camera may have finished since set_catalog
            self._results = {k: v for k, v in self._results.items() if k in cameras}
        self._scheduler.set_cameras(cameras, asyncio.get_running_loop().time())
        self._wake_up()


def sweep_coverage_gap_s(interval_s: float, timeout_s: float = SWEEP_TIMEOUT_S) -> float:
    """How long a camera counts as watched by the sweep after its last probe: three passes
    (a pass can run late when the fleet is big) plus a probe's timeout. Seconds."""
    return 3 * interval_s + timeout_s


class SweepJournalWriter:
    """Feeds sweep results to the journal ``rules`` (shared with the wall, so one outage per
    camera whoever saw it) and writes their decisions through the journal's port. One thread:
    the rules' (Qt main; ``videowall monitor``'s run thread, with ``source="monitor"``)."""

    def __init__(
        self,
        journal: Journal | JournalPort,
        rules: OutageRules | None = None,
        interval_s: float = SWEEP_INTERVAL_S,
        source: str = "sweep",
        timeout_s: float = SWEEP_TIMEOUT_S,
    ) -> None:
        self.journal = as_port(journal)
        self.source = source
        self.rules = rules if rules is not None else self.journal.call(rules_for)  # start-up: blocking
        self.rules.set_coverage_gap(source, sweep_coverage_gap_s(interval_s, timeout_s))
        # an earlier run's coverage: ended when it died
        self.journal.submit(lambda j: j.close_abandoned_coverage([source]), what=f"ending old {source} coverage")

    def apply(self, results: Iterable[SweepResult]) -> list[Decision]:
        """Record what ``results`` change in the journal; returns the decisions applied."""
        decisions = self.rules.observe_all(sweep_observation(r, self.source) for r in results)
        if decisions:
            self.journal.submit(lambda j: apply(j, decisions), what=f"{len(decisions)} {self.source} decisions")
        return decisions

    def stop(self, at: float) -> None:
        """The sweep stops (the app exits): its coverage ends at ``at``."""
        decisions = self.rules.stop_sources([self.source], at)
        self.journal.submit(lambda j: apply(j, decisions), what=f"ending the {self.source} coverage")
