"""The libVLC player with RTSP: relayed cameras play through libVLC (pictures counted by
libVLC's own stats), the session's reason arrives as the player event, and ``rtsp://``
never reaches a libVLC without an RTSP client when the relay is switched off."""

from __future__ import annotations

import threading
import time

import pytest

from viewer.core.health import PlayerEventKind
from viewer.core.reasons import Reason
from viewer.player.base import EngineOptions, create_engine

RED = "0xFFFF0000"
WAIT_S = 15.0


class Events:
    def __init__(self) -> None:
        self.items = []
        self.changed = threading.Condition()

    def __call__(self, event) -> None:  # a libVLC or relay thread
        with self.changed:
            self.items.append(event)
            self.changed.notify_all()

    def wait(self, predicate, timeout_s: float = WAIT_S):
        with self.changed:
            assert self.changed.wait_for(lambda: any(predicate(e) for e in self.items), timeout_s), self.items
            return next(e for e in self.items if predicate(e))


@pytest.fixture
def engine_with():
    engines = []

    def make(**options):
        engine = create_engine(EngineOptions(**options))
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.release()


def test_relayed_camera_plays_and_its_failure_carries_the_session_reason(gst_rtsp, engine_with):
    server = gst_rtsp({"/red": RED}, {"/cam": RED}, "viewer:pw")
    engine = engine_with()
    assert engine.supports_scheme("rtsp") and engine.supports_scheme("rtsps")
    good, bad = engine.new_player(), engine.new_player()
    good_events, bad_events = Events(), Events()
    good.set_listener(good_events)
    bad.set_listener(bad_events)
    try:
        good.play(server.url("/red"))
        generation = bad.play(server.url("/cam"), "viewer", "wrong")
        failure = bad_events.wait(lambda e: e.kind is PlayerEventKind.ERROR and e.reason is not None)
        assert (failure.reason, failure.generation) == (Reason.AUTH, generation)
        assert "wrong" not in failure.detail
        good_events.wait(lambda e: e.kind is PlayerEventKind.VOUT)
        deadline = time.monotonic() + WAIT_S
        while good.stats().displayed_pictures < 25 and time.monotonic() < deadline:
            time.sleep(0.1)  # polling libVLC's counters, as the wall does
        assert good.stats().displayed_pictures >= 25
        started = time.monotonic()
        good.stop()
        assert time.monotonic() - started < 1.0
        assert server.wait_events("teardown", 1, WAIT_S)
    finally:
        good.release()
        bad.release()


def test_without_the_relay_rtsp_never_reaches_a_libvlc_without_live555(engine_with):
    engine = engine_with(rtsp_client="libvlc")
    if engine.supports_scheme("rtsp"):
        pytest.skip("this libVLC has live555 (not Debian's): the libvlc client is used")
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    try:
        generation = player.play("rtsp://127.0.0.1:9/never-opened")
        event = events.wait(lambda e: e.kind is PlayerEventKind.ERROR)
        assert (event.reason, event.generation) == (Reason.UNSUPPORTED, generation)
        assert not any(e.kind is PlayerEventKind.OPENING for e in events.items)  # libVLC never opened it
    finally:
        player.release()
