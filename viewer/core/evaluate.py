"""The network evaluation: availability, repair and acknowledgement times per camera,
district and recorder, recorder incidents, a daily series and the capacity section (pure Python).

Outage rows with reason ``degraded`` are kept apart from the start: they are not down time
(see :mod:`viewer.core.evaluate_model`), only ``degraded_s`` / ``degraded_outages``.

:func:`evaluate` takes an :class:`~viewer.core.evaluation_model.EvaluationInput` (read from
the journal by the caller) and the catalog and returns an
:class:`~viewer.core.evaluate_model.Evaluation`; the definitions of every figure are in
:mod:`viewer.core.evaluate_model`. No clock, no I/O, no shared state: call it from a worker
thread. Day boundaries of the daily series are the machine's local midnights.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from operator import attrgetter
from typing import NamedTuple

from viewer.core.capacity import evaluate_capacity
from viewer.core.catalog import gc_paused
from viewer.core.catalog_model import Camera, Catalog
from viewer.core.evaluate_daily import daily_series
from viewer.core.evaluate_incidents import recorder_incidents
from viewer.core.evaluate_model import CameraRow, Evaluation, Figures, GroupRow
from viewer.core.evaluation_model import EvaluationInput, OutageRow
from viewer.core.intervals import Interval, intersect, normalize_within, subtract, total
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)
_START_ID = attrgetter("started_at", "id")
_DEGRADED = Reason.DEGRADED.value


@dataclass(frozen=True)
class Scope:
    """Which cameras to evaluate: all enabled ones, or those of one district and/or group
    (``group`` matches a camera's group or its district's group)."""

    district: str | None = None
    group: str | None = None

    def describe(self) -> str:
        parts = [f"district {self.district}" if self.district else "", f"group {self.group}" if self.group else ""]
        return ", ".join(p for p in parts if p)

    def cameras(self, catalog: Catalog) -> list[Camera]:
        district_groups = {d.id: d.group for d in catalog.districts}
        chosen = []
        for camera in catalog.cameras:
            if not camera.enabled or (self.district and camera.district != self.district):
                continue
            if self.group and self.group not in (camera.group, district_groups.get(camera.district)):
                continue
            chosen.append(camera)
        return chosen


class MergedOutage(NamedTuple):
    """Outage rows of one camera that overlap (two sources saw one fault) merged into one.
    ``end`` None: still open at the journal's ``generated_at``."""

    camera_id: str
    start: float
    end: float | None
    reason: str  # the reason of the row that started first
    acknowledged_at: float | None  # the earliest acknowledgement of its rows


def merge_outages(rows: Iterable[OutageRow]) -> list[MergedOutage]:
    """One camera's rows (any order) as non-overlapping outages, oldest first. Rows that
    only touch (one ends when the next starts) stay two outages."""
    merged: list[MergedOutage] = []
    for row in sorted(rows, key=_START_ID):
        last = merged[-1] if merged else None
        if last is not None and (last.end is None or row.started_at < last.end):
            end = None if last.end is None or row.ended_at is None else max(last.end, row.ended_at)
            acks = [a for a in (last.acknowledged_at, row.acknowledged_at) if a is not None]
            merged[-1] = MergedOutage(last.camera_id, last.start, end, last.reason, min(acks) if acks else None)
        else:
            merged.append(MergedOutage(row.camera_id, row.started_at, row.ended_at, row.reason, row.acknowledged_at))
    return merged


