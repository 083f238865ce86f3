"""Pure monitor logic: shards, recorders, pacing, state changes, the scrape view."""

from __future__ import annotations

import pytest

from viewer.core.catalog import catalog_from_text
from viewer.core.monitor_model import (
    MIN_PROBES_PER_S,
    NO_RECORDER,
    Shard,
    StateTracker,
    camera_rows,
    monitored_cameras,
    pacing_for,
    recorder_of,
    shard_of,
)
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult

CATALOG = """version: 1
districts:
  - {id: a, name: A}
  - {id: b, name: B}
cameras:
""" + "".join(
    f"  - {{id: c{i}, name: C{i}, district: {'a' if i % 3 else 'b'}, url: 'rtsp://10.0.0.{i % 4}:554/x{i}'}}\n"
    for i in range(300)
) + "  - {id: f1, name: F, district: a, url: 'file:///tmp/x.ts'}\n  - {id: v6, name: V, district: a, url: 'http://[fe80::1]:8080/v'}\n"


def catalog():
    return catalog_from_text(CATALOG, "t.yaml", env={})


def test_shard_parse():
    assert Shard.parse("1/3") == Shard(1, 3) and str(Shard(1, 3)) == "1/3"
    for bad in ("3/3", "-1/2", "1", "a/b", "0/0", "1/2/3"):
        with pytest.raises(ValueError):
            Shard.parse(bad)


def test_shards_are_stable_and_partition_the_fleet_exactly_once():
    # fixed values: the hash must never change between versions, machines or runs
    assert [shard_of(x, 1000) for x in ("cam-1", "kamera-Σ", "")] == [653, 806, 876]
    cams = catalog()
    for n in (2, 3, 7):
        parts = [monitored_cameras(cams, Shard(k, n)) for k in range(n)]
        ids = [c.id for part in parts for c in part]
        assert sorted(ids) == sorted(c.id for c in cams.cameras) and len(ids) == len(set(ids))
        assert all(len(p) > 302 / n / 2 for p in parts)  # roughly even
    assert [c.id for c in monitored_cameras(cams, districts=["b"])] == [f"c{i}" for i in range(0, 300, 3)]
    with pytest.raises(KeyError):
        monitored_cameras(cams, districts=["nowhere"])


def test_shard_values_are_the_documented_blake2b():
    import hashlib

    digest = hashlib.blake2b(b"cam-1", digest_size=8).digest()
    assert shard_of("cam-1", 1000) == int.from_bytes(digest, "big") % 1000


def test_recorder_is_host_and_port():
    cams = {c.id: c for c in catalog().cameras}
    assert recorder_of(cams["c5"]) == "10.0.0.1:554"
    assert recorder_of(cams["f1"]) == NO_RECORDER
    assert recorder_of(cams["v6"]) == "[fe80::1]:8080"
    row = camera_rows([cams["c5"]])[0]
    assert row.labels == {"camera_id": "c5", "district": "a", "group": "", "recorder": "10.0.0.1:554"}


def test_pacing_keeps_the_promise():
    pacing = pacing_for(100_000, 60.0, 4.0, 512)
    assert pacing.interval_s == pytest.approx(50.0)
    assert pacing.max_probes_per_s * pacing.interval_s >= 100_000 * 1.2
    assert pacing_for(3, 60.0, 4.0, 8).max_probes_per_s == MIN_PROBES_PER_S
    with pytest.raises(ValueError):
        pacing_for(10, 4.0, 4.0, 8)


def result(cid: str, reason: Reason, at: float = 0.0) -> SweepResult:
    return SweepResult(cid, cid, "a", "rtsp://h/", reason, 1.0, at, detail="why")


def test_state_tracker_reports_changes_only():
    tracker = StateTracker()
    first = tracker.update([result("x", Reason.OK), result("y", Reason.REFUSED)])
    assert [(c.camera_id, c.before, c.after) for c in first] == [("y", None, Reason.REFUSED)]
    assert "is down at start: refused" in first[0].describe()
    assert tracker.update([result("x", Reason.OK), result("y", Reason.REFUSED)]) == []
    again = tracker.update([result("x", Reason.TIMEOUT), result("y", Reason.AUTH)])
    assert [c.describe() for c in again] == [
        "camera x (a) is down: timeout (why)",
        "camera y (a) still down, now auth (why)",
    ]
    back = tracker.update([result("x", Reason.OK)])
    assert back[0].describe() == "camera x (a) is up again (was timeout)"
    tracker.keep_only(["y"])
    assert tracker.update([result("x", Reason.OK)]) == []  # forgotten: a first ok is silent
