"""The capacity section of the network evaluation: what every camera, recorder and district
actually delivers, from the journal's stream minutes (pure Python, no clock, any thread).

Definitions (README, *Network evaluation → Capacity*, says the same in words). Every figure
uses the stream minutes that START in the period, from the wall (tiles playing) and from
quality samples (off-screen) together:

- *bitrate of a camera stream* = its bytes × 8 ÷ its observed seconds (kbit/s). A camera's
  stream is its ``main`` or ``sub`` stream; a camera with one stream (``""``) has a main one.
- *total bitrate if every camera were watched* (per district / recorder / network): the sum of
  the main-stream bitrates, and apart the sum of the sub-stream bitrates of cameras that have
  one in the catalog. A stream never measured is *unknown*: named, never counted as zero.
- *delivered ÷ nominal fps* of a camera stream = its frames ÷ (seconds × nominal fps), over
  the minutes that carried a nominal rate. Per group: the median and the worst (lowest) over
  its camera streams; *low* = below ``CAPACITY_LOW_FPS_RATIO``.
- *first-packet time p50/p95*: nearest rank (the value at rank ⌈p ÷ 100 × n⌉ of the sorted
  values) over every minute row that carried one (a stream opened in it; the minute's worst
  open), to 10 ms, pooled over the group's cameras; wall and sample counts are given apart.
- *degraded*: from the evaluation's figures (outages with reason ``degraded``, not down time).
- *sub-stream looks like a main stream*: a camera with a sub-stream in the catalog whose
  measured sub-stream is ``SUB_LIKE_MAIN_HEIGHT_PX`` lines high or more, or whose sub bitrate
  is at least ``SUB_LIKE_MAIN_BITRATE_RATIO`` × its measured main bitrate.
- *upgrade first*: recorders and districts with any figure, by descending score =
  fps points (100 × (1 − median ratio), 0 when the median is 1 or more) + latency points
  (10 × p95 first-packet seconds) + degraded points (degraded % of watched time) + sub points
  (% of the group's sub-stream cameras whose sub-stream looks like a main stream); the
  weights are the ``SCORE_POINTS_*`` constants; ties by name.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

from viewer.core.capacity_model import (
    CameraCapacity,
    Capacity,
    CapacityGroup,
    CapacityInput,
    LatencyBin,
    Ranked,
    StreamTotals,
)
from viewer.core.catalog_model import Camera
from viewer.core.constants import (
    CAPACITY_LOW_FPS_RATIO,
    SCORE_POINTS_PER_DEGRADED_PCT,
    SCORE_POINTS_PER_FPS_PCT,
    SCORE_POINTS_PER_LATENCY_S,
    SCORE_POINTS_PER_SUB_LIKE_MAIN_PCT,
    SUB_LIKE_MAIN_BITRATE_RATIO,
    SUB_LIKE_MAIN_HEIGHT_PX,
)
from viewer.core.evaluate_model import Figures, GroupRow
from viewer.core.stream_figures import SOURCE_SAMPLE, SOURCE_WALL, STREAM_MAIN, STREAM_SUB, StreamMinute

NETWORK_NAME = "(network)"


def latency_centis(first_packet_s: float) -> int:
    """A first-packet time in 10 ms steps, rounded half up (as the SQL reader does)."""
    return math.floor(first_packet_s * 100 + 0.5)


def capacity_input_from_minutes(rows: Iterable[StreamMinute], since: float = -math.inf,
                                until: float = math.inf) -> CapacityInput:
    """The sums :mod:`viewer.core.capacity_read` computes in SQL, from the minute rows (as
    ``read_stream_minutes`` returns them) starting in ``[since, until)``: the definition the
    reader is tested against."""
    sums: dict[tuple[str, str, str], list] = {}
    bins: Counter[tuple[str, str, int]] = Counter()
    for row in rows:
        if not since <= row.minute < until:
            continue
        key = (row.camera_id, row.stream, row.source)
        acc = sums.get(key)
        if acc is None:
            acc = sums[key] = [0, 0.0, 0, 0, 0, 0.0, None, None]
        acc[0] += 1
        acc[1] += row.seconds
        acc[2] += row.bytes
        acc[3] += row.frames
        if row.nominal_fps is not None and row.nominal_fps > 0:
            acc[4] += row.frames
            acc[5] += row.seconds * row.nominal_fps
        if row.width is not None:
            acc[6] = row.width if acc[6] is None else max(acc[6], row.width)
        if row.height is not None:
            acc[7] = row.height if acc[7] is None else max(acc[7], row.height)
        if row.first_packet_s is not None:
            bins[(row.camera_id, row.source, latency_centis(row.first_packet_s))] += 1
    streams = tuple(StreamTotals(*key, *acc) for key, acc in sorted(sums.items()))
    latency = tuple(LatencyBin(c, s, b, n) for (c, s, b), n in sorted(bins.items()))
    return CapacityInput(streams, latency)


def percentile(bins: Counter[int], p: float) -> float | None:
    """Nearest-rank percentile of 10 ms bins (value -> count), in seconds."""
    n = sum(bins.values())
    if n <= 0:
        return None
    rank = max(1, math.ceil(p * n / 100))  # p × n first: 95 × 20 / 100 is exactly 19
    running = 0
    for value in sorted(bins):
        running += bins[value]
        if running >= rank:
            return value / 100
    return None  # not reached


def _kind(stream: str) -> str:
    return STREAM_SUB if stream == STREAM_SUB else STREAM_MAIN


def camera_capacities(data: CapacityInput, cameras: Sequence[Camera]) -> list[CameraCapacity]:
    """Each camera's measured streams (both sources summed); cameras never measured too."""
    per: dict[tuple[str, str], list] = defaultdict(lambda: [0.0, 0, 0, 0.0, None])  # s, bytes, rated, nominal, h
    for t in data.streams:
        acc = per[(t.camera_id, _kind(t.stream))]
        acc[0] += t.seconds
        acc[1] += t.bytes
        acc[2] += t.rated_frames
        acc[3] += t.nominal_frames
        if t.height is not None:
            acc[4] = t.height if acc[4] is None else max(acc[4], t.height)
    out = []
    for camera in cameras:
        figures: dict[str, tuple[float | None, float | None, int | None]] = {}
        for kind in (STREAM_MAIN, STREAM_SUB):
            acc = per.get((camera.id, kind))
            if acc is None:
                figures[kind] = (None, None, None)
                continue
            kbps = acc[1] * 8 / 1000 / acc[0] if acc[0] > 0 else None
            ratio = acc[2] / acc[3] if acc[3] > 0 else None
            figures[kind] = (kbps, ratio, acc[4])
        main_kbps, main_ratio, main_height = figures[STREAM_MAIN]
        sub_kbps, sub_ratio, sub_height = figures[STREAM_SUB]
        has_sub = bool(camera.substream)
        like_main = has_sub and sub_kbps is not None and (
            (sub_height is not None and sub_height >= SUB_LIKE_MAIN_HEIGHT_PX)
            or (main_kbps is not None and main_kbps > 0 and sub_kbps >= SUB_LIKE_MAIN_BITRATE_RATIO * main_kbps))
        out.append(CameraCapacity(camera.id, camera.name, camera.district, camera.recorder_address, has_sub,
                                  main_kbps, sub_kbps, main_ratio, sub_ratio, main_height, sub_height, like_main))
    return out


