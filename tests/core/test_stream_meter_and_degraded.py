"""Stream figures and the ``degraded`` rule, pure logic with an explicit clock (no sleeps):
rates over the window, counter restarts, sample deltas that count every byte once, the
rule's time and hysteresis, and the health machine's degraded flag beside other flags."""

from __future__ import annotations

import random

import pytest

from viewer.core import constants as C
from viewer.core.degraded import DegradedRule
from viewer.core.health import FeedHealth
from viewer.core.health_model import ActionKind, FeedState, HealthConfig, PlayerEventKind
from viewer.core.reasons import Reason
from viewer.core.stream_figures import MinuteAggregator
from viewer.core.stream_meter import StreamCounters, StreamFormat, StreamMeter

FMT = StreamFormat("h264", 640, 360, 25.0)


def feed_meter(meter: StreamMeter, start: float, end: float, fps: float, kbps: float, base=(0, 0),
               stream_clock: bool = False) -> tuple[int, int]:
    """Poll once a second from ``start`` to ``end`` (inclusive) a stream of ``fps`` and ``kbps``;
    returns the cumulative (bytes, frames) reached."""
    b, f = base
    t = start
    while t <= end + 1e-9:
        meter.observe(StreamCounters(t, int(b), int(f), stream_s=t if stream_clock else None), FMT)
        b += kbps * 1000 / 8
        f += fps
        t += 1.0
    return int(b), int(f)


def test_rates_over_the_window_after_the_baseline_poll() -> None:
    meter = StreamMeter(window_s=5.0)
    meter.observe(StreamCounters(100.0, 999_999, 999), FMT)  # a shared session's old counters: baseline
    assert meter.rates() == (None, None)
    feed_meter(meter, 101.0, 102.0, 25, 800, base=(999_999, 999))
    assert meter.rates() == (None, None)  # the window starts one poll after the baseline
    feed_meter(meter, 103.0, 110.0, 25, 800, base=(999_999 + 2 * 100_000, 999 + 50))
    fps, kbps = meter.rates()
    assert fps == pytest.approx(25) and kbps == pytest.approx(800)
    assert meter.span_s == pytest.approx(5.0)


def test_frame_rate_by_the_camera_clock_ignores_an_arrival_burst() -> None:
    meter = StreamMeter(window_s=5.0)
    meter.observe(StreamCounters(0.0, 0, 0, stream_s=0.0), FMT)
    meter.observe(StreamCounters(1.0, 0, 0, stream_s=0.0), FMT)
    # 3 s of stream (30 pictures at 10 fps) arrive within one second, then 10 fps
    meter.observe(StreamCounters(2.0, 3000, 30, stream_s=3.0), FMT)
    meter.observe(StreamCounters(3.0, 4000, 40, stream_s=4.0), FMT)
    fps, _ = meter.rates()
    assert fps == pytest.approx(10)  # 40 pictures in 4 s of the camera's clock, not 40 in 2 s


def test_a_counter_restart_is_a_new_baseline_and_samples_count_each_picture_once() -> None:
    meter = StreamMeter()
    feed_meter(meter, 0.0, 10.0, 25, 800)  # 10 s observed after the baseline
    sample = meter.take_sample("cam", "", "wall", 10.5)
    assert sample.seconds == pytest.approx(10) and sample.frames == 250 and sample.bytes == 1_000_000
    meter.reopened()
    feed_meter(meter, 11.0, 15.0, 10, 400)  # the new open: counters from 0, 4 s after its baseline
    meter.observe(StreamCounters(16.0, 10, 1), FMT)  # restarted again without reopened(): baseline
    sample = meter.take_sample("cam", "", "wall", 16.5, first_packet_s=0.7, reconnects=1)
    assert sample.started_at == 10.5 and sample.frames == 40 and sample.bytes == 200_000
    assert sample.seconds == pytest.approx(4) and sample.first_packet_s == 0.7 and sample.reconnects == 1
    assert (sample.codec, sample.width, sample.nominal_fps) == ("h264", 640, 25.0)
    assert meter.take_sample("cam", "", "wall", 17.0) is None  # nothing new observed
    aggregator = MinuteAggregator()
    aggregator.add(sample)
    (minute,) = aggregator.flush()
    assert minute.fps == pytest.approx(10) and minute.fps_ratio == pytest.approx(0.4) and minute.opens == 1


def test_figures_carry_the_format_and_round_for_status_json() -> None:
    meter = StreamMeter(window_s=5.0)
    feed_meter(meter, 0.0, 8.0, 10, 1234.5678)
    figures = meter.figures("cam", "sub", reconnects=2, first_picture_s=1.234, degraded=True)
    assert figures.fps_ratio == pytest.approx(0.4)
    exported = figures.as_dict()
    assert exported == {
        "camera_id": "cam", "stream": "sub", "codec": "h264", "width": 640, "height": 360, "nominal_fps": 25.0,
        "fps": 10.0, "fps_ratio": 0.4, "bitrate_kbps": pytest.approx(1234.6, abs=0.1), "lost": 0, "late": 0,
        "reconnects": 2, "first_picture_s": 1.23, "degraded": True,
    }  # fmt: skip


