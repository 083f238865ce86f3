"""What the network evaluation reads from the journal: plain, frozen rows (pure Python).

The journal (:mod:`viewer.core.journal`) produces an :class:`EvaluationInput` for a period;
the evaluation (:mod:`viewer.core.evaluate`) turns it, with the catalog, into figures. The
two sides meet only here, so a journal built by the wall, the sweep or ``videowall monitor``
is evaluated the same way, and the arithmetic is tested on hand-built rows.

Times are UTC epoch seconds (float). ``None`` as an end means "still open at
``EvaluationInput.generated_at``".
"""

from __future__ import annotations

from dataclasses import dataclass

from viewer.core.capacity_model import CapacityInput


@dataclass(frozen=True)
class OutageRow:
    """One outage of one camera: at most one is open per camera at any time."""

    id: int
    camera_id: str
    reason: str  # a viewer.core.reasons.Reason value
    started_at: float
    ended_at: float | None  # None: still open
    source: str  # who saw it first: "wall", "preroll", "sweep", "monitor"
    detail: str = ""
    acknowledged_at: float | None = None
    acknowledged_by: str | None = None  # OS user name of the operator
    ack_note: str = ""  # free text or a ticket number


@dataclass(frozen=True)
class CoverageRow:
    """An interval during which the camera was watched (a tile, the sweep or the monitor).
    Time outside every coverage interval is *unknown*: neither up nor down."""

    camera_id: str
    started_at: float
    ended_at: float | None  # None: still being watched


@dataclass(frozen=True)
class EvaluationInput:
    """Every outage and coverage interval overlapping [since, until) for the cameras asked."""

    since: float
    until: float
    generated_at: float
    outages: tuple[OutageRow, ...]
    #: Merged per camera across sources (a tile and the sweep watching at once: one interval),
    #: sorted by camera then start, not clipped to the period.
    coverage: tuple[CoverageRow, ...]
    #: When this journal started recording coverage (its migration to schema 2); None when
    #: unknown. Time before it is unknown for every camera.
    coverage_since: float | None = None
    #: Stream minutes of the period summed per camera stream (viewer.core.capacity_read); None
    #: or empty: none recorded (a journal before schema 3, or nothing measured yet).
    capacity: CapacityInput | None = None