def group_capacity(key: str, name: str, members: Sequence[CameraCapacity], latency: Counter[int],
                   wall_opens: int, sample_opens: int, figures: Figures | None) -> CapacityGroup:
    """One group's figures from its cameras' figures and its pooled first-packet bins."""
    ratios: list[tuple[float, str]] = []
    for cam in members:
        for kind, ratio in ((STREAM_MAIN, cam.main_fps_ratio), (STREAM_SUB, cam.sub_fps_ratio)):
            if ratio is not None:
                ratios.append((ratio, f"{cam.camera_id} {kind}"))
    worst = min(ratios) if ratios else None
    return CapacityGroup(
        key=key, name=name, cameras=len(members), with_sub=sum(1 for c in members if c.has_sub),
        main_kbps=_total(c.main_kbps for c in members),
        sub_kbps=_total(c.sub_kbps for c in members if c.has_sub),
        main_unknown=tuple(c.camera_id for c in members if c.main_kbps is None),
        sub_unknown=tuple(c.camera_id for c in members if c.has_sub and c.sub_kbps is None),
        fps_ratio_median=statistics.median(r for r, _ in ratios) if ratios else None,
        fps_ratio_worst=worst[0] if worst else None, fps_worst_camera=worst[1] if worst else "",
        fps_streams=len(ratios),
        fps_low=tuple(dict.fromkeys(label.rsplit(" ", 1)[0] for r, label in sorted(ratios, key=lambda x: x[1])
                                    if r < CAPACITY_LOW_FPS_RATIO)),
        first_packet_p50_s=percentile(latency, 50), first_packet_p95_s=percentile(latency, 95),
        first_packets_wall=wall_opens, first_packets_sample=sample_opens,
        covered_s=figures.covered_s if figures else 0.0, degraded_s=figures.degraded_s if figures else 0.0,
        degraded_outages=figures.degraded_outages if figures else 0,
        sub_like_main=tuple(c.camera_id for c in members if c.sub_like_main),
    )  # fmt: skip


