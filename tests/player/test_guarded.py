"""GuardedPlayer around a player double: the caller never waits for a hanging call, a stuck
player is quarantined and replaced, old generations stay stale. Pure threading, no Qt."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.player_double import Events, StallingEngine
from tests.support.waiting import wait_until
from viewer.core.health_model import PlayerEventKind
from viewer.player import guarded

DEADLINE_S = 0.5


@pytest.fixture
def engines(monkeypatch):
    monkeypatch.setattr(guarded, "PLAYER_CALL_DEADLINE_S", DEADLINE_S)
    monkeypatch.setattr(guarded, "PLAYER_WATCHDOG_INTERVAL_S", 0.05)
    inner = StallingEngine()
    engine = guarded.GuardedEngine(inner)
    yield inner, engine
    inner.unblock()
    engine.release()


def test_calls_return_at_once_while_the_inner_stop_hangs(engines):
    inner, engine = engines
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    player.set_window(42)
    generation = player.play("http://cam/a")
    wait_until(lambda: PlayerEventKind.VOUT in events.kinds(generation))
    inner.hang.add("stop")
    started = time.perf_counter()
    player.stop()
    player.stats()
    player.is_playing()
    player.play("http://cam/b")
    assert time.perf_counter() - started < 0.05  # nothing waited for the hanging stop
    wait_until(lambda: inner.hanging == [(1, "stop")])


def test_a_stuck_player_is_quarantined_and_replaced(engines):
    inner, engine = engines
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    player.set_window(42)
    player.play("http://cam/a")
    inner.hang.add("stop")
    player.stop()
    stop_generation = player.generation
    queued = player.play("http://cam/b")  # queued behind the hanging stop: dropped with that player
    wait_until(lambda: engine.stuck_players == 1, DEADLINE_S + 2.0)
    stuck = [e for e in events.items if e.kind is PlayerEventKind.STUCK]
    assert len(stuck) == 1 and "stop" in stuck[0].detail and stuck[0].generation == queued
    assert stop_generation < queued
    inner.hang.clear()
    generation = player.play("http://cam/b")
    wait_until(lambda: PlayerEventKind.VOUT in events.kinds(generation))
    assert len(inner.players) == 2 and inner.players[1].window == 42  # fresh player, same window
    assert (2, "play") in inner.calls
    inner.gate.set()  # the stuck stop returns at last ...
    wait_until(lambda: (1, "stop") in inner.calls)
    threading.Event().wait(0.2)
    assert [c for c in inner.calls if c[0] == 1][-1] == (1, "stop")  # ... and player 1 is never touched again
    assert engine.stuck_players == 1


def test_events_of_an_older_generation_stay_stale(engines):
    inner, engine = engines
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    first = player.play("http://cam/a")
    second = player.play("http://cam/b")
    wait_until(lambda: PlayerEventKind.VOUT in events.kinds(second))
    inner.players[0].emit_stale(PlayerEventKind.ERROR)  # the first media's late error
    threading.Event().wait(0.05)
    assert PlayerEventKind.ERROR not in events.kinds(second)
    assert all(e.generation in (first, second) for e in events.items)


def test_release_never_waits_for_a_stuck_player_and_keeps_libvlc(engines):
    inner, engine = engines
    player = engine.new_player()
    inner.hang.add("release")
    player.release()
    wait_until(lambda: inner.hanging == [(1, "release")])
    started = time.monotonic()
    engine.release()
    assert time.monotonic() - started < DEADLINE_S + 1.0
    assert not inner.released  # freeing libVLC under a stuck call could crash the exit


def test_worker_threads_are_named_and_end_after_release(engines):
    inner, engine = engines
    players = [engine.new_player() for _ in range(3)]
    threads = [p.worker_thread for p in players]
    assert all(t.name.startswith("player-") for t in threads)
    engine.release()
    assert not any(t.is_alive() for t in threads)
    assert inner.released
