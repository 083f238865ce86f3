"""The feed-health machine, driven with an explicit clock and a seeded RNG (no sleeps)."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

import pytest

from viewer.core.health import FeedHealth
from viewer.core.health_model import Action, ActionKind, FeedState, HealthConfig, PlayerEventKind
from viewer.core.probe import ProbeResult
from viewer.core.reasons import Reason

OPEN, STOP, PROBE, FLAG, UNFLAG = (
    ActionKind.OPEN,
    ActionKind.STOP,
    ActionKind.PROBE,
    ActionKind.FLAG,
    ActionKind.UNFLAG,
)

CFG = HealthConfig(
    open_timeout_s=8.0,
    open_progress_timeout_s=20.0,
    stall_timeout_s=5.0,
    stall_reopen_s=5.0,
    backoff_base_s=1.0,
    backoff_cap_s=60.0,
    backoff_floor_s=0.5,
    stable_play_reset_s=10.0,
    return_probe_interval_s=3.0,
    return_probe_jitter_fraction=0.3,
    probe_result_timeout_s=20.0,
)


def probe(reason: Reason, detail: str = "") -> ProbeResult:
    return ProbeResult(reason=reason, latency_ms=3.0, detail=detail)


def kinds(actions: list[Action]) -> list[ActionKind]:
    return [a.kind for a in actions]


def make(config: HealthConfig = CFG, seed: int = 1) -> FeedHealth:
    return FeedHealth(config, random.Random(seed), label="cam-test")


def play_until(h: FeedHealth, start: float, end: float, step: float = 1.0, fps: int = 15) -> list[Action]:
    """Feed healthy stats (pictures rising) and ticks from ``start`` to ``end``; return all actions."""
    actions: list[Action] = []
    t = start
    pictures = h._last_pictures  # continue the cumulative counter of the current open
    while t <= end:
        pictures += fps
        actions += h.on_stats(pictures, pictures * 1000, t)
        actions += h.tick(t)
        t += step
    return actions


def started_playing(config: HealthConfig = CFG) -> FeedHealth:
    h = make(config)
    assert kinds(h.start(0.0)) == [OPEN]
    assert h.on_event(PlayerEventKind.VOUT, 0.5) == []
    return h


def fail_refused(h: FeedHealth, now: float) -> list[Action]:
    """Refused: libVLC errors at once, the probe says refused."""
    actions = h.on_event(PlayerEventKind.ERROR, now)
    actions += h.on_probe(probe(Reason.REFUSED, "connection refused"), now + 0.01)
    return actions


# --- happy path ----------------------------------------------------------------------------


def test_happy_path_open_first_picture_and_steady_play() -> None:
    h = make()
    assert h.state is FeedState.IDLE
    assert h.start(0.0) == [Action(OPEN, detail="start")]
    assert h.state is FeedState.CONNECTING
    for event in (PlayerEventKind.OPENING, PlayerEventKind.BUFFERING, PlayerEventKind.PLAYING):
        assert h.on_event(event, 0.2) == []
        assert h.state is FeedState.CONNECTING  # libVLC "Playing" is not a picture
    assert h.on_event(PlayerEventKind.VOUT, 0.4) == []
    assert h.state is FeedState.PLAYING
    assert play_until(h, 1.0, 120.0, step=0.5) == []
    assert h.state is FeedState.PLAYING and h.flag is None and h.attempts == 0
    assert h.start(121.0) == []  # already running: no second OPEN


def test_rising_pictures_without_vout_also_mean_playing() -> None:
    h = make()
    h.start(0.0)
    assert h.on_stats(0, 5000, 1.0) == []
    assert h.state is FeedState.CONNECTING
    assert h.on_stats(12, 9000, 2.0) == []
    assert h.state is FeedState.PLAYING


# --- failures and probes -------------------------------------------------------------------


def test_refused_flags_at_once_and_probe_refines_the_reason() -> None:
    h = make()
    h.start(0.0)
    actions = h.on_event(PlayerEventKind.ERROR, 0.05)
    assert kinds(actions) == [STOP, FLAG, PROBE]
    assert actions[1].reason is Reason.ERROR
    assert h.state is FeedState.FAILED
    assert h.flag is not None and h.flag.reason is Reason.ERROR and h.flag.since == 0.05
    assert h.next_retry_at is not None and h.next_retry_at >= 0.05 + CFG.backoff_floor_s

    actions = h.on_probe(probe(Reason.REFUSED, "127.0.0.1:9 refused"), 0.2)
    assert actions == [Action(FLAG, Reason.REFUSED, "127.0.0.1:9 refused")]
    assert h.state is FeedState.WAITING
    assert h.flag.reason is Reason.REFUSED and h.flag.since == 0.05 and h.flag.detail == "127.0.0.1:9 refused"


def test_opening_timeout_without_any_event() -> None:
    h = make()
    h.start(10.0)
    assert h.on_event(PlayerEventKind.OPENING, 10.01) == []
    for t in (10.5, 12.0, 15.0, 17.99):
        assert h.on_stats(0, 0, t) == []
        assert h.tick(t) == []
    actions = h.tick(18.0)
    assert kinds(actions) == [STOP, FLAG, PROBE]
    assert actions[1].reason is Reason.TIMEOUT
    assert h.flag.since == 18.0
    # the probe tells what really happened (HTTP 401 leaves libVLC in Opening)
    assert h.on_probe(probe(Reason.AUTH, "HTTP 401"), 18.3) == [Action(FLAG, Reason.AUTH, "HTTP 401")]


def test_slow_but_progressing_open_is_not_torn_down() -> None:
    h = make()
    h.start(0.0)
    actions: list[Action] = []
    t = 1.0
    while t < 20.0:  # bytes keep arriving, no picture yet (slow link, long GOP)
        actions += h.on_stats(0, int(t * 4000), t)
        actions += h.tick(t)
        t += 0.5
    assert actions == []  # well past open_timeout_s, nothing torn down, nothing flagged
    assert h.state is FeedState.CONNECTING

    actions = h.on_stats(0, 90_000, 20.0) + h.tick(20.0)
    assert kinds(actions) == [FLAG, PROBE]  # flagged, but the player is kept
    assert actions[0].reason is Reason.TIMEOUT
    actions = []
    for t in (21.0, 22.0, 23.0, 24.0):
        actions += h.on_stats(0, int(t * 5000), t) + h.tick(t)
    assert STOP not in kinds(actions) and h.state is FeedState.CONNECTING
    assert h.on_stats(30, 130_000, 25.0) == [Action(UNFLAG, detail="pictures again")]
    assert h.state is FeedState.PLAYING and h.flag is None


def test_progress_that_stops_before_a_picture_times_out() -> None:
    h = make()
    h.start(0.0)
    assert h.on_stats(0, 500, 1.0) == []  # headers arrived, then silence
    for t in (2.0, 5.0, 8.99):
        assert h.on_stats(0, 500, t) + h.tick(t) == []
    actions = h.on_stats(0, 500, 9.0) + h.tick(9.0)
    assert kinds(actions) == [STOP, FLAG, PROBE]
    assert actions[1].reason is Reason.TIMEOUT


def test_killed_server_ends_the_stream() -> None:
    h = started_playing()
    play_until(h, 1.0, 30.0)
    actions = h.on_event(PlayerEventKind.ENDED, 31.5)
    assert kinds(actions) == [STOP, FLAG, PROBE]
    assert actions[1].reason is Reason.ENDED
    assert h.on_probe(probe(Reason.REFUSED), 31.6)[0].reason is Reason.REFUSED


def test_probe_ok_keeps_the_libvlc_reason_and_the_backoff() -> None:
    h = make()
    h.start(0.0)
    h.on_event(PlayerEventKind.ENDED, 1.0)
    retry_at = h.next_retry_at
    assert h.on_probe(probe(Reason.OK), 1.1) == []  # no re-flag, no immediate reopen
    assert h.flag.reason is Reason.ENDED and h.state is FeedState.WAITING
    assert h.next_retry_at == retry_at
    # the camera answers, so there is nothing to detect: no return probes
    assert all(h.tick(t) == [] for t in [1.2 + i * 0.25 for i in range(int((retry_at - 1.3) / 0.25))])
    assert kinds(h.tick(retry_at)) == [OPEN]


# --- stalls --------------------------------------------------------------------------------


def test_stall_detected_after_stall_timeout_and_reopens_when_pictures_resume() -> None:
    h = started_playing()
    assert play_until(h, 1.0, 20.0) == []  # last new picture at t=20
    frozen = h._last_pictures
    for t in (21.0, 22.0, 24.99):  # a frozen server: no new picture and no new byte
        assert h.on_stats(frozen, frozen * 1000, t) + h.tick(t) == []
    actions = h.on_stats(frozen, frozen * 1000, 25.0) + h.tick(25.0)
    assert kinds(actions) == [FLAG, PROBE]
    assert actions[0].reason is Reason.STALLED
    assert h.state is FeedState.STALLED and h.flag.since == 25.0
    # (the stall's probe has not answered yet)

    # The old connection delivers its backlog (a cut shorter than TCP's retry time): a fresh
    # session instead, so the tile is live again; the outage stays flagged until it shows pictures.
    attempts = h.attempts
    assert h.on_stats(frozen + 3, 999_999, 26.0) == [Action(STOP, detail="resumed behind live"),
                                                      Action(OPEN, detail="resumed 6 s behind live")]
    assert h.state is FeedState.CONNECTING and h.flag.reason is Reason.STALLED and h.flag.since == 25.0
    assert h.attempts == attempts  # not a failure: no backoff
    assert h.on_stats(2, 5000, 27.0) == [Action(UNFLAG, detail="pictures again")]  # the new session's counters
    assert h.state is FeedState.PLAYING and h.flag is None


def test_a_stalled_feed_whose_vout_returns_is_reopened_too() -> None:
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    assert kinds(h.on_event(PlayerEventKind.VOUT, 15.5)) == [STOP, OPEN]
    assert h.state is FeedState.CONNECTING and h.flag is not None


def test_a_stalled_feed_whose_camera_is_unreachable_probes_for_its_return_and_reopens_at_once() -> None:
    """A cut cable: the stalled session would hear of the mend only at TCP's next
    retransmission (seconds later); return probes find it sooner and a fresh session starts."""
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    assert h.on_probe(probe(Reason.TIMEOUT, "no answer"), 15.5) == [Action(FLAG, reason=Reason.TIMEOUT,
                                                                           detail="no answer")]
    assert h.state is FeedState.STALLED and h._next_return_probe_at is not None
    due = h._next_return_probe_at
    assert due - 15.5 <= CFG.quick_return_probe_interval_s * (1 + CFG.return_probe_jitter_fraction)
    assert h.tick(due - 0.01) == []
    assert h.tick(due) == [Action(PROBE, detail="return")]
    assert h.tick(due + 0.1) == []  # one probe in flight at a time
    still_down = h.on_probe(probe(Reason.TIMEOUT, "no answer"), due + 1.0)
    assert still_down == [] and h.state is FeedState.STALLED  # same reason: nothing new to show
    attempts, since = h.attempts, h.flag.since
    actions = h.on_probe(probe(Reason.OK), h._next_return_probe_at or due + 1.5)
    assert actions == [Action(STOP, detail="camera answers again"), Action(OPEN, detail="camera answers again")]
    assert h.state is FeedState.CONNECTING and h.flag.since == since and h.attempts == attempts
    assert h.on_event(PlayerEventKind.VOUT, 19.0) == [Action(UNFLAG, detail="pictures again")]


def test_a_stalled_feed_whose_camera_answers_sends_no_return_probes() -> None:
    """A frozen stream from a camera that answers its probes, stalled again soon after a
    reopen: nothing to wait for but the stall's own reopen."""
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    h.attempts = 1  # reopened at its last stall, too little play since to reset it
    assert h.on_probe(probe(Reason.OK), 15.5) == []
    assert all(h.tick(t) == [] for t in (16.0, 17.0, 18.0, 19.9))
    assert h.tick(20.0) == [Action(STOP, detail="still stalled"), Action(PROBE, detail="still stalled")]


