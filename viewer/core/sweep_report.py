"""The fleet sweep's results for people and machines: per-district summaries (the status
board, ``videowall sweep``'s summary), CSV/JSON/table exports and the ``/status.json``
document. Pure Python, no clock, no I/O: callers pass times in (UTC epoch seconds).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from viewer.core.catalog_model import Catalog
from viewer.core.reasons import Reason
from viewer.core.report import iso_local
from viewer.core.secrets import mask_url
from viewer.core.sweep import SweepResult, reason_order

#: CSV header and JSON keys, in this order.
COLUMNS = ("camera_id", "camera_name", "district", "url", "reason", "latency_ms", "checked_at")
#: Health of a district box: every checked camera online / some down / more than half down / no data.
HEALTH_OK, HEALTH_DEGRADED, HEALTH_DOWN, HEALTH_UNKNOWN = "ok", "degraded", "down", "unknown"


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
        ranked = sorted(self.reasons.items(), key=lambda kv: (-kv[1], reason_order(kv[0])))
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
        ordered = dict(sorted(reasons.items(), key=lambda kv: reason_order(kv[0])))
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
    ordered = sorted(results, key=lambda r: (r.ok, reason_order(r.reason), r.district, r.camera_id))
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
