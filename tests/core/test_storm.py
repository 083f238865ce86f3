"""Storm control: many network failures of one recorder or district become one outage."""

from __future__ import annotations

import itertools

import pytest

from viewer.core.reasons import Reason
from viewer.core.storm import Storm, StormDetector

NVR = "10.20.4.2"
DISTRICTS = {"smg-utara": "Semarang Utara", "tugu": "Tugu"}


def fail_all(det: StormDetector, keys, host=NVR, district="smg-utara", reason=Reason.UNREACHABLE, start=0.0, step=0.05):
    for i, key in enumerate(keys):
        det.feed_failed(key, host, district, reason, start + i * step)


def test_sixteen_feeds_of_one_recorder_failing_within_a_second_make_one_storm():
    det = StormDetector(min_feeds=4, window_s=10.0)
    feeds = [f"cam{i:02d}" for i in range(16)]
    fail_all(det, feeds[:3])
    assert det.storms(0.2) == []  # three is not a storm yet
    fail_all(det, feeds[3:], start=0.15)
    storms = det.storms(1.0)
    assert len(storms) == 1
    storm = storms[0]
    assert storm == Storm(NVR, ("smg-utara",), tuple(feeds), Reason.UNREACHABLE, 0.0, (NVR,))
    assert det.storm_of("cam07") == storm
    assert det.summary(storm, DISTRICTS) == "Semarang Utara: recorder 10.20.4.2 unreachable, 16 cameras"


def test_one_return_probe_per_recorder_at_a_time():
    det = StormDetector(min_feeds=4, probe_interval_s=1.0)
    feeds = [f"cam{i:02d}" for i in range(16)]
    fail_all(det, feeds)
    # every member's jittered return probe comes due within the same second
    allowed = [k for i, k in enumerate(feeds) if det.probe_owner(k, NVR, 3.0 + i * 0.05)]
    assert allowed == ["cam00"]
    assert det.probes_skipped == 15
    # the next second's first asker probes for everyone; a still-down answer changes nothing
    assert det.probe_result("cam00", Reason.UNREACHABLE, 4.0) is None
    assert not det.probe_owner("cam00", NVR, 3.9)
    assert det.probe_owner("cam09", NVR, 4.0)
    assert not det.probe_owner("cam00", NVR, 4.2)
    # a feed outside any storm always probes for itself
    assert det.probe_owner("elsewhere", "10.9.9.9", 4.2)


def test_a_probe_that_gets_an_answer_ends_the_storm_and_returns_it_for_the_wave():
    det = StormDetector(min_feeds=4)
    feeds = [f"cam{i:02d}" for i in range(6)]
    fail_all(det, feeds, reason=Reason.REFUSED)
    ended = det.probe_result("cam03", Reason.OK, 20.0)
    assert ended is not None and ended.feed_keys == tuple(feeds)
    assert det.storms(20.0) == []
    assert det.probe_owner("cam01", NVR, 20.1)  # back to probing one by one
    # the leftovers do not form a storm again by themselves ...
    det.feed_failed("cam01", NVR, "smg-utara", Reason.TIMEOUT, 21.0)
    assert det.storms(21.0) == []
    # ... but fresh failures do
    fail_all(det, ["new1", "new2", "new3", "new4"], start=30.0)
    assert [s.feed_keys for s in det.storms(31.0)] == [("new1", "new2", "new3", "new4")]


def test_an_answer_that_is_not_ok_still_means_the_recorder_is_back():
    det = StormDetector(min_feeds=4)
    fail_all(det, ["a", "b", "c", "d"])
    assert det.probe_result("b", Reason.NOT_FOUND, 5.0) is not None  # this channel is wrong, the NVR answers
    assert det.storms(5.0) == []


def test_storm_ends_when_half_of_its_feeds_recovered():
    det = StormDetector(min_feeds=4)
    feeds = [f"cam{i}" for i in range(8)]
    fail_all(det, feeds)
    for i, key in enumerate(feeds[:3]):
        det.feed_recovered(key, 10.0 + i)
    storm = det.storms(12.0)[0]
    assert storm.feed_keys == tuple(feeds[3:])
    assert det.summary(storm, DISTRICTS).endswith(", 5 cameras")
    det.feed_recovered("cam3", 13.0)
    assert det.storms(13.0) == []