# --- the degraded rule ----------------------------------------------------------------------


def run(rule: DegradedRule, start: float, end: float, fps: float | None, nominal: float | None = 25.0) -> list:
    """Observe once a second; return the times the verdict changed."""
    changes, t, before = [], start, rule.degraded
    while t <= end + 1e-9:
        now = rule.observe(fps, nominal, t)
        if now != before:
            changes.append((t, now))
            before = now
        t += 1.0
    return changes


def test_raised_after_its_time_below_the_threshold_and_cleared_with_hysteresis() -> None:
    rule = DegradedRule()
    assert run(rule, 0.0, 30.0, 25.0) == []
    assert run(rule, 31.0, 60.0, 10.0) == [(31.0 + C.DEGRADED_AFTER_S, True)]
    assert rule.since == 31.0  # the outage starts when the rate fell
    assert run(rule, 61.0, 90.0, 14.0) == []  # above 50 % but inside the hysteresis band: stays
    assert run(rule, 91.0, 120.0, 24.0) == [(91.0 + C.DEGRADED_CLEAR_AFTER_S, False)]
    assert rule.since is None


def test_a_short_dip_or_a_flickering_rate_is_not_degraded() -> None:
    rule = DegradedRule(after_s=10.0)
    changes = run(rule, 0.0, 8.0, 10.0) + run(rule, 9.0, 9.0, 25.0) + run(rule, 10.0, 18.0, 10.0)
    assert changes == []


def test_no_verdict_without_a_nominal_rate_or_a_measurement_and_off_at_zero() -> None:
    rule = DegradedRule()
    assert run(rule, 0.0, 60.0, 5.0, nominal=None) == []
    assert run(rule, 61.0, 120.0, None) == []
    off = DegradedRule(ratio=0.0)
    assert run(off, 0.0, 60.0, 1.0) == []
    rule = DegradedRule()
    run(rule, 0.0, 20.0, 5.0)
    assert rule.degraded
    assert run(rule, 21.0, 60.0, None) == []  # unknown keeps the verdict
    rule.reset()
    assert not rule.degraded and rule.since is None
    assert rule.describe(10.0, 25.0) == "10.0 of 25 fps (40 %)"


# --- the health machine's degraded flag -------------------------------------------------------


def playing() -> FeedHealth:
    health = FeedHealth(HealthConfig(), random.Random(1), label="cam")
    health.start(0.0)
    health.on_event(PlayerEventKind.VOUT, 0.5)
    assert health.state is FeedState.PLAYING
    return health


def test_degraded_flag_raises_once_keeps_the_player_and_clears_only_itself() -> None:
    health = playing()
    actions = health.degraded(True, 20.0, since=10.0, detail="10.0 of 25 fps (40 %)")
    assert [a.kind for a in actions] == [ActionKind.FLAG] and actions[0].reason is Reason.DEGRADED
    assert health.flag.reason is Reason.DEGRADED and health.flag.since == 10.0
    assert health.degraded(True, 21.0, since=10.0) == []  # idempotent per poll
    assert health.state is FeedState.PLAYING  # no STOP: the picture keeps playing
    frozen = health.picture_problem(Reason.FROZEN_IMAGE, 22.0)  # a worse picture problem wins
    assert [a.kind for a in frozen] == [ActionKind.FLAG] and health.flag.reason is Reason.FROZEN_IMAGE
    assert health.degraded(False, 23.0) == []  # never clears another reason's flag
    assert health.flag.reason is Reason.FROZEN_IMAGE
    health.picture_problem(None, 24.0)
    assert health.flag is None
    health.degraded(True, 25.0, since=25.0)
    cleared = health.degraded(False, 40.0)
    assert [a.kind for a in cleared] == [ActionKind.UNFLAG] and health.flag is None


def test_degraded_is_never_raised_on_a_feed_that_does_not_play() -> None:
    health = FeedHealth(HealthConfig(), random.Random(1), label="cam")
    health.start(0.0)
    assert health.degraded(True, 5.0) == [] and health.flag is None


def test_the_threshold_setting_is_a_percentage_and_0_switches_the_rule_off() -> None:
    from viewer.core.settings import Settings, setting_problem

    assert Settings().degraded_fps_percent == 100 * C.DEGRADED_FPS_RATIO
    assert setting_problem("degraded_fps_percent", 0.0) == ""
    assert setting_problem("degraded_fps_percent", 150.0) != ""
