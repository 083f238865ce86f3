"""Daily availability per district: covered and up camera-seconds per local calendar day.

Day boundaries are the machine's local midnights (``datetime(y, m, d).timestamp()``, so a
day changing its UTC offset has its true length). Each interval is added in O(1) plus a
binary search: the partial first and last day directly, the whole days between through a
difference array, so a year of coverage for thousands of cameras costs no more than its
interval count. Pure Python.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime, timedelta

from viewer.core.evaluate_model import DailyPoint
from viewer.core.intervals import Interval

NETWORK = ""  # the district key of the whole network's series


def day_starts(since: float, horizon: float) -> tuple[list[float], list[str]]:
    """Start of each local day touching ``[since, horizon)`` (the first clipped to ``since``)
    and its ISO date; plus a final boundary at ``horizon``."""
    day = datetime.fromtimestamp(since).date()
    starts, names = [since], [day.isoformat()]
    while True:
        day = day + timedelta(days=1)
        start = _midnight(day)
        if start >= horizon:
            break
        starts.append(start)
        names.append(day.isoformat())
    starts.append(horizon)
    return starts, names


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day).timestamp()


class _Bins:
    """Seconds of interval lists falling in each day."""

    def __init__(self, bounds: list[float]) -> None:
        self.bounds = bounds
        days = len(bounds) - 1
        self.partial = [0.0] * days
        self.whole = [0] * (days + 1)  # difference array: count of intervals covering whole days

    def add(self, intervals: list[Interval]) -> None:
        bounds, right, left = self.bounds, bisect.bisect_right, bisect.bisect_left
        for a, b in intervals:
            first = right(bounds, a) - 1
            last = left(bounds, b) - 1  # the day holding b's last instant
            if first == last:
                self.partial[first] += b - a
                continue
            self.partial[first] += bounds[first + 1] - a
            self.partial[last] += b - bounds[last]
            if last > first + 1:
                self.whole[first + 1] += 1
                self.whole[last] -= 1

    def seconds(self) -> list[float]:
        out, running = [], 0
        for index, partial in enumerate(self.partial):
            running += self.whole[index]
            out.append(partial + running * (self.bounds[index + 1] - self.bounds[index]))
        return out


def daily_series(
    district_of: Mapping[str, str],
    intervals: Mapping[str, tuple[list[Interval], list[Interval]]],
    since: float,
    horizon: float,
) -> list[DailyPoint]:
    """Per district (and :data:`NETWORK`), per day: covered and up seconds.
    ``intervals``: camera id -> (covered, covered-down) normal interval lists."""
    if horizon <= since:
        return []
    bounds, names = day_starts(since, horizon)
    covered: dict[str, _Bins] = defaultdict(lambda: _Bins(bounds))
    down: dict[str, _Bins] = defaultdict(lambda: _Bins(bounds))
    for camera_id, (watched, watched_down) in intervals.items():
        district = district_of[camera_id]
        covered[district].add(watched)
        if watched_down:
            down[district].add(watched_down)
    points: list[DailyPoint] = []
    network_covered = [0.0] * len(names)
    network_up = [0.0] * len(names)
    for district in sorted(covered):
        cov, dwn = covered[district].seconds(), down[district].seconds()
        upt = [c - d for c, d in zip(cov, dwn, strict=True)]
        for index, name in enumerate(names):
            points.append(DailyPoint(district, name, bounds[index], cov[index], upt[index]))
            network_covered[index] += cov[index]
            network_up[index] += upt[index]
    points.extend(
        DailyPoint(NETWORK, name, bounds[i], network_covered[i], network_up[i]) for i, name in enumerate(names)
    )
    return points