def _total(values: Iterable[float | None]) -> float | None:
    """Sum of the measured values; None when none was measured (unknown, not zero)."""
    known = [v for v in values if v is not None]
    return sum(known, 0.0) if known else None


def score(kind: str, group: CapacityGroup, rank: int = 0) -> Ranked:
    """The "upgrade first" score of one group, as its four parts (see the module docstring)."""
    median = group.fps_ratio_median
    fps = SCORE_POINTS_PER_FPS_PCT * 100 * (1 - median) if median is not None and median < 1 else 0.0
    p95 = group.first_packet_p95_s
    latency = SCORE_POINTS_PER_LATENCY_S * p95 if p95 is not None else 0.0
    degraded = SCORE_POINTS_PER_DEGRADED_PCT * (group.degraded_pct or 0.0)
    sub = SCORE_POINTS_PER_SUB_LIKE_MAIN_PCT * 100 * len(group.sub_like_main) / group.with_sub \
        if group.with_sub else 0.0
    return Ranked(rank, kind, group, fps, latency, degraded, sub)


def ranking(kind: str, groups: Iterable[CapacityGroup]) -> list[Ranked]:
    """Groups with any figure (or degraded time), worst (highest score) first, ranks from 1."""
    scored = [score(kind, g) for g in groups if g.measured or g.degraded_s > 0]
    scored.sort(key=lambda r: (-r.score, r.group.name, r.group.key))
    return [Ranked(i, r.kind, r.group, r.fps_points, r.latency_points, r.degraded_points, r.sub_points)
            for i, r in enumerate(scored, start=1)]


def evaluate_capacity(data: CapacityInput, cameras: Sequence[Camera], districts: Sequence[GroupRow],
                      recorders: Sequence[GroupRow], network: Figures) -> Capacity | None:
    """The capacity section for the evaluated ``cameras`` (the scope), given the evaluation's
    district, recorder and network figures (for degraded time); None when no stream minute of
    these cameras was recorded in the period."""
    wanted = {c.id for c in cameras}
    minutes: Counter[str] = Counter()
    for t in data.streams:
        if t.camera_id in wanted:
            minutes[t.source] += t.minutes
    if not minutes:
        return None
    caps = camera_capacities(data, cameras)
    district_of = {c.id: c.district for c in cameras}
    recorder_of = {c.id: c.recorder_address for c in cameras}
    bins: dict[tuple[str, str], Counter[int]] = defaultdict(Counter)  # (kind, key) -> centis -> count
    opens: Counter[tuple[str, str, str]] = Counter()  # (kind, key, source)
    for b in data.latency:
        if b.camera_id not in wanted:
            continue
        for kind, key in (("district", district_of[b.camera_id]), ("recorder", recorder_of[b.camera_id]),
                          ("network", "")):
            bins[(kind, key)][b.centis] += b.count
            opens[(kind, key, b.source)] += b.count
    by_district: dict[str, list[CameraCapacity]] = defaultdict(list)
    by_recorder: dict[str, list[CameraCapacity]] = defaultdict(list)
    for cap in caps:
        by_district[cap.district].append(cap)
        by_recorder[cap.recorder].append(cap)

    def build(kind: str, key: str, name: str, members: list[CameraCapacity], figures: Figures | None):
        return group_capacity(key, name, members, bins.get((kind, key), Counter()),
                              opens[(kind, key, SOURCE_WALL)], opens[(kind, key, SOURCE_SAMPLE)], figures)

    district_groups = tuple(build("district", d.key, d.name, by_district.get(d.key, []), d.figures)
                            for d in districts)
    recorder_groups = tuple(build("recorder", r.key, r.name, by_recorder.get(r.key, []), r.figures)
                            for r in recorders)
    return Capacity(
        network=build("network", "", NETWORK_NAME, caps, network),
        districts=district_groups,
        recorders=recorder_groups,
        cameras=tuple(caps),
        ranking=tuple(ranking("recorder", recorder_groups) + ranking("district", district_groups)),
        minutes_wall=minutes[SOURCE_WALL],
        minutes_sample=minutes[SOURCE_SAMPLE],
    )
