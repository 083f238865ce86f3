"""Helpers for the real-libVLC player tests: a player with an event recorder on a window, and
a wait for libVLC's own picture counter (fixtures ``window`` and ``engine``: tests/player/conftest.py)."""

from __future__ import annotations

from tests.support.player_double import Events

WAIT_S = 20.0


def new_player(engine, window) -> tuple[object, Events]:
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    player.set_window(int(window.winId()))
    return player, events


def pictures_rise(qtbot, player, more_than: int = 5) -> None:
    first = player.stats().displayed_pictures
    qtbot.waitUntil(lambda: player.stats().displayed_pictures > first + more_than, timeout=int(WAIT_S * 1000))
