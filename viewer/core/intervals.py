"""Half-open time intervals ``[start, end)`` as sorted, disjoint lists (pure Python).

Used by the network evaluation to add up watched, down and up time exactly. An interval list
is "normal" when sorted by start, non-overlapping and without empty intervals; every
function here returns normal lists. Times are any floats (UTC epoch seconds in practice).
Stateless: safe from any thread.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Interval = tuple[float, float]


def normalize(intervals: Iterable[Interval]) -> list[Interval]:
    """Sort and merge overlapping or touching intervals; drop empty ones."""
    return normalize_within(intervals, -math.inf, math.inf)


def normalize_within(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """``normalize`` and ``clip`` in one pass: the merged intervals inside ``[start, end)``."""
    merged: list[Interval] = []
    for a, b in sorted(intervals):
        if a < start:
            a = start
        if b > end:
            b = end
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            if b > merged[-1][1]:
                merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def clip(intervals: Iterable[Interval], start: float, end: float) -> list[Interval]:
    """Each interval cut to ``[start, end)``; the empty ones dropped (order kept)."""
    return [(max(a, start), min(b, end)) for a, b in intervals if min(b, end) > max(a, start)]


def total(intervals: Iterable[Interval]) -> float:
    """Summed length of a normal list."""
    return sum(b - a for a, b in intervals)


def intersect(first: list[Interval], second: list[Interval]) -> list[Interval]:
    """The time in both normal lists (two-pointer walk, linear)."""
    out: list[Interval] = []
    i = j = 0
    while i < len(first) and j < len(second):
        a1, b1 = first[i]
        a2, b2 = second[j]
        start, end = max(a1, a2), min(b1, b2)
        if end > start:
            out.append((start, end))
        if b1 <= b2:
            i += 1
        else:
            j += 1
    return out


def subtract(first: list[Interval], second: list[Interval]) -> list[Interval]:
    """The time in normal list ``first`` that is not in normal list ``second``."""
    out: list[Interval] = []
    j = 0
    for start, end in first:
        cursor = start
        while j < len(second) and second[j][1] <= cursor:
            j += 1
        k = j
        while k < len(second) and second[k][0] < end:
            a, b = second[k]
            if a > cursor:
                out.append((cursor, a))
            cursor = max(cursor, b)
            if cursor >= end:
                break
            k += 1
        if cursor < end:
            out.append((cursor, end))
    return out
