"""The fleet sweep as data: results, per-district summaries, pacing, exports and journal decisions.

Pure Python, no clock, no I/O: callers pass times in. Shared by ``videowall sweep`` (one pass),
the in-app background sweeper (``viewer.jobs.sweeper``), the status board and the monitoring export.
Units: latencies in ms; ``checked_at``/``down_since``/outage times are UTC epoch seconds; the
scheduler works on any monotonic clock in seconds. Objects here are not thread-safe unless they
are frozen dataclasses (those may be shared freely).
"""

from __future__ import annotations

import csv
import heapq
import io
import json
import logging
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from viewer.core.catalog_model import Camera, Catalog
from viewer.core.outage_rules import Observation, Status
from viewer.core.reasons import Reason
from viewer.core.report import iso_local
from viewer.core.secrets import mask_url

log = logging.getLogger(__name__)

#: CSV header and JSON keys, in this order.
COLUMNS = ("camera_id", "camera_name", "district", "url", "reason", "latency_ms", "checked_at")
#: Health of a district box: every checked camera online / some down / more than half down / no data.
HEALTH_OK, HEALTH_DEGRADED, HEALTH_DOWN, HEALTH_UNKNOWN = "ok", "degraded", "down", "unknown"
#: How much catching up the scheduler allows after a late wake-up, in seconds of probes.
PACING_BURST_S = 0.05
_ONE_TOKEN = 1.0 - 1e-9  # float sums of rate * dt fall just short of whole tokens
_REASON_ORDER = {reason: n for n, reason in enumerate(Reason)}


def reason_order(reason: Reason) -> int:
    """A reason's place in the vocabulary (how summaries order their reasons)."""
    return _REASON_ORDER[reason]


# --- results ---------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SweepResult:
    """One camera's verdict. ``url_masked`` never holds a password; ``down_since`` is when the
    current run of not-ok results began (None while ok)."""

    camera_id: str
    camera_name: str
    district: str
    url_masked: str
    reason: Reason
    latency_ms: float
    checked_at: float
    detail: str = ""
    down_since: float | None = None

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK

    def after(self, previous: SweepResult | None) -> SweepResult:
        """This result with ``down_since`` carried over from the camera's previous result."""
        if self.ok:
            return replace(self, down_since=None) if self.down_since is not None else self
        since = self.checked_at
        if previous is not None and not previous.ok:
            since = previous.down_since if previous.down_since is not None else previous.checked_at
        return replace(self, down_since=since)


def sweep_result(camera: Camera, reason: Reason, latency_ms: float, checked_at: float, detail: str = "") -> SweepResult:
    """A result for ``camera`` (its URL masked, in case it still carries a userinfo)."""
    return SweepResult(
        camera.id, camera.name, camera.district, mask_url(camera.url), Reason(reason), latency_ms, checked_at, detail
    )


def sweep_observation(result: SweepResult, source: str = "sweep") -> Observation:
    """The journal rules' view of one probe result (see :mod:`viewer.core.outage_rules`)."""
    if result.ok:
        return Observation(result.camera_id, source, Status.HEALTHY, result.checked_at)
    return Observation(
        result.camera_id, source, Status.FAILING, result.checked_at, result.reason, result.detail,
        result.down_since, result.camera_name, result.district,
    )  # fmt: skip


def sweep_targets(catalog: Catalog, district: str | None = None) -> list[Camera]:
    """The enabled cameras to sweep (of one district, if given; KeyError if unknown)."""
    if district is not None:
        return list(catalog.cameras_in(district))
    return [camera for camera in catalog.cameras if camera.enabled]


# --- summaries -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DistrictSummary:
    """``online`` of ``total`` enabled cameras answered properly; ``reasons`` counts the others
    by reason (never ``ok``). ``checked`` cameras have a result (default: online + not-ok)."""

    district_id: str
    name: str
    online: int
    total: int
    reasons: dict[Reason, int] = field(default_factory=dict)
    checked: int | None = None

    @property
    def checked_count(self) -> int:
        return self.checked if self.checked is not None else self.online + sum(self.reasons.values())

    @property
    def down(self) -> int:
        return sum(self.reasons.values())

    @property
    def health(self) -> str:
        """``unknown`` (nothing checked), ``ok``, ``degraded`` (some down), ``down`` (> 50 % of
        the checked cameras, or all of them)."""
        checked = self.checked_count
        if checked == 0:
            return HEALTH_UNKNOWN
        down = self.down
        if down == 0:
            return HEALTH_OK
        return HEALTH_DOWN if down * 2 > checked else HEALTH_DEGRADED

    def top_reasons(self, limit: int = 3) -> list[tuple[Reason, int]]:
        """The most frequent not-ok reasons, most first (ties in vocabulary order)."""
        ranked = sorted(self.reasons.items(), key=lambda kv: (-kv[1], _REASON_ORDER[kv[0]]))
        return [(reason, n) for reason, n in ranked if n > 0][:limit]


