"""The network evaluation's results as frozen data (pure Python).

:func:`viewer.core.evaluate.evaluate` builds an :class:`Evaluation` from an
:class:`~viewer.core.evaluation_model.EvaluationInput` and the catalog; the CLI tables, the
HTML report and the app's window only read it. Times are UTC epoch seconds, durations
seconds (floats, exact: no rounding happens before rendering).

Definitions (the README's evaluation section says the same in words):

- *covered*: time inside a coverage interval (a tile, the sweep or the monitor watched the
  camera). Time outside coverage is *unknown*: neither up nor down.
- *down*: covered time inside an outage; *up*: covered time outside every outage.
- *availability* = up ÷ covered; *covered %* = covered ÷ (cameras × period).
- an outage belongs to the period when it overlaps it; its *duration* runs from its start
  (even before ``since``) to its end, or to the period's end while still open.
- *time to restore*: duration of the outages that ended within the period (mean, median);
  *time to acknowledge*: first acknowledgement − start, for acknowledged outages.
- *degraded* (outage rows with reason ``degraded``: pictures keep coming, far below the
  nominal frame rate) is NOT down: it never enters down time, outages, restore or
  acknowledgement times or incidents, and degraded time counts as up. It is counted apart:
  ``degraded_s`` = covered time inside a degraded row and outside every real outage;
  ``degraded_outages`` = degraded rows (merged per camera) overlapping the period.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.core.capacity_model import Capacity


def _mean(values: tuple[float, ...]) -> float | None:
    return sum(values) / len(values) if values else None


def _median(values: tuple[float, ...]) -> float | None:
    return statistics.median(values) if values else None


@dataclass(frozen=True)
class Figures:
    """The figures of one camera, or summed over a district, a recorder or the network."""

    cameras: int
    period_s: float  # the period's length (one camera's possible time)
    covered_s: float = 0.0
    up_s: float = 0.0
    down_s: float = 0.0
    outages: int = 0
    open_outages: int = 0  # still open at the period's end
    restore_times_s: tuple[float, ...] = ()  # one per outage that ended within the period
    longest_outage_s: float = 0.0
    down_by_reason_s: tuple[tuple[str, float], ...] = ()  # covered down time per reason, largest first
    acknowledge_times_s: tuple[float, ...] = ()  # one per acknowledged outage
    never_online: tuple[str, ...] = ()  # camera ids watched in the period but never up
    unwatched: tuple[str, ...] = ()  # camera ids never watched in the period
    degraded_s: float = 0.0  # covered time degraded (not down: counted apart, inside up_s)
    degraded_outages: int = 0  # degraded episodes overlapping the period

    @property
    def unknown_s(self) -> float:
        return self.cameras * self.period_s - self.covered_s

    @property
    def availability_pct(self) -> float | None:
        """up ÷ covered × 100; None when nothing was watched."""
        return 100.0 * self.up_s / self.covered_s if self.covered_s > 0 else None

    @property
    def covered_pct(self) -> float | None:
        possible = self.cameras * self.period_s
        return 100.0 * self.covered_s / possible if possible > 0 else None

    @property
    def mttr_mean_s(self) -> float | None:
        return _mean(self.restore_times_s)

    @property
    def mttr_median_s(self) -> float | None:
        return _median(self.restore_times_s)

    @property
    def acknowledged(self) -> int:
        return len(self.acknowledge_times_s)

    @property
    def tta_mean_s(self) -> float | None:
        return _mean(self.acknowledge_times_s)

    @property
    def tta_median_s(self) -> float | None:
        return _median(self.acknowledge_times_s)


@dataclass(frozen=True)
class GroupRow:
    """A district or a recorder with its figures (``key``: district id or recorder address)."""

    key: str
    name: str
    figures: Figures
    districts: tuple[str, ...] = ()  # for a recorder: the districts its cameras are in


@dataclass(frozen=True)
class CameraRow:
    camera_id: str
    name: str
    district: str
    recorder: str
    figures: Figures


@dataclass(frozen=True)
class Incident:
    """Many cameras of one recorder down together: one server outage.

    ``ended_at`` is when half of its cameras had pictures again (the wall's storm rule),
    None while that has not happened by the period's end; ``last_restored_at`` when the
    last one did (None while any is still down)."""

    recorder: str
    districts: tuple[str, ...]
    started_at: float
    ended_at: float | None
    last_restored_at: float | None
    reason: str
    camera_ids: tuple[str, ...]

    @property
    def cameras(self) -> int:
        return len(self.camera_ids)

    def duration_s(self, horizon: float) -> float:
        return (horizon if self.ended_at is None else self.ended_at) - self.started_at


@dataclass(frozen=True)
class DailyPoint:
    """One district (or ``""``: the whole network) on one local calendar day."""

    district: str
    day: str  # local date, ISO (2026-11-28)
    start: float  # epoch seconds of the day's start (or the period's start on its first day)
    covered_s: float
    up_s: float

    @property
    def availability_pct(self) -> float | None:
        return 100.0 * self.up_s / self.covered_s if self.covered_s > 0 else None


@dataclass(frozen=True)
class Evaluation:
    since: float
    until: float
    horizon: float  # min(until, generated_at): open outages and coverage count up to here
    generated_at: float
    scope: str  # "" or e.g. "district smg-tembalang"
    network: Figures
    districts: tuple[GroupRow, ...]
    recorders: tuple[GroupRow, ...]
    cameras: tuple[CameraRow, ...]
    incidents: tuple[Incident, ...]
    daily: tuple[DailyPoint, ...]
    #: outages of cameras not in the catalog (or outside the scope) that were left out
    ignored_outages: int = 0
    #: when the journal started recording coverage (older time is unknown); None: not said
    coverage_since: float | None = None
    notes: tuple[str, ...] = field(default=())
    #: The capacity section (viewer.core.capacity); None: no stream minutes in the period
    capacity: Capacity | None = None

    @property
    def period_s(self) -> float:
        return self.horizon - self.since
