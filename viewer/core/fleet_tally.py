"""Fleet bookkeeping that costs O(batch), not O(fleet), per sweep batch.

:class:`FleetTally` keeps, for every district, how many enabled cameras have a result and how
many are down per reason, and the set of cameras currently down. A batch of results updates
it in time proportional to the batch; :meth:`summaries` costs O(districts) and
:meth:`snapshot` O(districts + cameras down) plus one pass for the fleet's oldest check —
built only when something asks (the status server). Results equal ``district_summaries`` and
``status_snapshot`` over the same results (tests/core/test_fleet_tally.py holds them to it).

Thread-safe: one lock guards every method, so the main thread may ``apply`` while the status
server's thread builds a ``snapshot``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from viewer.core.catalog_model import Catalog
from viewer.core.reasons import Reason
from viewer.core.report import iso_local
from viewer.core.sweep import SweepResult, reason_order
from viewer.core.sweep_report import DistrictSummary

_NOT_CHECKED = None


class FleetTally:
    def __init__(self, catalog: Catalog) -> None:
        self._lock = threading.Lock()
        self._catalog = catalog
        self._district_of: dict[str, str] = {}
        self._position: dict[str, int] = {}
        for position, camera in enumerate(catalog.cameras):
            if camera.enabled:
                self._district_of[camera.id] = camera.district
                self._position[camera.id] = position
        self._total = {d.id: len(catalog.cameras_in(d.id)) for d in catalog.districts}
        self._checked = dict.fromkeys(self._total, 0)
        self._down: dict[str, Counter[Reason]] = {d: Counter() for d in self._total}
        self._results: dict[str, SweepResult] = {}
        self._offline: dict[str, SweepResult] = {}
        self._summary_of: dict[str, DistrictSummary] = {}  # cached until the district changes
        self._dirty: set[str] = set(self._total)

    @property
    def results(self) -> dict[str, SweepResult]:
        """The latest result per enabled camera (a copy)."""
        with self._lock:
            return dict(self._results)

    def apply(self, results: Iterable[SweepResult]) -> None:
        """Take new results (already merged with ``SweepResult.after``). O(len(results))."""
        with self._lock:
            for result in results:
                district = self._district_of.get(result.camera_id)
                if district is None or district not in self._total:
                    continue  # disabled, or no longer in the catalog
                previous = self._results.get(result.camera_id)
                if previous is None:
                    self._checked[district] += 1
                elif not previous.ok:
                    self._down[district][previous.reason] -= 1
                if not result.ok:
                    self._down[district][result.reason] += 1
                    self._offline[result.camera_id] = result
                else:
                    self._offline.pop(result.camera_id, None)
                self._results[result.camera_id] = result
                self._dirty.add(district)

    def summaries(self) -> list[DistrictSummary]:
        """As ``district_summaries(catalog, results)``: one per district, catalog order."""
        with self._lock:
            return self._summaries()

    def _summaries(self) -> list[DistrictSummary]:
        """O(districts changed since the last call) summaries plus a list of cached ones."""
        for district in self._catalog.districts:
            if district.id in self._dirty:
                self._summary_of[district.id] = self._summary(district.id, district.name)
        self._dirty.clear()
        return [self._summary_of[d.id] for d in self._catalog.districts]

    def _summary(self, district_id: str, name: str) -> DistrictSummary:
        down = self._down[district_id]
        reasons = {r: n for r, n in sorted(down.items(), key=lambda kv: reason_order(kv[0])) if n > 0}
        checked = self._checked[district_id]
        return DistrictSummary(district_id, name, checked - sum(reasons.values()), self._total[district_id],
                               reasons, checked)  # fmt: skip

    def checked_since(self) -> float | None:
        """As ``fleet_checked_since``: the oldest check of any enabled camera, None while one
        has none. O(fleet), for the snapshot only."""
        with self._lock:
            return self._checked_since()

    def _checked_since(self) -> float | None:
        if len(self._results) < len(self._district_of) or not self._results:
            return None
        return min(r.checked_at for r in self._results.values())

    def snapshot(self, flagged_tiles: int, now: float) -> dict:
        """As ``status_snapshot(catalog, results, flagged_tiles, now, checked_since)``."""
        with self._lock:
            offline = sorted(self._offline.values(), key=lambda r: self._position[r.camera_id])
            districts = self._summaries()
            since = self._checked_since()
        return {
            "generated_at": iso_local(now),
            "last_sweep_timestamp_s": since,
            "districts": [
                {"id": s.district_id, "name": s.name, "online": s.online, "total": s.total,
                 "reasons": {reason.value: n for reason, n in s.reasons.items()}}
                for s in districts
            ],
            "cameras_offline": [
                {"id": r.camera_id, "name": r.camera_name, "district": r.district, "reason": r.reason.value,
                 "since": iso_local(r.down_since if r.down_since is not None else r.checked_at)}
                for r in offline
            ],
            "flagged_tiles": flagged_tiles,
        }
