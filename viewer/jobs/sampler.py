"""The quality sampler job: samples camera streams nobody watches, under a bandwidth cap.

:class:`QualitySampler` runs ``concurrency`` worker threads (named ``sample-N``, started by
:meth:`start`, joined by :meth:`stop` or :meth:`wait` with a deadline; daemon, like the relay's
session threads, so that an FFmpeg call stuck past its socket timeout never blocks an exit). Each worker claims the
next due target (``viewer.core.sample_schedule.sample_order``: not on screen, least recently
sampled first, spread over recorders and districts), waits until the shared budget
(``viewer.core.sample_budget.SampleBudget``) admits it, samples it
(``viewer.player.stream_sampler.sample_stream``: PyAV, no decoding) and hands the
:class:`~viewer.core.sample_report.SampleResult` to ``on_result`` ON THE WORKER'S THREAD (the
caller makes that thread-safe: the monitor puts it in a queue, the wall emits a queued
signal). One failing camera is one failed result; the others go on.

``once=True`` (``videowall sweep --sample``) samples every target once and ends; otherwise
it samples forever, each target at most every ``every_s`` seconds. Public methods may be
called from any thread; none blocks on the network except :meth:`stop`/:meth:`wait` (they
join workers, each bounded by the read timeout). Units: seconds, Mbit/s, bytes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from viewer.core import constants as C
from viewer.core.sample_budget import Reservation, SampleBudget, estimate_bytes
from viewer.core.sample_report import SampleResult
from viewer.core.sample_schedule import STREAMS_SUB, SampleTarget, next_due_s, sample_order

log = logging.getLogger(__name__)

#: An idle continuous sampler looks for due targets at least this often (seconds).
IDLE_RECHECK_S = 5.0

ResultCallback = Callable[[SampleResult], None]


@dataclass(frozen=True)
class SamplerOptions:
    """How to sample: the cap (Mbit/s), sample length (s), workers, how often per target (s)."""

    budget_mbps: float = C.SAMPLE_BUDGET_MBPS
    seconds: float = C.SAMPLE_SECONDS
    concurrency: int = C.SAMPLE_CONCURRENCY
    every_s: float = C.SAMPLE_EVERY_S
    streams: str = STREAMS_SUB
    read_timeout_s: float = C.RELAY_READ_TIMEOUT_S
    tcp: bool = True


@dataclass(frozen=True)
class SamplerFigures:
    """The sampler's own counters (for ``/metrics``): samples ended, failed, payload bytes."""

    samples_total: int
    failures_total: int
    bytes_total: int
    in_flight: int
    budget_mbps: float