def test_a_stall_whose_camera_answers_is_reopened_at_once_the_first_time() -> None:
    """A cable mended just before the stall's flag: the camera answers, but the old session
    would deliver only at TCP's next retransmission (seconds), behind live, to be reopened
    anyway (measured: 4.0 s worst back-to-pictures over 20 black-holed outages). A fresh
    session at once; a second stall before stable play waits as before (no reopen storm)."""
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    assert h.on_probe(probe(Reason.OK), 15.2) == [Action(STOP, detail="stalled, camera answers"),
                                                  Action(OPEN, detail="stalled, camera answers")]  # fmt: skip
    assert h.state is FeedState.CONNECTING and h.flag.reason is Reason.STALLED and h.attempts == 1
    assert h.on_event(PlayerEventKind.VOUT, 15.6) == [Action(UNFLAG, detail="pictures again")]
    play_until(h, 16.0, 18.0)  # less than stable_play_reset_s
    assert kinds(h.tick(23.0)) == [FLAG, PROBE]  # stalls again
    assert h.on_probe(probe(Reason.OK), 23.2) == []  # this time it waits for its session
    assert kinds(h.tick(28.0)) == [STOP, PROBE]


def test_a_stalled_playlist_is_not_reopened_on_the_first_ok() -> None:
    h = started_playing(replace(CFG, playlist=True))
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    assert h.on_probe(probe(Reason.OK, "HLS playlist, 5 segments"), 15.2) == []
    assert h.state is FeedState.STALLED