def camera_figures(
    outages: Sequence[MergedOutage], coverage: Iterable[Interval], since: float, horizon: float
) -> tuple[Figures, list[Interval], list[Interval]]:
    """One camera's figures over ``[since, horizon)``, with its covered and covered-down
    interval lists (for the daily series). ``coverage``: (start, end) pairs in any order,
    open ones ending at ``horizon``; ``outages`` from :func:`merge_outages` (sorted,
    disjoint), so one walk over both lists finds every outage's watched part: linear time."""
    covered = normalize_within(coverage, since, horizon)
    covered_s = total(covered)
    down: list[Interval] = []
    by_reason: dict[str, float] = defaultdict(float)
    restore: list[float] = []
    acks: list[float] = []
    count = open_count = 0
    longest = 0.0
    j, n = 0, len(covered)
    for outage in outages:
        still_open = outage.end is None or outage.end > horizon
        end = horizon if still_open else outage.end
        if end <= since or outage.start >= horizon:
            continue
        count += 1
        length = end - outage.start
        if length > longest:
            longest = length
        if still_open:
            open_count += 1
        else:
            restore.append(length)
        acknowledged = outage.acknowledged_at
        if acknowledged is not None and acknowledged < horizon:
            acks.append(acknowledged - outage.start if acknowledged > outage.start else 0.0)
        start = outage.start if outage.start > since else since
        while j < n and covered[j][1] <= start:
            j += 1
        seen = 0.0
        k = j
        while k < n:
            a, b = covered[k]
            if a >= end:
                break
            if a < start:
                a = start
            if b > end:
                b = end
            if b > a:
                down.append((a, b))
                seen += b - a
            k += 1
        if seen:
            by_reason[outage.reason] += seen
    down_s = total(down)
    up_s = covered_s - down_s
    figures = Figures(
        cameras=1,
        period_s=horizon - since,
        covered_s=covered_s,
        up_s=up_s,
        down_s=down_s,
        outages=count,
        open_outages=open_count,
        restore_times_s=tuple(restore),
        longest_outage_s=longest,
        down_by_reason_s=_sorted_reasons(by_reason),
        acknowledge_times_s=tuple(acks),
    )
    return figures, covered, down


def combine(parts: Sequence[Figures], camera_ids: Sequence[str], period_s: float) -> Figures:
    """Sum camera figures into a district, recorder or network figure."""
    by_reason: Counter[str] = Counter()
    for part in parts:
        for reason, seconds in part.down_by_reason_s:
            by_reason[reason] += seconds
    return Figures(
        cameras=len(parts),
        period_s=period_s,
        covered_s=sum(p.covered_s for p in parts),
        up_s=sum(p.up_s for p in parts),
        down_s=sum(p.down_s for p in parts),
        outages=sum(p.outages for p in parts),
        open_outages=sum(p.open_outages for p in parts),
        restore_times_s=tuple(t for p in parts for t in p.restore_times_s),
        longest_outage_s=max((p.longest_outage_s for p in parts), default=0.0),
        down_by_reason_s=_sorted_reasons(by_reason),
        acknowledge_times_s=tuple(t for p in parts for t in p.acknowledge_times_s),
        never_online=tuple(i for p, i in zip(parts, camera_ids, strict=True) if p.covered_s > 0 and p.up_s <= 0),
        unwatched=tuple(i for p, i in zip(parts, camera_ids, strict=True) if p.covered_s <= 0),
        degraded_s=sum(p.degraded_s for p in parts),
        degraded_outages=sum(p.degraded_outages for p in parts),
    )


def degraded_figures(
    degraded: Sequence[MergedOutage], covered: list[Interval], down: list[Interval], since: float, horizon: float
) -> tuple[float, int]:
    """Covered degraded seconds outside every real outage, and how many degraded episodes
    (merged rows) overlap ``[since, horizon)``. ``covered``/``down``: one camera's normal lists
    from :func:`camera_figures`."""
    spans: list[Interval] = []
    count = 0
    for outage in degraded:
        end = horizon if outage.end is None or outage.end > horizon else outage.end
        if end <= since or outage.start >= horizon:
            continue
        count += 1
        spans.append((max(outage.start, since), end))
    if not spans:
        return 0.0, 0
    return total(subtract(intersect(covered, spans), down)), count


def evaluate(data: EvaluationInput, catalog: Catalog, scope: Scope | None = None) -> Evaluation:
    """Every figure of the evaluation; see the module docstring. The cyclic GC is paused
    meanwhile (a year of a city is ~10^6 small acyclic objects: 1.3 s -> 0.9 s)."""
    with gc_paused():
        return _evaluate(data, catalog, scope)