def test_late_failures_join_the_storm_and_forgotten_feeds_leave_it():
    det = StormDetector(min_feeds=4, window_s=10.0)
    fail_all(det, ["a", "b", "c", "d"])
    det.feed_failed("late", NVR, "tugu", Reason.REFUSED, 60.0)  # long after the window: still joins
    storm = det.storms(60.0)[0]
    assert storm.feed_keys == ("a", "b", "c", "d", "late")
    assert storm.district_ids == ("smg-utara", "tugu")
    assert det.summary(storm, DISTRICTS) == "Semarang Utara, Tugu: recorder 10.20.4.2 unreachable, 5 cameras"
    det.forget("late", 61.0)  # the operator swapped that camera out
    det.feed_failed("b", NVR, "smg-utara", Reason.AUTH, 62.0)  # refined to a camera problem: leaves
    assert det.storms(62.0)[0].feed_keys == ("a", "c", "d")
    for key in ("a", "c", "d"):
        det.forget(key, 63.0)
    assert det.storms(63.0) == []


def test_feeds_on_different_recorders_below_min_feeds_do_not_storm():
    det = StormDetector(min_feeds=4)
    for i in range(3):
        det.feed_failed(f"a{i}", "nvr-a", "smg-utara", Reason.REFUSED, 0.1 * i)
        det.feed_failed(f"b{i}", "nvr-b", "tugu", Reason.REFUSED, 0.1 * i)
    assert det.storms(1.0) == []
    assert det.probe_owner("a0", "nvr-a", 3.0) and det.probe_owner("a1", "nvr-a", 3.0)


def test_failures_spread_beyond_the_window_do_not_storm():
    det = StormDetector(min_feeds=4, window_s=10.0)
    fail_all(det, ["a", "b", "c", "d"], step=4.0)  # 0, 4, 8, 12 s: never four within 10 s
    assert det.storms(12.0) == []


def test_camera_problems_are_not_network_storms():
    det = StormDetector(min_feeds=4)
    fail_all(det, ["a", "b", "c", "d", "e"], reason=Reason.AUTH)  # a password changed on the NVR
    assert det.storms(1.0) == []
    fail_all(det, ["f", "g", "h"], host="")  # files have no recorder
    assert det.storms(1.0) == []


def test_preliminary_reason_then_refined_keeps_the_failure_time():
    det = StormDetector(min_feeds=4)
    for i, key in enumerate(["a", "b", "c", "d"]):
        det.feed_failed(key, NVR, "smg-utara", Reason.ERROR, i * 0.1)  # libVLC's first word
    assert det.storms(1.0) == []
    for i, key in enumerate(["a", "b", "c", "d"]):
        det.feed_failed(key, NVR, "smg-utara", Reason.REFUSED, 1.0 + i * 0.1)  # the probe's refinement
        det.feed_failed(key, NVR, "smg-utara", Reason.TIMEOUT, 2.0 + i * 0.1)  # refined again
    storm = det.storms(3.0)[0]
    assert storm.since == pytest.approx(1.0) and storm.reason is Reason.TIMEOUT


def test_district_uplink_down_across_recorders_is_one_district_storm():
    det = StormDetector(min_feeds=4)
    for i in range(6):  # six cameras with their own addresses, one per "recorder"
        det.feed_failed(f"cam{i}", f"10.30.0.{i + 1}", "tugu", Reason.UNREACHABLE, 0.1 * i)
    storm = det.storms(1.0)[0]
    assert storm.host == "" and len(storm.hosts) == 6 and len(storm.feed_keys) == 6
    assert det.summary(storm, DISTRICTS) == "Tugu: 6 recorders unreachable, 6 cameras"
    det.feed_failed("cam6", "10.30.0.7", "tugu", Reason.UNREACHABLE, 30.0)
    assert len(det.storms(30.0)[0].feed_keys) == 7
    allowed = [k for k in storm.feed_keys if det.probe_owner(k, "", 31.0)]
    assert len(allowed) == 1


def test_summary_wording_follows_the_most_common_reason():
    det = StormDetector(min_feeds=4)
    det.feed_failed("a", NVR, "smg-utara", Reason.TIMEOUT, 0.0)
    fail_all(det, ["b", "c", "d"], reason=Reason.REFUSED, start=0.1)
    storm = det.storms(1.0)[0]
    assert storm.reason is Reason.REFUSED
    assert det.summary(storm, {}) == "smg-utara: recorder 10.20.4.2 refusing connections, 4 cameras"


def test_reopen_wave_is_staggered_in_the_given_order():
    det = StormDetector()
    keys = [f"cam{i}" for i in range(16)]
    wave = det.reopen_wave(NVR, keys, now=100.0, spacing_s=0.2)
    assert list(wave) == keys
    assert wave["cam0"] == pytest.approx(100.0)
    times = list(wave.values())
    assert [round(later - earlier, 6) for earlier, later in itertools.pairwise(times)] == [0.2] * 15
    assert wave["cam15"] == pytest.approx(103.0)
    assert det.reopen_wave(NVR, [], now=1.0) == {}