def test_playlists_are_known_by_their_path() -> None:
    assert HealthConfig.for_url("http://nvr/live/cam1/index.m3u8?token=1").playlist
    assert HealthConfig.for_url("https://nvr/x/PLAYLIST.M3U").playlist
    assert not HealthConfig.for_url("http://nvr/live/cam1.ts").playlist
    assert not HealthConfig.for_url("rtsp://nvr/Streaming/Channels/101").playlist


def test_still_stalled_but_the_camera_answers_reopens_at_once_whatever_the_backoff() -> None:
    """A link cut again and again grows the backoff (attempts reset only after stable play):
    measured 26 s of waiting for a camera that answered. The session is dead, not the camera."""
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    h.attempts = 10  # earlier outages, each with too little play in between to reset it
    assert h.on_probe(probe(Reason.OK), 15.5) == []
    assert kinds(h.tick(20.0)) == [STOP, PROBE]
    assert h.state is FeedState.WAITING and h.next_retry_at is not None  # a backoff (full jitter: 0.5 .. 60 s)
    assert h.on_probe(probe(Reason.OK), 20.1) == [Action(OPEN, detail="still stalled, camera answers")]
    assert h.attempts == 11  # it counts: a session failing again backs off
    assert h.on_event(PlayerEventKind.VOUT, 20.3) == [Action(UNFLAG, detail="pictures again")]


