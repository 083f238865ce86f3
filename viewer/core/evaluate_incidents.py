"""Recorder incidents: many cameras of one recorder down together, as ONE server outage.

The same notion as the wall's storm control (:mod:`viewer.core.storm`), applied to the
journal afterwards: an incident starts when at least ``STORM_MIN_FEEDS`` cameras of one
recorder are down with a network reason (refused, unreachable, timeout), their outages
having started within ``STORM_WINDOW_S`` of each other; every camera of that recorder
already down with a network reason at that moment belongs to it, and so does every one
that goes down while it lasts. It ends when half of its cameras have pictures again (the
storm's rule). A camera is in one incident at most per outage. Pure Python.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from viewer.core.catalog_model import Camera
from viewer.core.evaluate_model import Incident
from viewer.core.storm import NETWORK_REASONS, STORM_MIN_FEEDS, STORM_WINDOW_S

_NETWORK = frozenset(str(r) for r in NETWORK_REASONS)


@dataclass
class _Down:
    camera_id: str
    start: float
    end: float  # math.inf while open
    reason: str


@dataclass
class _Open:
    members: list[_Down] = field(default_factory=list)

    def half_recovered_at(self) -> float:
        ends = sorted(m.end for m in self.members)
        return ends[math.ceil(len(ends) / 2) - 1]


def recorder_incidents(
    cameras: Iterable[Camera],
    recorder_of: Mapping[str, str],  # camera id -> recorder address (Camera.recorder_address)
    outages: Mapping[str, Sequence],  # camera id -> MergedOutage list (viewer.core.evaluate)
    since: float,
    horizon: float,
    min_cameras: int = STORM_MIN_FEEDS,
    window_s: float = STORM_WINDOW_S,
) -> list[Incident]:
    """Incidents overlapping ``[since, horizon)``, oldest first; see the module docstring."""
    by_recorder: dict[str, list[_Down]] = defaultdict(list)
    district_of: dict[str, str] = {}
    for camera in cameras:
        recorder = recorder_of[camera.id]
        if not recorder:
            continue
        district_of[camera.id] = camera.district
        for outage in outages.get(camera.id, ()):
            if outage.reason in _NETWORK:
                end = math.inf if outage.end is None else outage.end
                by_recorder[recorder].append(_Down(camera.id, outage.start, end, outage.reason))
    found: list[Incident] = []
    for recorder, downs in by_recorder.items():
        if len(downs) < min_cameras:
            continue
        for group in _cluster(sorted(downs, key=lambda d: (d.start, d.camera_id)), min_cameras, window_s):
            incident = _incident(recorder, group, district_of, horizon)
            if incident.started_at < horizon and (incident.ended_at is None or incident.ended_at > since):
                found.append(incident)
    return sorted(found, key=lambda i: (i.started_at, i.recorder))


def _cluster(downs: list[_Down], min_cameras: int, window_s: float) -> list[_Open]:
    groups: list[_Open] = []
    active: _Open | None = None
    loose: list[_Down] = []
    for down in downs:
        now = down.start
        if active is not None and now < active.half_recovered_at():
            active.members.append(down)
            continue
        active = None
        loose = [d for d in loose if d.end > now]
        loose.append(down)
        recent = [d for d in loose if d.start > now - window_s]
        if len(recent) >= min_cameras:
            active = _Open(list(loose))
            groups.append(active)
            loose = []
    return groups


def _incident(recorder: str, group: _Open, district_of: Mapping[str, str], horizon: float) -> Incident:
    members = group.members
    half = group.half_recovered_at()
    last = max(m.end for m in members)
    reasons = Counter(m.reason for m in members)
    reason = min(reasons, key=lambda r: (-reasons[r], r))
    return Incident(
        recorder=recorder,
        districts=tuple(dict.fromkeys(district_of[m.camera_id] for m in members)),
        started_at=min(m.start for m in members),
        ended_at=None if half > horizon else half,
        last_restored_at=None if last > horizon else last,
        reason=reason,
        camera_ids=tuple(dict.fromkeys(m.camera_id for m in members)),
    )
