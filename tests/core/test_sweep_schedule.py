"""The sweep's pacing scheduler (viewer.core.sweep_schedule): due times, pacing, request_all,
fleet changes. One monotonic clock passed in; nothing sleeps."""

from __future__ import annotations

import itertools

import pytest

from viewer.core.sweep_schedule import SweepScheduler

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
