"""Fixtures for the real-libVLC player tests: the app's engine (GuardedEngine around
VlcEngine), a real X window under Xvfb to render into, and small helpers that wait for
events and for libVLC's own picture counter."""

from __future__ import annotations

import pytest

from tests.support.player_double import Events
from viewer.player.base import create_engine

WAIT_S = 20.0


@pytest.fixture
def window(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    widget.resize(320, 180)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def engine():
    engine = create_engine()
    yield engine
    engine.release()


def new_player(engine, window) -> tuple[object, Events]:
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    player.set_window(int(window.winId()))
    return player, events


def pictures_rise(qtbot, player, more_than: int = 5) -> None:
    first = player.stats().displayed_pictures
    qtbot.waitUntil(lambda: player.stats().displayed_pictures > first + more_than, timeout=int(WAIT_S * 1000))