def test_bursty_counter_is_not_a_stall() -> None:
    h = started_playing()
    pictures, actions = 0, []
    for second in range(1, 120):
        if second % 3 == 0:  # the counter moves in bursts, every third poll
            pictures += 45
        actions += h.on_stats(pictures, second * 1000, float(second)) + h.tick(float(second))
    assert actions == [] and h.state is FeedState.PLAYING


def test_per_camera_stall_override_for_low_fps_cameras() -> None:
    slow = HealthConfig(stall_timeout_s=30.0)
    h = started_playing(slow)
    h.on_stats(1, 100, 1.0)
    assert all(h.on_stats(1, 100, float(t)) + h.tick(float(t)) == [] for t in range(2, 31))
    assert kinds(h.tick(31.0)) == [FLAG, PROBE]


def test_stall_then_reopen_keeps_the_flag() -> None:
    h = started_playing()
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    since = h.flag.since
    assert h.tick(19.9) == []
    assert h.tick(20.0) == [Action(STOP, detail="still stalled")]
    assert h.state is FeedState.WAITING and h.flag.since == since
    assert h.attempts == 1 and 20.5 <= h.next_retry_at <= 21.0
    assert kinds(h.tick(h.next_retry_at)) == [OPEN]
    assert h.state is FeedState.CONNECTING and h.flag.since == since
    assert h.on_event(PlayerEventKind.VOUT, 22.0) == [Action(UNFLAG, detail="pictures again")]


# --- retries -------------------------------------------------------------------------------