def district_summaries(
    catalog: Catalog, results: Mapping[str, SweepResult] | Iterable[SweepResult], district: str | None = None
) -> list[DistrictSummary]:
    """One summary per district in catalog order (only ``district`` if given), counting enabled
    cameras only. Results for cameras no longer in the catalog (or disabled) are ignored."""
    by_id = {r.camera_id: r for r in (results.values() if isinstance(results, Mapping) else results)}
    districts = [catalog.district(district)] if district is not None else catalog.districts
    summaries = []
    for d in districts:
        cameras = catalog.cameras_in(d.id)
        found = [by_id[c.id] for c in cameras if c.id in by_id]
        reasons = Counter(r.reason for r in found if not r.ok)
        online = len(found) - sum(reasons.values())
        ordered = dict(sorted(reasons.items(), key=lambda kv: _REASON_ORDER[kv[0]]))
        summaries.append(DistrictSummary(d.id, d.name, online, len(cameras), ordered, len(found)))
    return summaries


def render_summary(summaries: Iterable[DistrictSummary]) -> str:
    """Aligned lines ``district  online/total  refused 2, auth 1`` for a terminal."""
    rows = []
    for s in summaries:
        parts = [f"{reason.value} {n}" for reason, n in s.top_reasons(limit=len(Reason))]
        unchecked = s.total - s.checked_count
        if unchecked:
            parts.append(f"unchecked {unchecked}")
        rows.append((s.district_id, f"{s.online}/{s.total}", ", ".join(parts) or "all online"))
    return _align(("DISTRICT", "ONLINE", "NOT OK"), rows)


# --- exports ---------------------------------------------------------------------------------
def sweep_record(result: SweepResult) -> dict[str, str | int | float]:
    """One result as the exported key/value record (latency rounded to 0.1 ms)."""
    return {
        "camera_id": result.camera_id,
        "camera_name": result.camera_name,
        "district": result.district,
        "url": mask_url(result.url_masked),
        "reason": result.reason.value,
        "latency_ms": round(result.latency_ms, 1),
        "checked_at": iso_local(result.checked_at),
    }


def render_csv(results: Iterable[SweepResult]) -> str:
    """CSV with the header :data:`COLUMNS`, in the given order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        writer.writerow(sweep_record(result))
    return buffer.getvalue()


def render_json(results: Iterable[SweepResult]) -> str:
    """A JSON list of objects with the :data:`COLUMNS` keys."""
    return json.dumps([sweep_record(r) for r in results], indent=2, ensure_ascii=False) + "\n"


def render_table(results: Iterable[SweepResult]) -> str:
    """Aligned columns for a terminal: not-ok cameras first (by reason), then the ok ones."""
    ordered = sorted(results, key=lambda r: (r.ok, _REASON_ORDER[r.reason], r.district, r.camera_id))
    if not ordered:
        return "no cameras\n"
    rows = [
        (r.camera_id, r.camera_name, r.district, r.reason.value, f"{r.latency_ms:.0f}", mask_url(r.url_masked))
        for r in ordered
    ]
    return _align(("CAMERA", "NAME", "DISTRICT", "REASON", "MS", "URL"), rows)


def _align(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    return "\n".join(lines) + "\n"


# --- monitoring snapshot ---------------------------------------------------------------------
def status_snapshot(
    catalog: Catalog,
    results: Mapping[str, SweepResult],
    flagged_tiles: int,
    now: float,
    last_sweep_at: float | None,
) -> dict:
    """The ``/status.json`` document (see ``viewer.jobs.status_server``). Build it where the results
    live, then hand the (never mutated) dict to the server."""
    offline = [
        {
            "id": r.camera_id,
            "name": r.camera_name,
            "district": r.district,
            "reason": r.reason.value,
            "since": iso_local(r.down_since if r.down_since is not None else r.checked_at),
        }
        for c in catalog.cameras
        if c.enabled and (r := results.get(c.id)) is not None and not r.ok
    ]
    return {
        "generated_at": iso_local(now),
        "last_sweep_timestamp_s": last_sweep_at,
        "districts": [
            {
                "id": s.district_id,
                "name": s.name,
                "online": s.online,
                "total": s.total,
                "reasons": {reason.value: n for reason, n in s.reasons.items()},
            }
            for s in district_summaries(catalog, results)
        ],
        "cameras_offline": offline,
        "flagged_tiles": flagged_tiles,
    }


def fleet_checked_since(catalog: Catalog, results: Mapping[str, SweepResult]) -> float | None:
    """The oldest ``checked_at`` over every enabled camera: the whole fleet has been swept since
    then. None while some camera has no result yet (or there are no cameras)."""
    oldest: float | None = None
    for camera in catalog.cameras:
        if camera.enabled:
            result = results.get(camera.id)
            if result is None:
                return None
            oldest = result.checked_at if oldest is None else min(oldest, result.checked_at)
    return oldest


# --- scheduling ------------------------------------------------------------------------------
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
