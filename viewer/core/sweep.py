"""The fleet sweep as data: one camera's result, the cameras to sweep, and what a result
tells the journal rules (``sweep_observation``).

Pure Python, no clock, no I/O: callers pass times in. Shared by ``videowall sweep`` (one pass),
the in-app background sweeper (``viewer.jobs.sweeper``) and the headless monitor. Summaries,
exports and the status document are in ``viewer.core.sweep_report``; the pacing scheduler in
``viewer.core.sweep_schedule``. Units: latencies in ms; ``checked_at``/``down_since`` are UTC
epoch seconds. Frozen dataclasses may be shared between threads freely.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from viewer.core.catalog_model import Camera, Catalog
from viewer.core.outage_rules import Observation, Status
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_url

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