def test_backoff_grows_with_full_jitter_within_bounds_and_caps() -> None:
    h = make(seed=42)
    now = 0.0
    h.start(now)
    delays = []
    for attempt in range(14):
        now += 0.05
        fail_refused(h, now)
        delay = h.next_retry_at - now
        bound = min(CFG.backoff_cap_s, CFG.backoff_base_s * 2**attempt)
        assert CFG.backoff_floor_s <= delay <= max(bound, CFG.backoff_floor_s), (attempt, delay)
        assert h.attempts == attempt + 1
        delays.append(delay)
        # return probes keep saying "refused" until the retry is due
        t = now
        while h.state is FeedState.WAITING:
            t += 0.25
            for action in h.tick(t):
                if action.kind is PROBE:
                    assert h.on_probe(probe(Reason.REFUSED), t + 0.01) == []
        assert h.state is FeedState.CONNECTING and t >= h.flag.since
        now = t
    assert max(delays) <= CFG.backoff_cap_s
    assert max(delays[8:]) > 30.0  # grew towards the cap
    assert min(delays[8:]) < max(delays[8:]) / 2  # ... with full jitter, not a fixed ladder


def test_flag_since_unchanged_across_retries() -> None:
    h = make()
    h.start(0.0)
    flags = []
    now = 0.0
    for _ in range(5):
        now += 0.05
        flags += [a for a in fail_refused(h, now) if a.kind is FLAG]
        now = h.next_retry_at
        assert kinds(h.tick(now)) == [OPEN]
    assert [a.reason for a in flags] == [Reason.ERROR, Reason.REFUSED]  # once per outage
    assert h.flag.since == 0.05 and h.flag.reason is Reason.REFUSED
    # a different failure later in the same outage changes the reason, not the start
    now += 1.0
    h.on_event(PlayerEventKind.ERROR, now)
    assert h.on_probe(probe(Reason.AUTH), now + 0.1) == [Action(FLAG, Reason.AUTH, "")]
    assert h.flag.since == 0.05


def test_return_probe_ok_while_waiting_opens_at_once() -> None:
    h = make(seed=5)
    h.start(0.0)
    for i in range(6):  # push the backoff up
        fail_refused(h, float(i) * 100)
        h.tick(h.next_retry_at)
    fail_refused(h, 1000.0)
    assert h.state is FeedState.WAITING and h.next_retry_at - 1000.0 > 5.0
    t, probe_at = 1000.0, None
    while probe_at is None:
        t += 0.25
        for action in h.tick(t):
            assert action.kind is PROBE and action.detail == "return"
            probe_at = t
    assert 1000.0 + 3.0 * 0.7 <= probe_at <= 1000.0 + 3.0 * 1.3 + 0.25
    assert kinds(h.on_probe(probe(Reason.OK), probe_at + 0.02)) == [OPEN]
    assert h.state is FeedState.CONNECTING and h.next_retry_at is None
    assert h.flag.reason is Reason.REFUSED  # cleared only by pictures
    assert h.on_event(PlayerEventKind.VOUT, probe_at + 0.5)[0].kind is UNFLAG


def test_only_one_probe_outstanding() -> None:
    h = make()
    h.start(0.0)
    assert kinds(h.on_event(PlayerEventKind.ERROR, 0.1)) == [STOP, FLAG, PROBE]
    # the retry comes due and fails again before the first probe answered
    assert kinds(h.tick(h.next_retry_at)) == [OPEN]
    assert kinds(h.on_event(PlayerEventKind.ERROR, h._opened_at + 0.05)) == [STOP]
    assert h.probe_outstanding
    assert all(PROBE not in kinds(h.tick(1.5 + i * 0.1)) for i in range(20))
    h.on_probe(probe(Reason.REFUSED), 3.6)
    assert not h.probe_outstanding
    probes = [a for i in range(40) for a in h.tick(3.6 + i * 0.25) if a.kind is PROBE]
    assert len(probes) <= 1


def test_lost_probe_result_does_not_block_probing_forever() -> None:
    h = make(HealthConfig(backoff_base_s=100.0, backoff_floor_s=50.0))
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.1)  # probe sent, never answered
    assert all(h.tick(0.1 + i) == [] for i in range(1, 20))
    assert h.state is FeedState.FAILED
    assert h.tick(20.1) == [] and h.state is FeedState.WAITING and not h.probe_outstanding


