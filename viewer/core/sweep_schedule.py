"""Which cameras a fleet sweep probes now: due times and pacing, as data.

Times are one monotonic clock in seconds, passed in; no I/O. Used by the in-app sweeper and
the headless monitor (``viewer.jobs.sweeper``). Not thread-safe: one thread owns a scheduler.
"""

from __future__ import annotations

import heapq
import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)

#: How much catching up the scheduler allows after a late wake-up, in seconds of probes.
PACING_BURST_S = 0.05
_ONE_TOKEN = 1.0 - 1e-9  # float sums of rate * dt fall just short of whole tokens


class SweepScheduler:
    """Which cameras to probe now. Every camera is due ``interval_s`` after its last probe began
    (new cameras and :meth:`request_all` make them due at once); probes start at most
    ``max_probes_per_s``, evenly spaced (a catch-up burst of ``PACING_BURST_S`` at most), due
    ones first. Times are one monotonic clock in seconds, passed in. Not thread-safe."""

    def __init__(self, interval_s: float, max_probes_per_s: float) -> None:
        if interval_s <= 0 or max_probes_per_s <= 0:
            raise ValueError("interval_s and max_probes_per_s must be positive")
        self.interval_s = interval_s
        self.max_probes_per_s = max_probes_per_s
        self._due: dict[str, float] = {}  # waiting cameras -> due time (authoritative)
        self._heap: list[tuple[float, int, str]] = []  # may hold stale entries
        self._seq = 0
        self._in_flight: set[str] = set()
        self._again: set[str] = set()  # in flight when request_all came: due at once when done
        self._tokens = max(1.0, max_probes_per_s * PACING_BURST_S)  # start with a full bucket
        self._tokens_at: float | None = None

    @property
    def capacity(self) -> float:
        return max(1.0, self.max_probes_per_s * PACING_BURST_S)

    def set_cameras(self, camera_ids: Iterable[str], now: float) -> None:
        """The cameras to keep fresh: new ones are due now, dropped ones are forgotten."""
        wanted = set(camera_ids)
        for camera_id in list(self._due):
            if camera_id not in wanted:
                del self._due[camera_id]
        self._in_flight &= wanted
        self._again &= wanted
        for camera_id in sorted(wanted - self._due.keys() - self._in_flight):
            self._push(camera_id, now)
        pass_s = len(wanted) / self.max_probes_per_s
        if pass_s > self.interval_s:
            log.warning(
                "%d cameras at %g probes/s need %.0f s per pass, more than the %g s interval",
                len(wanted), self.max_probes_per_s, pass_s, self.interval_s,
            )  # fmt: skip

    def request_all(self, now: float) -> None:
        """Make every camera due now (those in flight: as soon as they finish)."""
        for camera_id in list(self._due):
            self._push(camera_id, now)
        self._again |= self._in_flight

    def take(self, now: float, limit: int) -> list[str]:
        """Start up to ``limit`` due cameras, as the pacing allows; they are now in flight."""
        self._refill(now)
        started: list[str] = []
        while len(started) < limit and self._tokens >= _ONE_TOKEN and self._heap:
            due, _, camera_id = self._heap[0]
            if self._due.get(camera_id) != due:
                heapq.heappop(self._heap)  # stale: rescheduled or dropped
                continue
            if due > now:
                break
            heapq.heappop(self._heap)
            del self._due[camera_id]
            self._in_flight.add(camera_id)
            self._tokens -= 1.0
            started.append(camera_id)
        return started

    def finished(self, camera_id: str, started_at: float, now: float) -> None:
        """A probe ended: the camera is due again ``interval_s`` after ``started_at``."""
        if camera_id not in self._in_flight:
            return  # dropped from the fleet meanwhile
        self._in_flight.discard(camera_id)
        if camera_id in self._again:
            self._again.discard(camera_id)
            self._push(camera_id, now)
        else:
            self._push(camera_id, started_at + self.interval_s)

    def next_wakeup(self, now: float) -> float | None:
        """When :meth:`take` may next start a probe (``now`` or later), None when nothing waits."""
        while self._heap and self._due.get(self._heap[0][2]) != self._heap[0][0]:
            heapq.heappop(self._heap)
        if not self._heap:
            return None
        self._refill(now)
        token_at = now if self._tokens >= _ONE_TOKEN else now + (1.0 - self._tokens) / self.max_probes_per_s
        return max(self._heap[0][0], token_at)

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def _push(self, camera_id: str, due: float) -> None:
        self._due[camera_id] = due
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, camera_id))

    def _refill(self, now: float) -> None:
        if self._tokens_at is not None and now > self._tokens_at:
            self._tokens = min(self.capacity, self._tokens + (now - self._tokens_at) * self.max_probes_per_s)
        if self._tokens_at is None or now > self._tokens_at:
            self._tokens_at = now
