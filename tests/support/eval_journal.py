"""Journals for the network evaluation's tests and benchmark, written as real SQLite files.

:func:`write_journal` stores hand-built :class:`OutageRow`/:class:`CoverageRow` rows in a
journal created by :class:`viewer.core.journal.Journal` (the real schema, then plain
INSERTs: fast enough for a year of a city). :func:`generate_city` makes a catalog and a
year of outages and coverage for thousands of cameras, the same for every seed;
:func:`generate_stream_minutes` the capacity section's stream minutes for it.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from viewer.core.evaluation_model import CoverageRow, OutageRow
from viewer.core.journal import Journal
from viewer.core.stream_figures import StreamMinute

#: max_gap_s of generated coverage rows: large, so open rows count as watched up to "now".
_LONG_GAP_S = 1e9


def write_journal(path: Path, outages: Iterable[OutageRow], coverage: Iterable[CoverageRow],
                  district_of: dict[str, str] | None = None, created_at: float = 0.0,
                  stream_minutes: Iterable[StreamMinute] = ()) -> Path:
    """A journal holding exactly these rows (coverage of source ``"wall"``); stream minutes
    go through :meth:`Journal.add_stream_minutes`, as the wall and the sampler write them."""
    journal = Journal(path, now=created_at)
    journal.add_stream_minutes(stream_minutes)
    journal.close()
    district_of = district_of or {}
    db = sqlite3.connect(path)
    with db:
        db.executemany(
            "INSERT INTO outages (camera_id, camera_name, district, reason, detail, started_at, ended_at, source,"
            " acknowledged_at, acknowledged_by, ack_note) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            ((o.camera_id, o.camera_id, district_of.get(o.camera_id, ""), o.reason, o.detail, o.started_at,
              o.ended_at, o.source, o.acknowledged_at, o.acknowledged_by, o.ack_note) for o in outages),
        )
        db.executemany(
            "INSERT INTO coverage (camera_id, source, started_at, seen_at, ended_at, max_gap_s)"
            " VALUES (?, 'wall', ?, ?, ?, ?)",
            ((c.camera_id, c.started_at, c.started_at if c.ended_at is None else c.ended_at, c.ended_at, _LONG_GAP_S)
             for c in coverage),
        )
    db.close()
    return path


@dataclass
class City:
    catalog_yaml: str
    outages: list[OutageRow]
    coverage: list[CoverageRow]
    district_of: dict[str, str]


def generate_city(cameras: int, outages: int, since: float, days: int, seed: int = 1,
                  cameras_per_recorder: int = 16, districts: int = 30, substreams: bool = False) -> City:
    """``cameras`` cameras on recorders of ``cameras_per_recorder``, in ``districts`` districts;
    about ``outages`` outages over ``days`` days from ``since`` (a tenth of them recorder-wide
    network outages), acknowledgements on half; each camera watched in runs of 1-14 days
    with gaps of up to a day (the app closed). ``substreams``: every camera has one too."""
    rng = random.Random(seed)
    until = since + days * 86_400.0
    names = [f"d{n:02d}" for n in range(districts)]
    lines = ["version: 1", "districts:"] + [f"  - {{id: {d}, name: Kecamatan {d}}}" for d in names] + ["cameras:"]
    district_of: dict[str, str] = {}
    recorder_of: dict[str, int] = {}
    for i in range(cameras):
        recorder = i // cameras_per_recorder
        cam = f"cam-{i:05d}"
        district_of[cam] = names[recorder % districts]
        recorder_of[cam] = recorder
        url = f"rtsp://10.{recorder // 250}.{recorder % 250}.1/ch{i % cameras_per_recorder}"
        sub = f", substream: '{url}s'" if substreams else ""
        lines.append(f"  - {{id: {cam}, name: Kamera {i}, district: {district_of[cam]}, url: '{url}'{sub}}}")
    reasons = ("refused", "unreachable", "timeout", "stalled", "ended", "auth", "not_found", "frozen_image")
    rows: list[OutageRow] = []
    ids = list(district_of)
    by_recorder: dict[int, list[str]] = {}
    for cam, rec in recorder_of.items():
        by_recorder.setdefault(rec, []).append(cam)
    last_end: dict[str, float] = {}

    def add(cam: str, start: float, length: float, reason: str) -> None:
        if start < last_end.get(cam, -1.0):
            return  # the journal holds one open outage per camera: skip overlaps
        end = start + length
        ack = start + rng.uniform(30, 3600) if rng.random() < 0.5 and length > 60 else None
        rows.append(OutageRow(len(rows) + 1, cam, reason, start, None if end > until else end, "wall",
                              acknowledged_at=ack if ack is None or ack < end else None,
                              acknowledged_by="operator" if ack is not None and ack < end else None))
        last_end[cam] = end

    events: list[tuple[float, str, float, str]] = []
    for _ in range(outages // 160):  # recorder-wide outages (~16 cameras each): ~10 %
        cams = by_recorder[rng.randrange(len(by_recorder))]
        start = since + rng.uniform(0, days * 86_400.0)
        length = rng.expovariate(1 / 3600)
        reason = rng.choice(reasons[:3])
        events += [(start + rng.uniform(0, 5), cam, length + rng.uniform(0, 60), reason) for cam in cams]
    for _ in range(outages - len(events)):
        events.append((since + rng.uniform(0, days * 86_400.0), rng.choice(ids), rng.expovariate(1 / 1800),
                       rng.choice(reasons)))
    for start, cam, length, reason in sorted(events):
        add(cam, start, max(1.0, length), reason)
    coverage: list[CoverageRow] = []
    for cam in ids:
        t = since - rng.uniform(0, 86_400)
        while t < until:
            run = rng.uniform(1, 14) * 86_400
            end = t + run
            coverage.append(CoverageRow(cam, t, None if end >= until else end))
            t = end + rng.uniform(0, 86_400)
    return City("\n".join(lines) + "\n", rows, coverage, district_of)


def generate_stream_minutes(city: City, until: float, days: float, sample_every_s: float = 3600.0,
                            wall_tiles: int = 16, seed: int = 1) -> Iterator[list[StreamMinute]]:
    """Stream minutes of the ``days`` before ``until``, in time order (as the wall and the
    sampler write them), in batches of about one hour: every camera's sub-stream sampled
    once per ``sample_every_s`` (5 s, 512-1,024 kbit/s, 15-25 fps nominal, first packet
    around a per-recorder mean) and ``wall_tiles`` cameras playing continuously on the wall.
    About one camera in 40 is starved (45 % of its frames) and one in 50 has a 1080p
    "sub-stream" (generate the city with ``substreams=True``); main streams are never measured."""
    rng = random.Random(seed)
    cams = sorted(city.district_of)
    recorder_mean = {i: 0.3 + 2.5 * rng.random() ** 3 for i in range(len(cams) // 16 + 1)}
    profile = {}
    for i, cam in enumerate(cams):
        fps = rng.choice((15.0, 20.0, 25.0))
        kbps = rng.uniform(512, 1024) if rng.random() > 0.02 else rng.uniform(3000, 6000)
        ratio = 0.45 if rng.random() < 0.025 else rng.uniform(0.95, 1.0)
        profile[cam] = (fps, kbps, ratio, recorder_mean[i // 16], 1080 if kbps > 2000 else 360)
    start = until - days * 86_400.0
    start -= start % 60
    wall = cams[:wall_tiles]
    t = start
    while t < until:
        batch: list[StreamMinute] = []
        for minute in range(60):
            at = t + minute * 60
            if at >= until:
                break
            for cam in wall:
                fps, kbps, ratio, _, height = profile[cam]
                batch.append(StreamMinute(cam, "sub", "wall", at, 60.0, int(kbps * 1000 / 8 * 60),
                                          int(60 * fps * ratio), 30, fps, "h264", 640, height))
        for i, cam in enumerate(cams):  # each camera once per sample_every_s, spread over the hour
            offset = (i * sample_every_s / len(cams)) // 60 * 60
            at = t + offset
            if at >= until or (t - start) % sample_every_s >= 3600:
                continue
            fps, kbps, ratio, latency, height = profile[cam]
            first = max(0.05, rng.gauss(latency, 0.15))
            batch.append(StreamMinute(cam, "sub", "sample", at, 5.0, int(kbps * 1000 / 8 * 5), int(5 * fps * ratio),
                                      2, fps, "h264", 640, height, round(first, 3), 1))
        batch.sort(key=lambda m: m.minute)
        yield batch
        t += 3600.0