def test_unsupported_rtsp_backs_off_to_the_cap() -> None:
    rtsp = HealthConfig(scheme="RTSP", player_supports_rtsp=False)
    h = make(rtsp)
    h.start(0.0)
    assert kinds(h.on_event(PlayerEventKind.ERROR, 0.03)) == [STOP, FLAG, PROBE]  # no live555
    actions = h.on_probe(probe(Reason.OK, "RTSP 200, SDP has H264"), 0.2)
    assert kinds(actions) == [FLAG] and actions[0].reason is Reason.UNSUPPORTED
    assert h.next_retry_at >= 0.2 + rtsp.backoff_cap_s
    opens = 0
    t = 0.2
    while t < 600.0:  # ten minutes: about one retry a minute, no return-probe storm
        t += 0.5
        for action in h.tick(t):
            assert action.kind is OPEN  # the camera answers: no return probes
            opens += 1
            again = h.on_event(PlayerEventKind.ERROR, t + 0.03)
            assert kinds(again) == [STOP, PROBE]  # same outage, same flag
            assert h.next_retry_at - (t + 0.03) == pytest.approx(rtsp.backoff_cap_s)
            assert h.on_probe(probe(Reason.OK), t + 0.1) == []
    assert 8 <= opens <= 10
    assert h.flag.reason is Reason.UNSUPPORTED and h.flag.since == 0.03


def test_rtsp_supported_player_keeps_the_libvlc_reason() -> None:
    h = make(HealthConfig(scheme="rtsp", player_supports_rtsp=True))
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.03)
    assert h.on_probe(probe(Reason.OK), 0.2) == []
    assert h.flag.reason is Reason.ERROR


def test_stable_play_resets_attempts() -> None:
    h = make()
    h.start(0.0)
    fail_refused(h, 0.1)
    h.tick(h.next_retry_at)
    fail_refused(h, 5.0)
    h.tick(h.next_retry_at)
    assert h.attempts == 2
    t0 = h._opened_at
    h.on_event(PlayerEventKind.VOUT, t0 + 0.3)
    play_until(h, t0 + 1.0, t0 + 9.0)
    assert h.attempts == 2  # not yet stable
    play_until(h, t0 + 10.0, t0 + 11.0)
    assert h.attempts == 0


# --- operator ------------------------------------------------------------------------------


def test_operator_stop_unflags_and_ignores_late_events() -> None:
    h = make()
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.1)
    assert h.stop(0.2) == [Action(UNFLAG, detail="operator stop")]  # player already stopped
    assert h.state is FeedState.IDLE and h.flag is None and h.next_retry_at is None
    assert h.on_probe(probe(Reason.REFUSED), 0.3) == []
    assert h.on_event(PlayerEventKind.ERROR, 0.4) == []
    assert h.tick(100.0) == []

    h.start(200.0)
    h.on_event(PlayerEventKind.VOUT, 200.5)
    assert h.stop(201.0) == [Action(STOP, detail="operator stop")]


def test_operator_reconnect_resets_attempts_and_keeps_the_flag() -> None:
    h = make()
    h.start(0.0)
    fail_refused(h, 0.1)
    h.tick(h.next_retry_at)
    fail_refused(h, 3.0)
    assert h.attempts == 2
    assert kinds(h.reconnect(3.5)) == [OPEN]  # the player was already stopped
    assert h.attempts == 0 and h.state is FeedState.CONNECTING and h.flag.since == 0.1
    assert kinds(h.reconnect(4.0)) == [STOP, OPEN]
    # libVLC's Stopped event from that STOP arrives after the new OPEN: ignored
    assert h.on_event(PlayerEventKind.STOPPED, 4.01) == [] and h.state is FeedState.CONNECTING


def test_invalid_config_rejected() -> None:
    with pytest.raises(ValueError):
        HealthConfig(stall_timeout_s=0)


def test_config_for_url() -> None:
    url = "RTSP://user:pw@10.0.0.5:554/ch1"
    cfg = HealthConfig.for_url(url, stall_timeout_s=30, player_supports_rtsp=False)
    assert cfg.scheme == "rtsp" and cfg.player_cannot_play_scheme and cfg.stall_timeout_s == 30
    default = HealthConfig.for_url("http://cam/stream.ts")
    assert default.stall_timeout_s == HealthConfig().stall_timeout_s and not default.player_cannot_play_scheme


