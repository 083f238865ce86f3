"""The pure sweep parts: results, summaries, exports, the monitoring snapshot, pacing, journal decisions."""

from __future__ import annotations

import csv
import dataclasses
import io
import itertools
import json

import pytest

from viewer.core.catalog import catalog_from_text
from viewer.core.catalog_model import insert_credentials
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult, sweep_result, sweep_targets
from viewer.core.sweep_report import (
    COLUMNS,
    HEALTH_DEGRADED,
    HEALTH_DOWN,
    HEALTH_OK,
    HEALTH_UNKNOWN,
    DistrictSummary,
    district_summaries,
    fleet_checked_since,
    render_csv,
    render_json,
    render_summary,
    render_table,
    status_snapshot,
)
from viewer.core.sweep_schedule import SweepScheduler

CATALOG = """\
version: 1
districts:
  - id: north
    name: North Side
  - id: south
    name: South Side
  - id: empty
    name: Nobody Here
cameras:
  - {id: n1, name: "N one", district: north, url: "rtsp://10.0.0.1/a"}
  - {id: n2, name: "N two", district: north, url: "rtsp://admin:Pa55word@10.0.0.2/a"}
  - {id: n3, name: "N three", district: north, url: "rtsp://10.0.0.3/a"}
  - {id: n4, name: "N off", district: north, url: "rtsp://10.0.0.4/a", enabled: false}
  - {id: s1, name: "S one", district: south, url: "http://10.0.1.1/v"}
  - {id: s2, name: "S two", district: south, url: "http://10.0.1.2/v"}
"""
T0 = 1_764_300_000.0  # 2025-11-28 03:20:00 UTC


@pytest.fixture
def catalog():
    return catalog_from_text(CATALOG, "cat.yaml", env={})


def result(camera_id: str, reason: Reason = Reason.OK, at: float = T0, district: str = "north") -> SweepResult:
    return SweepResult(camera_id, f"Cam {camera_id}", district, f"rtsp://h/{camera_id}", reason, 12.34, at)


# --- results and targets ---------------------------------------------------------------------


def test_targets_are_the_enabled_cameras_optionally_of_one_district(catalog):
    assert [c.id for c in sweep_targets(catalog)] == ["n1", "n2", "n3", "s1", "s2"]
    assert [c.id for c in sweep_targets(catalog, "north")] == ["n1", "n2", "n3"]
    with pytest.raises(KeyError):
        sweep_targets(catalog, "west")


def test_sweep_result_never_holds_a_password(catalog):
    camera = catalog.camera("n2")
    made = sweep_result(camera, Reason.AUTH, 5.0, T0, "RTSP 401")
    assert "Pa55word" not in repr(made)
    assert made.url_masked == "rtsp://10.0.0.2/a"
    raw = insert_credentials(camera.url, camera.username, camera.password)
    assert "Pa55word" in raw  # the helper would leak it ...
    assert "Pa55word" not in sweep_result(dataclasses.replace(camera, url=raw), Reason.OK, 1, T0).url_masked


def test_down_since_is_carried_through_a_run_of_failures():
    first = result("n1", Reason.REFUSED, T0).after(None)
    assert first.down_since == T0
    second = result("n1", Reason.TIMEOUT, T0 + 60).after(first)
    assert second.down_since == T0  # another reason, same outage
    back = result("n1", Reason.OK, T0 + 120).after(second)
    assert back.down_since is None
    again = result("n1", Reason.AUTH, T0 + 180).after(back)
    assert again.down_since == T0 + 180


# --- summaries -------------------------------------------------------------------------------


def test_summarize_counts_enabled_cameras_per_district_in_catalog_order(catalog):
    results = {
        "n1": result("n1"),
        "n2": result("n2", Reason.AUTH),
        "n4": result("n4", Reason.REFUSED),  # disabled: ignored
        "gone": result("gone", Reason.REFUSED),  # not in the catalog: ignored
        "s1": result("s1", Reason.REFUSED, district="south"),
        "s2": result("s2", Reason.TIMEOUT, district="south"),
    }
    north, south, empty = district_summaries(catalog, results)
    assert (north.district_id, north.name, north.online, north.total, north.reasons) == (
        "north", "North Side", 1, 3, {Reason.AUTH: 1}
    )  # fmt: skip
    assert north.checked_count == 2 and north.health == HEALTH_DEGRADED
    assert (south.online, south.total, south.reasons) == (0, 2, {Reason.REFUSED: 1, Reason.TIMEOUT: 1})
    assert south.health == HEALTH_DOWN
    assert (empty.total, empty.health) == (0, HEALTH_UNKNOWN)
    assert district_summaries(catalog, list(results.values()), district="south") == [south]


