"""The headless monitor's logic as data: which cameras a monitor watches, recorders, pacing,
state changes and the per-camera rows behind ``/metrics``.

Pure Python, no clock, no I/O: callers pass times in. Units: seconds, probes per second,
milliseconds for latencies; result times are UTC epoch seconds. Frozen dataclasses may be
shared between threads; nothing else here is thread-safe.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from viewer.core.catalog_model import Camera, Catalog
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult, sweep_targets

#: A recorder label for cameras that have no network host (file URLs).
NO_RECORDER = "none"
#: Fraction of ``--max-age`` kept free for a probe's own timeout and scheduling lag.
MAX_AGE_MARGIN = 0.1
#: Probe a pass this much faster than the bare minimum, so that slow probes do not make it late.
PACING_HEADROOM = 1.25
#: Never pace slower than this: a small fleet's first pass should not take seconds.
MIN_PROBES_PER_S = 20.0


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` (0-based) of ``count``: a camera belongs to it when
    :func:`shard_of` of its id is ``index``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"K/N"`` with 0 <= K < N (e.g. ``0/2`` and ``1/2``); ValueError otherwise."""
        k, slash, n = text.partition("/")
        try:
            shard = cls(int(k), int(n))
        except ValueError:
            raise ValueError(f"shard must look like K/N (e.g. 0/2), not {text!r}") from None
        if not slash or shard.count < 1 or not 0 <= shard.index < shard.count:
            raise ValueError(f"shard must be K/N with 0 <= K < N, not {text!r}")
        return shard

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def holds(self, camera_id: str) -> bool:
        return shard_of(camera_id, self.count) == self.index


def shard_of(camera_id: str, count: int) -> int:
    """A stable shard number in ``range(count)`` for a camera id: the same on every machine,
    Python version and run (BLAKE2b of the UTF-8 id, not ``hash()``)."""
    digest = hashlib.blake2b(camera_id.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


def monitored_cameras(
    catalog: Catalog, shard: Shard | None = None, districts: Iterable[str] | None = None
) -> list[Camera]:
    """The enabled cameras this monitor watches, in catalog order: of ``districts`` only (if
    given; KeyError for an unknown one), and of ``shard`` only (if given)."""
    if districts is not None:
        cameras = [c for d in districts for c in sweep_targets(catalog, d)]
    else:
        cameras = sweep_targets(catalog)
    if shard is not None and shard.count > 1:
        cameras = [c for c in cameras if shard.holds(c.id)]
    return cameras


def recorder_of(camera: Camera) -> str:
    """The recorder a camera's stream comes from: the catalog's ``recorder`` field where the
    catalog has one (the network evaluation's, for NAT/proxy set-ups), else ``host:port`` of
    its URL (cameras behind one NVR share it), :data:`NO_RECORDER` for files."""
    return camera.recorder_address or NO_RECORDER  # the one definition, shared with `evaluate`


@dataclass(frozen=True)
class Pacing:
    """How a monitor sweeps: every camera at most ``interval_s`` after its last probe began,
    ``max_probes_per_s`` at most, ``concurrency`` probes (= sockets) in flight at most."""

    interval_s: float
    max_probes_per_s: float
    concurrency: int


def pacing_for(cameras: int, max_age_s: float, timeout_s: float, concurrency: int) -> Pacing:
    """The pacing that keeps ``cameras`` states no older than ``max_age_s``: the interval leaves
    room for one probe timeout plus :data:`MAX_AGE_MARGIN`; the rate covers every camera in
    that interval with :data:`PACING_HEADROOM`. ValueError when ``max_age_s`` is too short."""
    interval_s = max_age_s * (1.0 - MAX_AGE_MARGIN) - timeout_s
    if interval_s <= 0:
        raise ValueError(f"--max-age {max_age_s:g} s leaves no time to sweep with a {timeout_s:g} s probe timeout")
    rate = max(MIN_PROBES_PER_S, math.ceil(PACING_HEADROOM * max(1, cameras) / interval_s))
    return Pacing(interval_s, float(rate), max(1, concurrency))


@dataclass(frozen=True)
class StateChange:
    """A camera went up or down, or is down for another reason. ``before`` is None for a
    camera's first result."""

    camera_id: str
    district: str
    before: Reason | None
    after: Reason
    detail: str

    def describe(self) -> str:
        """One log line (no URL, so no password can be in it)."""
        if self.after is Reason.OK:
            was = self.before.value if self.before else "?"
            return f"camera {self.camera_id} ({self.district}) is up again (was {was})"
        if self.before is None or self.before is Reason.OK:
            word = "is down" if self.before is not None else "is down at start"
            return f"camera {self.camera_id} ({self.district}) {word}: {self.after.value} ({self.detail})"
        return f"camera {self.camera_id} ({self.district}) still down, now {self.after.value} ({self.detail})"


class StateTracker:
    """Turns batches of results into :class:`StateChange` s, one per real change: a first ok
    result is not a change (a fleet starting up logs only what is down). Not thread-safe."""

    def __init__(self) -> None:
        self._last: dict[str, Reason] = {}

    def update(self, results: Iterable[SweepResult]) -> list[StateChange]:
        changes = []
        for r in results:
            before = self._last.get(r.camera_id)
            if before is r.reason:
                continue
            self._last[r.camera_id] = r.reason
            if before is None and r.ok:
                continue
            changes.append(StateChange(r.camera_id, r.district, before, r.reason, r.detail))
        return changes

    def keep_only(self, camera_ids: Iterable[str]) -> None:
        """Forget cameras that left the monitored set (catalog reload)."""
        keep = set(camera_ids)
        self._last = {k: v for k, v in self._last.items() if k in keep}


@dataclass(frozen=True)
class CameraRow:
    """One camera's labels for the metrics (no URL, no password). ``labels`` and ``id_label``
    are built once per catalog load and shared by every scrape: never mutate them."""

    camera_id: str
    district: str
    group: str
    recorder: str
    labels: Mapping[str, str] = field(init=False, repr=False, compare=False)
    id_label: Mapping[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        labels = {
            "camera_id": self.camera_id, "district": self.district, "group": self.group, "recorder": self.recorder
        }
        object.__setattr__(self, "labels", labels)
        object.__setattr__(self, "id_label", {"camera_id": self.camera_id})


def camera_rows(cameras: Iterable[Camera]) -> tuple[CameraRow, ...]:
    return tuple(CameraRow(c.id, c.district, c.group, recorder_of(c)) for c in cameras)


@dataclass(frozen=True)
class MonitorView:
    """What one scrape sees: the monitored cameras and their latest results (missing: not
    probed yet), plus the sweep counters. Built on demand; never mutated."""

    rows: tuple[CameraRow, ...]
    results: Mapping[str, SweepResult]
    now: float  # UTC epoch seconds
    probes_total: int
    probe_errors_total: int
    probes_per_s: float
    pass_duration_s: float | None  # how long the last full pass over every camera took
    max_age_s: float
    shard: str
    catalog_loaded_at: float
    catalog_reload_errors_total: int

    def oldest_check(self) -> float | None:
        """The oldest ``checked_at`` over every camera (None while one has no result)."""
        oldest = None
        for row in self.rows:
            r = self.results.get(row.camera_id)
            if r is None:
                return None
            oldest = r.checked_at if oldest is None else min(oldest, r.checked_at)
        return oldest
