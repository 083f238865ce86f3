"""The libVLC player with RTSP: relayed cameras play through libVLC (pictures counted by
libVLC's own stats) through the socket hand-off (Linux) and through the Python read callback
(what Windows uses), the sockets' descriptors are all closed again after many plays and stops,
the session's reason arrives as the player event, and ``rtsp://`` never reaches a libVLC
without an RTSP client when the relay is switched off."""

from __future__ import annotations

import os
import threading
import time

import pytest

from viewer.core.health_model import PlayerEventKind
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


@pytest.fixture
def bare_engine():
    """The libVLC engine without the guarded wrapper: play/stop return when libVLC did them."""
    from viewer.player.vlc_backend import VlcEngine

    engine = VlcEngine(EngineOptions())
    yield engine
    engine.release()


def wait_pictures(player, count: int) -> int:
    deadline = time.monotonic() + WAIT_S
    while player.stats().displayed_pictures < count and time.monotonic() < deadline:
        time.sleep(0.1)  # polling libVLC's counters, as the wall does
    return player.stats().displayed_pictures


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors in /proc")
def test_socket_descriptors_are_closed_after_plays_stops_and_quick_replays(gst_rtsp, bare_engine):
    from viewer.player.relay_socket import SOCKET_HANDOFF

    assert SOCKET_HANDOFF  # Linux: FFmpeg writes the relay's socket, libVLC reads it with libc's read
    server = gst_rtsp({"/red": RED, "/green": "0xFF00FF00"})
    engine = bare_engine
    player = engine.new_player()
    player.set_listener(Events())
    try:
        player.play(server.url("/red"))
        assert wait_pictures(player, 5) >= 5
        player.stop()
        assert engine.relay.release(timeout_s=WAIT_S)  # its session ended: sockets closed
        before = open_fds()
        for _ in range(3):
            player.play(server.url("/red"))
            player.play(server.url("/green"))  # replaced at once: its input may never open the socket
            assert wait_pictures(player, 5) >= 5
            player.stop()
        assert engine.relay.release(timeout_s=WAIT_S)  # sessions (and their sockets) gone too
        assert open_fds() == before
    finally:
        player.release()


def test_the_python_read_callback_windows_uses_plays_too(gst_rtsp, bare_engine, monkeypatch):
    from viewer.player import relay_output

    monkeypatch.setattr(relay_output, "SOCKET_HANDOFF", False)  # as on Windows
    server = gst_rtsp({"/red": RED})
    engine = bare_engine
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    try:
        player.play(server.url("/red"))
        events.wait(lambda e: e.kind is PlayerEventKind.VOUT)
        assert wait_pictures(player, 25) >= 25
        assert type(player._relay_output.handoff).__name__ == "BufferHandoff"
        started = time.monotonic()
        player.stop()  # the blocked Python read returns at once
        assert time.monotonic() - started < 1.0
    finally:
        player.release()
