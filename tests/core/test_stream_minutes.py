"""Per-minute stream figures: aggregation (pure) and storage in the journal (schema 3)."""

from __future__ import annotations

import sqlite3

import pytest

from viewer.core.journal import Journal
from viewer.core.journal_schema import SCHEMA_VERSION, coverage_since
from viewer.core.stream_figures import (
    MINUTE_S,
    SOURCE_SAMPLE,
    SOURCE_WALL,
    STREAM_SUB,
    MinuteAggregator,
    StreamSample,
    minute_of,
)
from viewer.core.stream_minutes_store import read_stream_minutes

T0 = 1_764_806_400.0  # 2025-12-04 00:00:00 UTC, a minute boundary


def sample(at: float, seconds: float = 5.0, frames: int = 125, nbytes: int = 320_000, **kw) -> StreamSample:
    base = dict(camera_id="cam-1", stream=STREAM_SUB, source=SOURCE_WALL, started_at=at, seconds=seconds,
                bytes=nbytes, frames=frames, keyframes=2, nominal_fps=25.0, codec="h264", width=640, height=360)
    base.update(kw)
    return StreamSample(**base)


def test_sample_derived_figures() -> None:
    s = sample(T0, seconds=4.0, frames=40, nbytes=500_000, keyframes=1)
    assert s.bitrate_kbps == pytest.approx(1000.0)
    assert s.fps == pytest.approx(10.0)
    assert s.keyframe_interval_s == pytest.approx(4.0)
    assert sample(T0, seconds=0.0).fps is None


def test_aggregator_sums_per_minute_and_drains_finished_minutes_only() -> None:
    agg = MinuteAggregator(grace_s=10.0)
    for i in range(12):  # one full minute of 5 s deltas
        agg.add(sample(T0 + 5 * i, first_packet_s=0.8 if i == 0 else None))
    agg.add(sample(T0 + 60, first_packet_s=2.5))  # next minute
    agg.add(sample(T0 + 61, first_packet_s=1.5))
    assert agg.drain(T0 + 65) == []  # the first minute is within its grace period
    (first,) = agg.drain(T0 + 70)
    assert (first.minute, first.seconds, first.frames, first.bytes, first.opens) == (T0, 60.0, 1500, 3_840_000, 1)
    assert first.fps == pytest.approx(25.0) and first.fps_ratio == pytest.approx(1.0)
    assert first.bitrate_kbps == pytest.approx(512.0)
    assert first.first_packet_s == 0.8
    (second,) = agg.flush()
    assert second.minute == T0 + MINUTE_S and second.first_packet_s == 2.5 and second.opens == 2
    assert len(agg) == 0


def test_aggregator_keeps_sources_and_streams_apart() -> None:
    agg = MinuteAggregator()
    agg.add(sample(T0 + 1))
    agg.add(sample(T0 + 2, source=SOURCE_SAMPLE))
    agg.add(sample(T0 + 3, stream="main"))
    assert len(agg.flush()) == 3


def test_minute_of() -> None:
    assert minute_of(T0 + 59.9) == T0 and minute_of(T0 + 60) == T0 + 60


def test_journal_stores_adds_and_prunes_stream_minutes(tmp_path) -> None:
    path = tmp_path / "journal.sqlite"
    journal = Journal(path, now=T0)
    agg = MinuteAggregator()
    agg.add(sample(T0 + 1, first_packet_s=0.5))
    assert journal.add_stream_minutes(agg.flush()) == 1
    agg.add(sample(T0 + 30, first_packet_s=1.2))  # same minute, written later: adds
    agg.add(sample(T0 + 3600, camera_id="cam-2"))
    journal.add_stream_minutes(agg.flush())
    rows = read_stream_minutes(path, T0, T0 + 7200)
    assert [(r.camera_id, r.minute, r.frames, r.seconds, r.first_packet_s, r.opens) for r in rows] == [
        ("cam-1", T0, 250, 10.0, 1.2, 2), ("cam-2", T0 + 3600, 125, 5.0, None, 0)]
    assert read_stream_minutes(path, T0, T0 + 7200, camera_ids={"cam-2"})[0].codec == "h264"
    assert journal.prune_stream_minutes(T0 + 60) == 1
    assert [r.camera_id for r in journal.stream_minutes(T0, T0 + 7200)] == ["cam-2"]
    journal.close()


def test_schema_2_journal_migrates_to_3_and_keeps_coverage_start(tmp_path) -> None:
    path = tmp_path / "old.sqlite"
    journal = Journal(path, now=T0)
    journal.close()
    db = sqlite3.connect(path)  # make it look like a schema-2 journal written by the last release
    db.executescript("DROP TABLE stream_minutes; DELETE FROM events; "
                     f"INSERT INTO events (kind, detail, at) VALUES ('schema', '2', {T0}); PRAGMA user_version = 2;")
    db.close()
    Journal(path, now=T0 + 100).close()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert coverage_since(db) == T0  # coverage has been recorded since schema 2, not since 3
    db.close()
    assert read_stream_minutes(path, 0, T0 * 2) == []
