"""Network evaluation arithmetic, checked to the second on a hand-built journal.

Local time is UTC+7 (``local_tz``). The period is 2026-11-02 00:00 → 2026-11-04 00:00 (two
days, 172,800 s). District A has four cameras on recorder 10.0.0.1:554 that go down together
(one recorder incident), with overlapping rows from two sources, a coverage gap, an outage
still open and one that began before the period; district B has an unwatched camera (with a
``recorder:`` field) and one never seen online.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise

import pytest

from tests.support.eval_scenario import CATALOG, DAY, at, journal, outage
from tests.support.timezone import CET
from viewer.core.catalog import catalog_from_text
from viewer.core.evaluate import Scope, evaluate, merge_outages
from viewer.core.evaluate_daily import NETWORK, day_starts
from viewer.core.evaluation_model import EvaluationInput
from viewer.core.intervals import intersect, normalize, subtract, total


@pytest.fixture
def catalog():
    return catalog_from_text(CATALOG, "test.yaml")


def test_interval_arithmetic():
    a = normalize([(5, 10), (0, 3), (3, 4), (9, 12), (20, 20)])
    assert a == [(0, 4), (5, 12)]
    b = [(2, 6), (11, 30)]
    assert intersect(a, b) == [(2, 4), (5, 6), (11, 12)]
    assert subtract(a, b) == [(0, 2), (6, 11)]
    assert subtract([(0, 10)], [(0, 10)]) == []
    assert total(a) == 11


def test_overlapping_rows_of_one_camera_merge_and_touching_rows_do_not():
    rows = [outage(1, "c", "refused", 10, 20), outage(2, "c", "timeout", 15, 30, ack=12),
            outage(3, "c", "auth", 30, 40)]
    merged = merge_outages(rows)
    assert [(m.start, m.end, m.reason, m.acknowledged_at) for m in merged] == [
        (10, 30, "refused", 12), (30, 40, "auth", None)]
    assert merge_outages([outage(1, "c", "refused", 10, None), outage(2, "c", "timeout", 15, 30)])[0].end is None


def test_every_camera_figure_to_the_second(local_tz, catalog):
    result = evaluate(journal(), catalog)
    assert result.horizon == at(4) and result.period_s == 2 * DAY
    assert result.ignored_outages == 2  # "gone" and the disabled b9
    cams = {row.camera_id: row for row in result.cameras}
    assert list(cams) == ["a1", "a2", "a3", "a4", "b1", "b2"]

    a1 = cams["a1"].figures
    assert (a1.covered_s, a1.down_s, a1.up_s) == (2 * DAY, 1200, 2 * DAY - 1200)
    assert (a1.outages, a1.open_outages, a1.restore_times_s, a1.longest_outage_s) == (1, 0, (1200,), 1200)
    assert a1.down_by_reason_s == (("unreachable", 1200),)
    assert a1.acknowledge_times_s == (180,)

    a2 = cams["a2"].figures
    assert (a2.covered_s, a2.down_s, a2.up_s) == (2 * DAY - 21_600, 7200, 2 * DAY - 21_600 - 7200)
    assert a2.restore_times_s == (3600, 7200) and a2.longest_outage_s == 7200
    assert a2.down_by_reason_s == (("stalled", 3600), ("unreachable", 3600))  # stalled: only 18:00-19:00 watched

    a3 = cams["a3"].figures
    open_s = at(4) - at(2, 10, 0, 4)
    assert open_s == 136_796
    assert (a3.down_s, a3.up_s, a3.outages, a3.open_outages, a3.longest_outage_s) == (open_s, 2 * DAY - open_s, 1, 1,
                                                                                     open_s)
    assert a3.restore_times_s == () and a3.mttr_mean_s is None

    a4 = cams["a4"].figures
    assert (a4.down_s, a4.outages, a4.restore_times_s, a4.longest_outage_s) == (3630, 2, (10_800, 30), 10_800)
    assert a4.down_by_reason_s == (("auth", 3600), ("timeout", 30))
    assert a4.acknowledge_times_s == (3600,)

    b1, b2 = cams["b1"], cams["b2"]
    assert b1.recorder == "nvr-b:554" and b1.figures.covered_s == 0 and b1.figures.availability_pct is None
    assert b1.figures.unwatched == ("b1",) and b1.figures.never_online == ()
    assert (b2.figures.covered_s, b2.figures.up_s, b2.figures.down_s) == (21_600, 0, 21_600)
    assert b2.figures.never_online == ("b2",) and b2.figures.restore_times_s == (108_000,)


def test_district_recorder_and_network_figures(local_tz, catalog):
    result = evaluate(journal(), catalog)
    districts = {row.key: row for row in result.districts}
    a = districts["A"].figures
    up = (2 * DAY - 1200) + (2 * DAY - 21_600 - 7200) + (2 * DAY - 136_796) + (2 * DAY - 3630)
    assert (a.cameras, a.covered_s, a.up_s) == (4, 8 * DAY - 21_600, up)
    assert a.availability_pct == pytest.approx(100 * 520_774 / 669_600, abs=1e-12)
    assert a.covered_pct == pytest.approx(96.875)
    assert (a.outages, a.open_outages, a.longest_outage_s) == (6, 1, 136_796)
    assert sorted(a.restore_times_s) == [30, 1200, 3600, 7200, 10_800]
    assert (a.mttr_mean_s, a.mttr_median_s) == (4566, 3600)
    assert (a.acknowledged, a.tta_mean_s, a.tta_median_s) == (2, 1890, 1890)
    assert dict(a.down_by_reason_s) == {"unreachable": 1200 + 3600 + 136_796, "stalled": 3600, "auth": 3600,
                                        "timeout": 30}
    b = districts["B"].figures
    assert (b.unwatched, b.never_online, b.availability_pct) == (("b1",), ("b2",), 0.0)
    assert districts["A"].name == "Alpha"

    recorders = {row.key: row for row in result.recorders}
    assert set(recorders) == {"10.0.0.1:554", "nvr-b:554", "10.0.0.3:80"}
    assert recorders["10.0.0.1:554"].figures == a
    assert recorders["10.0.0.3:80"].districts == ("B",)

    net = result.network
    assert (net.cameras, net.covered_s, net.up_s, net.outages) == (6, 669_600 + 21_600, 520_774, 7)
    assert net.unknown_s == 12 * DAY - 691_200


def test_recorder_outage_is_one_incident(local_tz, catalog):
    (incident,) = evaluate(journal(), catalog).incidents
    assert incident.recorder == "10.0.0.1:554" and incident.districts == ("A",)
    assert incident.camera_ids == ("a1", "a2", "a3", "a4") and incident.cameras == 4
    assert incident.started_at == at(2, 10)
    assert incident.ended_at == at(2, 10, 20)  # half of the four have pictures again
    assert incident.last_restored_at is None  # a3 is still down
    assert incident.reason == "unreachable"


def test_daily_series_per_district_and_network(local_tz, catalog):
    daily = {(p.district, p.day): p for p in evaluate(journal(), catalog).daily}
    first, second = daily[("A", "2026-11-02")], daily[("A", "2026-11-03")]
    assert first.start == at(2) and second.start == at(3)
    assert (first.covered_s, first.up_s) == (324_000, 324_000 - 62_426)
    assert (second.covered_s, second.up_s) == (4 * DAY, 4 * DAY - DAY)
    assert (daily[("B", "2026-11-02")].covered_s, daily[("B", "2026-11-02")].up_s) == (21_600, 0)
    assert daily[("B", "2026-11-03")].availability_pct is None
    net = daily[(NETWORK, "2026-11-02")]
    assert (net.covered_s, net.up_s) == (345_600, 261_574)
    assert len(daily) == 6


def test_scope_by_district_and_group(local_tz, catalog):
    only_b = evaluate(journal(), catalog, Scope(district="B"))
    assert [r.camera_id for r in only_b.cameras] == ["b1", "b2"] and only_b.incidents == ()
    assert only_b.ignored_outages == 2  # "gone" and the disabled b9; district A's rows are just out of scope
    assert only_b.scope == "district B"
    north = evaluate(journal(), catalog, Scope(group="north"))  # a district's group
    assert [r.key for r in north.districts] == ["A"]
    atcs = evaluate(journal(), catalog, Scope(group="ATCS"))  # a camera's group
    assert [r.camera_id for r in atcs.cameras] == ["b2"]


def test_open_outage_counts_up_to_generated_at_when_the_period_is_not_over(local_tz, catalog):
    data = journal()
    now = at(3, 12)
    running = EvaluationInput(data.since, at(10), now, data.outages, data.coverage)
    result = evaluate(running, catalog)
    assert result.horizon == now
    a3 = next(r for r in result.cameras if r.camera_id == "a3").figures
    assert a3.longest_outage_s == now - at(2, 10, 0, 4) and a3.open_outages == 1


def test_days_follow_local_midnights_across_a_dst_change(local_tz):
    local_tz(CET)
    since = datetime(2026, 10, 24).timestamp()  # naive: local
    until = datetime(2026, 10, 27).timestamp()
    starts, names = day_starts(since, until)
    lengths = [b - a for a, b in pairwise(starts)]
    assert names == ["2026-10-24", "2026-10-25", "2026-10-26"]
    assert lengths == [DAY, DAY + 3600, DAY]  # the night summer time ends is 25 hours long


def test_normalize_within_equals_normalize_then_clip():
    import random

    from viewer.core.intervals import clip, normalize_within

    rng = random.Random(3)
    for _ in range(200):
        spans = [(a, a + rng.randint(0, 8)) for a in (rng.randint(-5, 40) for _ in range(rng.randint(0, 12)))]
        assert normalize_within(spans, 0, 30) == clip(normalize(spans), 0, 30)


def test_every_table_has_its_declared_columns(local_tz, catalog):
    from viewer.core.evaluate_tables import TABLES, columns_of, render_csv, table

    ev = evaluate(journal(), catalog)
    for name in TABLES:
        records = table(ev, name)
        assert records and all(list(r) == columns_of(name) for r in records), name
    empty = evaluate(EvaluationInput(at(2), at(3), at(5), (), ()), catalog, Scope(district="B"))
    assert render_csv(table(empty, "incidents"), columns_of("incidents")).startswith("recorder,districts,started_at")