class QualitySampler:
    """See the module docstring. ``sample`` is :func:`sample_stream` (tests may pass another)."""

    def __init__(
        self,
        targets: Iterable[SampleTarget],
        on_result: ResultCallback,
        options: SamplerOptions | None = None,
        *,
        once: bool = False,
        sample: Callable[..., SampleResult] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if sample is None:
            from viewer.player.stream_sampler import sample_stream as sample
        self.options = options or SamplerOptions()
        self._sample = sample
        self._on_result = on_result
        self._once = once
        self._clock = clock
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._budget = SampleBudget(self.options.budget_mbps, clock)  # under _cond
        self._targets: list[SampleTarget] = list(targets)
        self._queue: list[SampleTarget] = sample_order(self._targets, {}, clock()) if once else []
        self._last: dict[tuple[str, str], float] = {}  # key -> monotonic s of the last sample's end
        self._cost: dict[tuple[str, str], float] = {}  # key -> wire bytes its last sample read
        self._in_flight: set[tuple[str, str]] = set()
        self._on_screen: frozenset[str] = frozenset()
        self._latest: dict[tuple[str, str], SampleResult] = {}
        self._samples = self._failures = self._bytes = 0
        self._threads: list[threading.Thread] = []

    # any thread ------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers. Idempotent."""
        with self._cond:
            if self._threads:
                return
            workers = max(1, self.options.concurrency)
            self._threads = [threading.Thread(target=self._work, name=f"sample-{n + 1}", daemon=True)
                             for n in range(workers)]  # fmt: skip
        for thread in self._threads:
            thread.start()
        log.info("quality sampler: %d streams, %d at a time, cap %g Mbit/s, %g s each%s", len(self._targets),
                 len(self._threads), self.options.budget_mbps, self.options.seconds, " (once)" if self._once else "")

    def stop(self, timeout_s: float | None = None) -> bool:
        """End the samples in flight and join the workers. True when all ended in time."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        return self.wait(timeout_s)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Join the workers (``once``: until every target was sampled). True when all ended."""
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        for thread in self._threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._threads)

    def set_targets(self, targets: Iterable[SampleTarget]) -> None:
        """Sample these from now on (a reloaded catalog); results of dropped ones are forgotten."""
        fresh = list(targets)
        keys = {t.key for t in fresh}
        with self._cond:
            self._targets = fresh
            self._queue = [t for t in self._queue if t.key in keys]
            self._latest = {k: v for k, v in self._latest.items() if k in keys}
            self._cond.notify_all()

    def set_on_screen(self, camera_ids: Collection[str]) -> None:
        """The cameras the wall shows now: not sampled while on screen."""
        with self._cond:
            self._on_screen = frozenset(camera_ids)

    def latest(self) -> dict[tuple[str, str], SampleResult]:
        """A snapshot: (camera id, stream) -> the latest result."""
        with self._cond:
            return dict(self._latest)

    def figures(self) -> SamplerFigures:
        with self._cond:
            return SamplerFigures(self._samples, self._failures, self._bytes, len(self._in_flight),
                                  self.options.budget_mbps)  # fmt: skip

    # worker threads ----------------------------------------------------------------------------
    def _work(self) -> None:
        while not self._stop.is_set():
            claimed = self._claim()
            if claimed is None:
                return
            target, reservation = claimed
            try:
                result = self._sample(
                    target, self.options.seconds, read_timeout_s=self.options.read_timeout_s, tcp=self.options.tcp,
                    stop=self._stop, on_bytes=lambda n, r=reservation: self._received(r, n),
                )  # fmt: skip
            except Exception as exc:  # a bug in one sample must not end the worker
                log.exception("sample of %s failed", target.camera_id)
                from viewer.core.reasons import Reason

                result = SampleResult(target, Reason.ERROR, time.time(), None, type(exc).__name__)
            self._finished(target, reservation, result)
            try:
                self._on_result(result)
            except Exception:
                log.exception("on_result callback failed")

    def _claim(self) -> tuple[SampleTarget, Reservation] | None:
        with self._cond:
            while not self._stop.is_set():
                now = self._clock()
                if not self._queue and not self._once:
                    self._queue = sample_order(self._targets, self._last, now, self.options.every_s, self._on_screen,
                                               self._in_flight)  # fmt: skip
                if not self._queue:
                    if self._once:
                        return None
                    due = next_due_s(self._targets, self._last, now, self.options.every_s)
                    self._cond.wait(min(IDLE_RECHECK_S, max(0.05, due if due is not None else IDLE_RECHECK_S)))
                    continue
                target = self._queue[0]
                if target.key in self._in_flight or (target.camera_id in self._on_screen and not self._once):
                    self._queue.pop(0)
                    continue
                default = self._budget.expected_bytes(C.SAMPLE_DEFAULT_KBPS, self.options.seconds)
                expected = estimate_bytes(self._cost, target.key, default)
                wait_s = self._budget.admit_wait_s(expected)
                if wait_s > 0:
                    self._cond.wait(wait_s)
                    continue
                self._queue.pop(0)
                self._in_flight.add(target.key)
                return target, self._budget.admit(expected)
            return None

    def _received(self, reservation: Reservation, payload_bytes: int) -> float:
        with self._cond:
            self._bytes += payload_bytes
            return self._budget.received(reservation, payload_bytes)

    def _finished(self, target: SampleTarget, reservation: Reservation, result: SampleResult) -> None:
        with self._cond:
            self._budget.settle(reservation)
            self._in_flight.discard(target.key)
            self._last[target.key] = self._clock()
            self._samples += 1
            self._failures += not result.ok
            if result.sample is not None and reservation.charged > 0:
                self._cost[target.key] = reservation.charged
            self._latest[target.key] = result
            self._cond.notify_all()