@pytest.mark.parametrize(
    ("online", "reasons", "checked", "health"),
    [
        (0, {}, 0, HEALTH_UNKNOWN),
        (14, {}, None, HEALTH_OK),
        (3, {}, 3, HEALTH_OK),  # 11 not checked yet, none down
        (12, {Reason.REFUSED: 1, Reason.AUTH: 1}, None, HEALTH_DEGRADED),
        (7, {Reason.REFUSED: 7}, None, HEALTH_DEGRADED),  # exactly half: not > 50 %
        (6, {Reason.REFUSED: 8}, None, HEALTH_DOWN),
        (0, {Reason.TIMEOUT: 1}, None, HEALTH_DOWN),  # all (checked) down
    ],
)
def test_health_thresholds(online, reasons, checked, health):
    assert DistrictSummary("d", "D", online, 14, reasons, checked).health == health


def test_top_reasons_most_first_ties_in_vocabulary_order():
    summary = DistrictSummary("d", "D", 1, 9, {Reason.AUTH: 2, Reason.REFUSED: 2, Reason.TIMEOUT: 4})
    assert summary.top_reasons(2) == [(Reason.TIMEOUT, 4), (Reason.REFUSED, 2)]


def test_render_summary_lines(catalog):
    text = render_summary(district_summaries(catalog, {"n1": result("n1"), "n2": result("n2", Reason.AUTH)}))
    lines = text.splitlines()
    assert lines[0].split() == ["DISTRICT", "ONLINE", "NOT", "OK"]
    assert lines[1].split() == ["north", "1/3", "auth", "1,", "unchecked", "1"]
    assert lines[2].split() == ["south", "0/2", "unchecked", "2"]


# --- exports ---------------------------------------------------------------------------------


def test_csv_has_exactly_the_columns_and_local_iso_times(local_tz):
    rows = [result("n1"), result("n2", Reason.AUTH, T0 + 1.6)]
    text = render_csv(rows)
    assert text.splitlines()[0] == "camera_id,camera_name,district,url,reason,latency_ms,checked_at"
    parsed = list(csv.DictReader(io.StringIO(text)))
    assert parsed[1] == {
        "camera_id": "n2",
        "camera_name": "Cam n2",
        "district": "north",
        "url": "rtsp://h/n2",
        "reason": "auth",
        "latency_ms": "12.3",
        "checked_at": "2025-11-28T10:20:01+07:00",
    }


def test_json_is_a_list_of_records_with_the_columns(local_tz):
    data = json.loads(render_json([result("n1", Reason.NO_VIDEO)]))
    assert list(data[0]) == list(COLUMNS)
    assert data[0]["reason"] == "no_video" and data[0]["checked_at"] == "2025-11-28T10:20:00+07:00"
    assert data[0]["latency_ms"] == 12.3


def test_exports_mask_a_password_left_in_a_url():
    leaky = SweepResult("x", "X", "d", "rtsp://u:hunter2@h/x", Reason.OK, 1.0, T0)
    for text in (render_csv([leaky]), render_json([leaky]), render_table([leaky])):
        assert "hunter2" not in text and "u:***@h" in text


def test_table_lists_not_ok_first_and_aligns():
    rows = [result("a1"), result("b2", Reason.TIMEOUT), result("c3"), result("d4", Reason.REFUSED)]
    lines = render_table(rows).splitlines()
    assert [line.split()[0] for line in lines] == ["CAMERA", "d4", "b2", "a1", "c3"]
    assert len({line.index("REASON") if i == 0 else None for i, line in enumerate(lines)}) == 2
    reason_col = lines[0].index("REASON")
    assert all(line[reason_col:].split()[0] in ("refused", "timeout", "ok") for line in lines[1:])
    assert render_table([]) == "no cameras\n"


# --- monitoring snapshot ---------------------------------------------------------------------


def test_status_snapshot(catalog, local_tz):
    down = result("s1", Reason.REFUSED, T0 + 60, "south").after(result("s1", Reason.REFUSED, T0, "south"))
    results = {"n1": result("n1"), "s1": down, "n4": result("n4", Reason.AUTH)}
    snap = status_snapshot(catalog, results, flagged_tiles=2, now=T0 + 61, last_sweep_at=T0)
    assert snap["generated_at"] == "2025-11-28T10:21:01+07:00"
    assert snap["flagged_tiles"] == 2 and snap["last_sweep_timestamp_s"] == T0
    south = {"id": "south", "name": "South Side", "online": 0, "total": 2, "reasons": {"refused": 1}}
    assert snap["districts"][1] == south
    assert snap["cameras_offline"] == [
        {"id": "s1", "name": "Cam s1", "district": "south", "reason": "refused", "since": "2025-11-28T10:20:00+07:00"}
    ]
    json.dumps(snap)  # serialisable as it is