def _evaluate(data: EvaluationInput, catalog: Catalog, scope: Scope | None) -> Evaluation:
    scope = scope or Scope()
    since = data.since
    horizon = max(since, min(data.until, data.generated_at))
    period_s = horizon - since
    cameras = scope.cameras(catalog)
    wanted = {c.id for c in cameras}
    known = {c.id for c in catalog.cameras if c.enabled}
    rows_by_camera: dict[str, list[OutageRow]] = defaultdict(list)
    degraded_by_camera: dict[str, list[OutageRow]] = defaultdict(list)
    ignored = 0  # rows of cameras gone from the catalog or disabled (not those outside the scope)
    for row in data.outages:
        if row.camera_id in wanted:
            (degraded_by_camera if row.reason == _DEGRADED else rows_by_camera)[row.camera_id].append(row)
        elif row.camera_id not in known:
            ignored += 1
    coverage_by_camera: dict[str, list[Interval]] = defaultdict(list)
    for row in data.coverage:
        coverage_by_camera[row.camera_id].append((row.started_at, horizon if row.ended_at is None else row.ended_at))

    recorder_of = {c.id: c.recorder_address for c in cameras}
    camera_rows: list[CameraRow] = []
    merged_by_camera: dict[str, list[MergedOutage]] = {}
    covered_by_camera: dict[str, tuple[list[Interval], list[Interval]]] = {}
    for camera in cameras:
        merged = merged_by_camera[camera.id] = merge_outages(rows_by_camera.get(camera.id, ()))
        figures, covered, down = camera_figures(merged, coverage_by_camera.get(camera.id, ()), since, horizon)
        covered_by_camera[camera.id] = (covered, down)
        if camera.id in degraded_by_camera:
            degraded_s, episodes = degraded_figures(merge_outages(degraded_by_camera[camera.id]), covered, down,
                                                    since, horizon)
            figures = replace(figures, degraded_s=degraded_s, degraded_outages=episodes)
        if figures.covered_s <= 0:
            figures = replace(figures, unwatched=(camera.id,))
        elif figures.up_s <= 0:
            figures = replace(figures, never_online=(camera.id,))
        camera_rows.append(CameraRow(camera.id, camera.name, camera.district, recorder_of[camera.id], figures))

    names = {d.id: d.name for d in catalog.districts}
    districts = _groups(camera_rows, lambda r: r.district, lambda key: names.get(key, key), period_s)
    recorders = _groups(camera_rows, lambda r: r.recorder, lambda key: key or "(local files)", period_s)
    network = combine([r.figures for r in camera_rows], [r.camera_id for r in camera_rows], period_s)
    incidents = recorder_incidents(cameras, recorder_of, merged_by_camera, since, horizon)
    daily = daily_series({c.id: c.district for c in cameras}, covered_by_camera, since, horizon)
    if ignored:
        log.info("evaluation: %d outages of cameras outside the catalog or the scope left out", ignored)
    capacity = None if data.capacity is None else evaluate_capacity(data.capacity, cameras, districts, recorders,
                                                                    network)
    return Evaluation(
        since=since,
        until=data.until,
        horizon=horizon,
        generated_at=data.generated_at,
        scope=scope.describe(),
        network=network,
        districts=tuple(districts),
        recorders=tuple(recorders),
        cameras=tuple(camera_rows),
        incidents=tuple(incidents),
        daily=tuple(daily),
        ignored_outages=ignored,
        coverage_since=getattr(data, "coverage_since", None),  # journals before coverage: not said
        capacity=capacity,
    )


def _groups(rows: list[CameraRow], key_of, name_of, period_s: float) -> list[GroupRow]:
    grouped: dict[str, list[CameraRow]] = defaultdict(list)
    for row in rows:
        grouped[key_of(row)].append(row)
    out = []
    for key, members in grouped.items():
        figures = combine([m.figures for m in members], [m.camera_id for m in members], period_s)
        districts = tuple(dict.fromkeys(m.district for m in members))
        out.append(GroupRow(key, name_of(key), figures, districts))
    return out


def _sorted_reasons(by_reason: dict[str, float]) -> tuple[tuple[str, float], ...]:
    return tuple(sorted(((r, s) for r, s in by_reason.items() if s > 0), key=lambda kv: (-kv[1], kv[0])))