def test_rebuffering_on_a_slow_link_is_not_a_stall_until_the_progress_timeout():
    import random

    from viewer.core.health import FeedHealth
    from viewer.core.health_model import ActionKind, FeedState, HealthConfig, PlayerEventKind

    cfg = HealthConfig(stall_timeout_s=3.0, stall_progress_timeout_s=10.0)
    h = FeedHealth(cfg, random.Random(1))
    h.start(0.0)
    h.on_event(PlayerEventKind.VOUT, 0.5)
    h.on_stats(10, 1000, 1.0)
    t, nbytes = 1.0, 1000
    while t < 9.5:  # pictures stop (last at t=1), bytes keep arriving
        t += 1.0
        nbytes += 500
        actions = h.on_stats(10, nbytes, t) + h.tick(t)
        assert h.state is FeedState.PLAYING, t
        assert not [a for a in actions if a.kind is ActionKind.FLAG]
    t += 1.0
    h.on_stats(10, nbytes + 500, t)
    h.tick(t)
    assert h.state is FeedState.STALLED and h.flag.reason.value == "stalled"


def test_stall_without_bytes_is_flagged_at_the_stall_timeout():
    import random

    from viewer.core.health import FeedHealth
    from viewer.core.health_model import FeedState, HealthConfig, PlayerEventKind

    h = FeedHealth(HealthConfig(stall_timeout_s=3.0), random.Random(1))
    h.start(0.0)
    h.on_event(PlayerEventKind.VOUT, 0.5)
    h.on_stats(10, 1000, 1.0)
    for t in (2.0, 3.0, 4.0):
        h.on_stats(10, 1000, t)
        h.tick(t)
    assert h.state is FeedState.STALLED


def test_carried_flag_keeps_its_since_until_pictures_clear_it():
    import random

    from viewer.core.health import FeedHealth
    from viewer.core.health_model import ActionKind, Flag, HealthConfig, PlayerEventKind
    from viewer.core.reasons import Reason

    h = FeedHealth(HealthConfig(), random.Random(3))
    h.carry_flag(Flag(Reason.REFUSED, 100.0, "connection refused"))
    assert [a.kind for a in h.start(500.0)] == [ActionKind.OPEN]
    assert h.flag.since == 100.0
    actions = h.on_event(PlayerEventKind.ERROR, 500.1)  # still down: same outage, same since
    assert h.flag.since == 100.0
    assert ActionKind.STOP in [a.kind for a in actions]
    h2 = FeedHealth(HealthConfig(), random.Random(3))
    h2.carry_flag(Flag(Reason.REFUSED, 100.0))
    h2.start(500.0)
    assert [a.kind for a in h2.on_event(PlayerEventKind.VOUT, 501.0)] == [ActionKind.UNFLAG]
    assert h2.flag is None


def test_storm_members_hold_their_retries_and_retry_within_a_cap_after_the_storm():
    import random

    from viewer.core.health import FeedHealth
    from viewer.core.health_model import ActionKind, HealthConfig, PlayerEventKind
    from viewer.core.probe import ProbeResult
    from viewer.core.reasons import Reason

    in_storm = [True]
    h = FeedHealth(HealthConfig(backoff_base_s=1.0, backoff_cap_s=8.0), random.Random(5),
                   hold_retry=lambda now: in_storm[0])
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.1)
    h.on_probe(ProbeResult(Reason.REFUSED, 1.0, "refused"), 0.2)
    t = 0.2
    while t < 60:  # the storm lasts a minute: the member never reopens on its own
        t += 0.25
        assert ActionKind.OPEN not in [a.kind for a in h.tick(t)], t
    in_storm[0] = False  # the storm ended (its wave may have missed this feed)
    start = t
    while t < start + 20:
        t += 0.25
        if ActionKind.OPEN in [a.kind for a in h.tick(t)]:
            break
    assert t <= start + 8.0 + 0.25  # at most one backoff cap later it retries on its own


def test_a_stale_hls_playlist_is_not_reopened_until_the_probe_sees_it_move() -> None:
    """Reopening a stale playlist replays its old segments: pictures that are no recovery."""
    h = started_playing(replace(CFG, playlist=True))
    play_until(h, 1.0, 10.0)
    assert kinds(h.tick(15.0)) == [FLAG, PROBE]
    h.on_probe(probe(Reason.OK, "HLS playlist, 5 segments"), 15.1)  # not stale enough yet
    assert kinds(h.tick(20.0)) == [STOP, PROBE]  # so it asks again before reopening
    h.on_probe(probe(Reason.STALLED, "HLS playlist not updated for 9 s (segments of 2 s)"), 20.1)
    assert h.flag.reason is Reason.STALLED
    due = h.next_retry_at
    assert h.tick(due) == [] and h.next_retry_at == due + CFG.backoff_cap_s  # no reopen
    t = due
    while not (actions := h.tick(t)):
        t += 0.25
    assert actions == [Action(PROBE, detail="return")]
    assert kinds(h.on_probe(probe(Reason.STALLED), t + 0.1)) == []  # still stale: keep waiting
    while not (actions := h.tick(t)):
        t += 0.25
    assert kinds(h.on_probe(probe(Reason.OK), t + 0.1)) == [OPEN]  # the playlist moves again