def test_fleet_checked_since_is_the_oldest_result_once_all_are_in(catalog):
    results = {c: result(c, at=T0 + n) for n, c in enumerate(["n1", "n2", "n3", "s1"])}
    assert fleet_checked_since(catalog, results) is None
    results["s2"] = result("s2", at=T0 + 9)
    assert fleet_checked_since(catalog, results) == T0


# --- scheduler -------------------------------------------------------------------------------


def drain(scheduler: SweepScheduler, start: float, until: float, step: float, limit: int = 1000):
    """Call take() every ``step`` s; finish each probe at once. Returns [(time, camera)]."""
    started = []
    now = start
    while now < until:
        for camera in scheduler.take(now, limit):
            started.append((now, camera))
            scheduler.finished(camera, now, now)
        now = round(now + step, 6)
    return started


def test_first_pass_at_once_paced_then_each_camera_once_per_interval():
    cams = [f"c{i}" for i in range(20)]
    scheduler = SweepScheduler(interval_s=10.0, max_probes_per_s=10.0)
    scheduler.set_cameras(cams, now=0.0)
    started = drain(scheduler, 0.0, 25.0, 0.01)
    first = [t for t, _ in started[:20]]
    assert sorted(c for _, c in started[:20]) == sorted(cams)
    assert first[-1] == pytest.approx(1.9, abs=0.02)  # 20 probes at 10/s: one every 0.1 s
    gaps = [b - a for a, b in itertools.pairwise(first)]
    assert min(gaps) >= 0.09  # evenly spaced, no burst
    by_camera: dict[str, list[float]] = {}
    for t, c in started:
        by_camera.setdefault(c, []).append(t)
    for times in by_camera.values():
        assert len(times) == 3  # t, t + 10, t + 20
        assert all(b - a == pytest.approx(10.0, abs=0.02) for a, b in itertools.pairwise(times))


def test_take_respects_the_limit_of_free_slots_and_due_times():
    scheduler = SweepScheduler(interval_s=5.0, max_probes_per_s=1000.0)
    scheduler.set_cameras(["a", "b", "c"], now=0.0)
    assert len(scheduler.take(0.0, 2)) == 2 and scheduler.in_flight == 2
    assert scheduler.take(0.001, 0) == []
    assert scheduler.take(0.002, 5) == ["c"]
    assert scheduler.take(0.003, 5) == []
    assert scheduler.next_wakeup(0.003) is None  # all in flight
    scheduler.finished("a", 0.0, 1.0)
    assert scheduler.next_wakeup(1.0) == pytest.approx(5.0)
    assert scheduler.take(4.9, 5) == [] and scheduler.take(5.0, 5) == ["a"]


def test_request_all_makes_everything_due_now_including_probes_in_flight():
    scheduler = SweepScheduler(interval_s=60.0, max_probes_per_s=1000.0)
    scheduler.set_cameras(["a", "b"], now=0.0)
    assert scheduler.take(0.0, 1) == ["a"]
    scheduler.finished("a", 0.0, 0.5)
    assert scheduler.take(1.0, 5) == ["b"]  # b in flight
    scheduler.request_all(2.0)
    assert scheduler.take(2.0, 5) == ["a"]
    scheduler.finished("b", 1.0, 3.0)  # asked for again while in flight: due at once
    assert scheduler.take(3.0, 5) == ["b"]


def test_set_cameras_adds_due_now_and_forgets_dropped_ones():
    scheduler = SweepScheduler(interval_s=60.0, max_probes_per_s=1000.0)
    scheduler.set_cameras(["a", "b"], now=0.0)
    assert sorted(scheduler.take(0.0, 5)) == ["a", "b"]
    scheduler.finished("a", 0.0, 0.1)
    scheduler.set_cameras(["a", "c"], now=1.0)  # b dropped while in flight
    scheduler.finished("b", 0.0, 1.5)
    assert scheduler.in_flight == 0
    assert scheduler.take(1.5, 5) == ["c"]
    assert scheduler.take(59.9, 5) == [] and scheduler.take(60.0, 5) == ["a"]


def test_a_fleet_too_big_for_the_interval_is_logged(caplog):
    scheduler = SweepScheduler(interval_s=10.0, max_probes_per_s=5.0)
    scheduler.set_cameras([f"c{i}" for i in range(100)], now=0.0)
    assert "need 20 s per pass" in caplog.text


def test_scheduler_rejects_nonsense():
    with pytest.raises(ValueError):
        SweepScheduler(0, 10)
    with pytest.raises(ValueError):
        SweepScheduler(10, 0)
