"""The libVLC adapter with real libVLC (behind the GuardedEngine, as the app uses it): events
carry their generation, thumbnails on their own thread race a release safely, and a player
that hangs in a call is quarantined while a fresh one plays on. Video goes into a real X
window (Xvfb); pictures are counted by libVLC's own stats. Cameras behind a password:
tests/player/test_http_auth.py."""

from __future__ import annotations

import threading
import time

from tests.support.players import WAIT_S, new_player, pictures_rise
from tests.support.png import decode_png
from viewer.core.health_model import PlayerEventKind
from viewer.player import guarded
from viewer.player.base import create_engine
from viewer.sim.cameras import SimCamera


def test_events_carry_their_generation(qtbot, engine, window, simulator, clips):
    red = simulator.add_http(SimCamera("/red", clip=clips["red"]))
    refused = "http://127.0.0.1:9/none"
    player, events = new_player(engine, window)
    try:
        failing = player.play(refused)
        playing = player.play(red)  # replaces the failing one at once
        events.wait_for(qtbot, PlayerEventKind.VOUT, playing)
        assert not events.seen(PlayerEventKind.ERROR, playing)
        assert all(e.generation in (failing, playing) for e in events.items)
        player.stop()
        assert player.generation == playing + 1
        assert not player.is_playing()
    finally:
        player.release()


def test_thumbnails_on_their_thread_race_release_safely(qtbot, engine, window, simulator, clips):
    url = simulator.add_http(SimCamera("/blue", clip=clips["blue"]))
    player, events = new_player(engine, window)
    generation = player.play(url)
    events.wait_for(qtbot, PlayerEventKind.VOUT, generation)
    thumbs: list[object] = []
    errors: list[BaseException] = []
    running = threading.Event()

    worker = player.worker_thread

    def take() -> None:
        try:
            while worker.is_alive():  # until the release has run on the player's worker
                thumbs.append(player.thumbnail_png())
                if thumbs[-1] is not None:
                    running.set()  # a real picture came: now race the release
            thumbs.append(player.thumbnail_png())  # after the release: no picture, no crash
        except BaseException as exc:  # reported below
            errors.append(exc)

    picture_thread = threading.Thread(target=take, name="picture-check-test")
    picture_thread.start()
    assert running.wait(WAIT_S)
    started = time.perf_counter()
    player.release()  # queued to the player's worker: returns at once
    assert time.perf_counter() - started < 0.05
    picture_thread.join(WAIT_S)
    assert not picture_thread.is_alive() and not errors
    real = [decode_png(t) for t in thumbs if t is not None]
    assert real and (real[0].width, real[0].height) == (64, 36) and thumbs[-1] is None
    width, height, rgb = real[0].width, real[0].height, real[0].rgb()
    assert len(rgb) == width * height * 3
    blue = sum(rgb[2::3]) / (width * height)
    assert blue > 150  # the blue clip, really decoded


def test_a_player_stuck_in_a_call_is_replaced_and_the_tile_plays_on(qtbot, window, simulator, clips, monkeypatch,
                                                                    tmp_path):
    """A real libVLC player whose snapshot hangs (its lock held, as by a thumbnail that never
    came back): the caller never waits, the player is quarantined at the deadline and the
    snapshot answers "failed" then, and the next play() shows pictures through a fresh libVLC
    player."""
    monkeypatch.setattr(guarded, "PLAYER_CALL_DEADLINE_S", 1.0)
    engine = create_engine()
    url = simulator.add_http(SimCamera("/yellow", clip=clips["yellow"]))
    player, events = new_player(engine, window)
    held = threading.Event()
    free = threading.Event()
    try:
        first = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.VOUT, first)
        inner = player._worker.inner

        def hold_lock() -> None:
            with inner._lock:
                held.set()
                free.wait(WAIT_S)

        holder = threading.Thread(target=hold_lock, name="picture-check-holder")
        holder.start()
        assert held.wait(5)
        answers: list[bool] = []
        started = time.perf_counter()
        player.snapshot_later(tmp_path / "snap.png", answers.append)
        assert time.perf_counter() - started < 0.05  # queued: the caller never waits
        events.wait_for(qtbot, PlayerEventKind.STUCK, timeout_s=5)
        qtbot.waitUntil(lambda: answers == [False], timeout=5000)  # answered at the quarantine
        assert engine.stuck_players == 1
        again = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.VOUT, again)
        pictures_rise(qtbot, player)
        assert player._worker.inner is not inner
    finally:
        free.set()
        player.release()
        engine.release()