def test_the_sessions_reason_is_the_flag_at_once_without_a_diagnosis_probe() -> None:
    h = make(seed=3)
    h.start(0.0)
    actions = h.on_event(PlayerEventKind.ERROR, 0.04, Reason.AUTH, "401 Unauthorized")
    assert kinds(actions) == [STOP, FLAG]  # no PROBE: the session already asked the camera
    assert (h.flag.reason, h.flag.detail, h.flag.since) == (Reason.AUTH, "401 Unauthorized", 0.04)
    assert h.state is FeedState.WAITING and h.next_retry_at is not None
    assert h.camera_found_down  # so return probes watch for the camera


def test_after_a_session_verdict_a_return_probe_ok_reopens_at_once() -> None:
    h = make(seed=4)
    h.start(0.0)
    play_until(h, 0.0, 3.0)
    assert kinds(h.on_event(PlayerEventKind.ENDED, 3.5, Reason.ENDED, "the camera ended the stream")) == [STOP, FLAG]
    t, probed = 3.5, False
    while not probed:
        t += 0.25
        actions = h.tick(t)
        if kinds(actions) == [OPEN]:  # a backoff retry came first: it fails refused
            refused = h.on_event(PlayerEventKind.ERROR, t + 0.01, Reason.REFUSED, "Connection refused")
            assert kinds(refused) in ([STOP, FLAG], [STOP])  # FLAG only when the reason changes
            assert h.flag.reason is Reason.REFUSED
        probed = kinds(actions) == [PROBE]
    assert h.flag.reason in (Reason.ENDED, Reason.REFUSED)
    assert kinds(h.on_probe(probe(Reason.OK), t + 0.02)) == [OPEN]  # the camera is back
    assert h.on_event(PlayerEventKind.VOUT, t + 1.0)[0].kind is UNFLAG


def test_a_libvlc_error_without_a_reason_still_asks_the_probe() -> None:
    h = make()
    h.start(0.0)
    assert kinds(h.on_event(PlayerEventKind.ERROR, 0.1)) == [STOP, FLAG, PROBE]
    assert h.flag.reason is Reason.ERROR


def test_a_camera_the_session_saw_go_away_is_probed_quickly_for_a_while() -> None:
    cfg = HealthConfig(return_probe_interval_s=3.0, quick_return_probe_interval_s=0.5, quick_return_window_s=20.0,
                       backoff_base_s=60.0, backoff_floor_s=30.0)  # retries far away: only probes matter
    h = make(cfg, seed=7)
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.1, Reason.REFUSED, "Connection refused")
    probes, t = [], 0.1
    while t < 40.0:
        t += 0.05
        if kinds(h.tick(t)) == [PROBE]:
            probes.append(t)
            h.on_probe(probe(Reason.REFUSED), t + 0.01)
    early = [b - a for a, b in itertools.pairwise(probes) if b < 20.0]
    late = [b - a for a, b in itertools.pairwise(probes) if a > 21.0]
    assert early and all(0.5 * 0.7 - 0.06 <= gap <= 0.5 * 1.3 + 0.06 for gap in early), early
    assert late and all(3.0 * 0.7 - 0.06 <= gap <= 3.0 * 1.3 + 0.06 for gap in late), late


def test_an_auth_verdict_is_probed_at_the_normal_pace() -> None:
    h = make(HealthConfig(return_probe_interval_s=3.0, backoff_base_s=60.0, backoff_floor_s=30.0), seed=8)
    h.start(0.0)
    h.on_event(PlayerEventKind.ERROR, 0.1, Reason.AUTH, "401")
    t = 0.1
    while kinds(h.tick(t)) != [PROBE]:
        t += 0.05
    assert t >= 0.1 + 3.0 * 0.7
