"""The sweep's summaries, exports and /status.json document (viewer.core.sweep_report)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.support.sweep_data import T0, result, sweep_catalog
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult
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


@pytest.fixture
def catalog():
    return sweep_catalog()


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
