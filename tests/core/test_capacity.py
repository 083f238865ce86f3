"""The capacity section worked out by hand on the evaluation scenario's stream minutes
(tests/support/eval_scenario.py: every number there is chosen to give round figures), the
"upgrade first" ranking and its score, degraded time counted apart from down time, and the
SQL reader equal to the pure definition over ``read_stream_minutes`` rows of a real journal."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from tests.support.eval_journal import write_journal
from tests.support.eval_scenario import CATALOG, DAY, DEGRADED_A_S, at, journal, outage, stream_minutes
from viewer.core.capacity import capacity_input_from_minutes, percentile, score
from viewer.core.capacity_model import CapacityGroup
from viewer.core.catalog import catalog_from_text
from viewer.core.evaluate import Scope, evaluate
from viewer.core.evaluation_model import CoverageRow, EvaluationInput
from viewer.core.journal import read_evaluation_input
from viewer.core.stream_minutes_store import read_stream_minutes


@pytest.fixture
def catalog():
    return catalog_from_text(CATALOG, "test.yaml")


def test_camera_figures_exact(local_tz, catalog):
    cap = evaluate(journal(), catalog).capacity
    cams = {c.camera_id: c for c in cap.cameras}
    a1, a2, a3, a4, b1, b2 = (cams[k] for k in ("a1", "a2", "a3", "a4", "b1", "b2"))
    assert (a1.main_kbps, a1.sub_kbps, a1.main_fps_ratio, a1.sub_fps_ratio) == (4000, 500, 1.0, 1.0)
    assert not a1.sub_like_main  # 500 < 0.8 × 4,000 and 360 lines
    assert (a2.main_kbps, a2.sub_kbps, a2.sub_like_main) == (4000, 3600, True)  # 3,600 >= 3,200
    assert (a3.main_kbps, a3.sub_kbps, a3.sub_fps_ratio) == (None, 400, 0.4)
    assert (a4.has_sub, a4.main_kbps, a4.main_fps_ratio, a4.sub_like_main) == (False, 2000, 0.6, False)
    assert (b1.main_kbps, b1.sub_kbps, b1.sub_fps_ratio, b1.sub_like_main) == (None, 2000, 1.0, True)  # 1080 lines
    assert (b2.main_kbps, b2.sub_kbps, b2.worst_fps_ratio) == (None, None, None)
    assert (cap.minutes_wall, cap.minutes_sample) == (4, 6)  # the minute before the period left out


def test_district_recorder_and_network_figures_exact(local_tz, catalog):
    ev = evaluate(journal(), catalog)
    cap = ev.capacity
    a, b = ({g.key: g for g in cap.districts}[k] for k in ("A", "B"))
    assert (a.cameras, a.with_sub, a.main_kbps, a.sub_kbps) == (4, 3, 10_000, 4500)
    assert (a.main_unknown, a.sub_unknown) == (("a3",), ())  # unknown, not zero
    assert (a.fps_ratio_median, a.fps_ratio_worst, a.fps_worst_camera, a.fps_streams) == (1.0, 0.4, "a3 sub", 6)
    assert a.fps_low == ("a3",)
    # first packets 0.3 0.5 0.8 1.0 1.2 2.5 3.0: p50 = rank 4, p95 = rank ceil(6.65) = 7
    assert (a.first_packet_p50_s, a.first_packet_p95_s) == (1.0, 3.0)
    assert (a.first_packets_wall, a.first_packets_sample) == (2, 5)
    assert (a.degraded_s, a.degraded_outages, a.covered_s) == (DEGRADED_A_S, 2, 669_600)
    assert a.sub_like_main == ("a2",)
    assert (b.main_kbps, b.main_unknown, b.sub_kbps, b.sub_unknown) == (None, ("b1", "b2"), 2000, ())
    assert (b.first_packet_p50_s, b.first_packet_p95_s, b.degraded_pct) == (0.6, 0.6, 0.0)

    recorders = {g.key: g for g in cap.recorders}
    assert set(recorders) == {"10.0.0.1:554", "nvr-b:554", "10.0.0.3:80"}
    assert recorders["10.0.0.1:554"] == replace(a, key="10.0.0.1:554", name="10.0.0.1:554")
    assert recorders["10.0.0.3:80"].main_unknown == ("b2",) and not recorders["10.0.0.3:80"].measured

    net = cap.network
    assert (net.cameras, net.main_kbps, net.sub_kbps, net.main_unknown) == (6, 10_000, 6500, ("a3", "b1", "b2"))
    assert (net.first_packet_p50_s, net.first_packet_p95_s, net.first_packets) == (0.8, 3.0, 8)
    assert (net.fps_ratio_median, net.fps_ratio_worst) == (1.0, 0.4)


def test_upgrade_first_ranking_and_its_numbers(local_tz, catalog):
    ranking = evaluate(journal(), catalog).capacity.ranking
    assert [(r.kind, r.rank, r.group.key) for r in ranking] == [
        ("recorder", 1, "nvr-b:554"), ("recorder", 2, "10.0.0.1:554"),  # 10.0.0.3:80: nothing measured
        ("district", 1, "B"), ("district", 2, "A")]
    b = ranking[2]
    assert (b.fps_points, b.latency_points, b.degraded_points, b.sub_points, b.score) == (0, 6, 0, 100, 106)
    a = ranking[3]
    assert (a.fps_points, a.latency_points) == (0, 30)
    assert a.degraded_points == pytest.approx(100 * DEGRADED_A_S / 669_600)
    assert a.sub_points == pytest.approx(100 / 3)
    assert a.score == pytest.approx(30 + 100 * DEGRADED_A_S / 669_600 + 100 / 3)


def test_score_parts_by_hand():
    group = CapacityGroup("r", "r", cameras=10, with_sub=4, main_kbps=0, sub_kbps=0, fps_ratio_median=0.6,
                          first_packet_p95_s=2.5, covered_s=1000, degraded_s=50, sub_like_main=("x",))
    ranked = score("recorder", group)
    assert (ranked.fps_points, ranked.latency_points, ranked.degraded_points, ranked.sub_points) == \
        pytest.approx((40, 25, 5, 25))
    assert ranked.score == pytest.approx(95)
    better = score("recorder", replace(group, fps_ratio_median=1.2))  # over-delivering is no bonus
    assert better.fps_points == 0


def test_nearest_rank_percentile():
    assert percentile(Counter({100: 1}), 95) == 1.0
    assert percentile(Counter({10: 19, 300: 1}), 95) == 0.1  # rank 19 of 20
    assert percentile(Counter({10: 18, 300: 2}), 95) == 3.0
    assert percentile(Counter(), 50) is None


def test_degraded_is_not_downtime(local_tz, catalog):
    """The same journal with and without degraded rows: identical availability, down time,
    outages, restore and acknowledgement times, daily series and incidents."""
    data = journal()
    without = replace(data, outages=tuple(o for o in data.outages if o.reason != "degraded"))
    with_degraded, plain = evaluate(data, catalog), evaluate(without, catalog)
    assert with_degraded.network.degraded_s == DEGRADED_A_S and plain.network.degraded_s == 0
    assert replace(with_degraded.network, degraded_s=0, degraded_outages=0) == plain.network
    assert with_degraded.daily == plain.daily and with_degraded.incidents == plain.incidents
    a2 = next(r for r in with_degraded.cameras if r.camera_id == "a2").figures
    assert (a2.degraded_s, a2.degraded_outages, a2.down_s) == (3598, 1, 7200)


def test_a_camera_only_degraded_is_fully_available(local_tz, catalog):
    data = EvaluationInput(at(2), at(3), at(3), (outage(1, "a1", "degraded", at(2, 6), None),),
                           (CoverageRow("a1", at(2), None),))
    a1 = evaluate(data, catalog, Scope(district="A")).cameras[0].figures
    assert (a1.availability_pct, a1.down_s, a1.outages, a1.open_outages, a1.restore_times_s) == (100.0, 0, 0, 0, ())
    assert (a1.degraded_s, a1.degraded_outages) == (DAY - 6 * 3600, 1)


def test_no_stream_minutes_means_no_capacity_section(local_tz, catalog):
    ev = evaluate(journal(with_capacity=False), catalog)
    assert ev.capacity is None
    assert evaluate(replace(journal(), capacity=capacity_input_from_minutes([])), catalog).capacity is None


def test_sql_reader_equals_the_definition_over_read_stream_minutes(tmp_path, local_tz, catalog):
    data = journal()
    path = write_journal(tmp_path / "j.sqlite3", data.outages, data.coverage, created_at=at(1),
                         stream_minutes=stream_minutes())
    read = read_evaluation_input(path, at(2), at(4), at(5))
    rows = read_stream_minutes(path, at(2), at(4))
    assert read.capacity == capacity_input_from_minutes(rows) == data.capacity
    assert evaluate(read, catalog).capacity == evaluate(data, catalog).capacity
    short = read_evaluation_input(path, at(3), at(4), at(5))  # through the minute index
    assert short.capacity == capacity_input_from_minutes(read_stream_minutes(path, at(3), at(4)))
    assert {s.camera_id for s in short.capacity.streams} == {"a3"}
