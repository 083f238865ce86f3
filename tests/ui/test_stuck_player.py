"""A player call that never returns must not freeze the wall (issue: libVLC's stop hung in
input_Close on the Qt main thread). The wall runs with its real window, feeds and journal;
the players are doubles that hang on demand (tests/support/player_double.py) behind the
product's GuardedEngine. The event loop keeps running, the stuck player is quarantined and
replaced, the camera is flagged and the event journalled."""

from __future__ import annotations

import pytest

from tests.benchmarks.harness import measure_lag
from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from tests.support.player_double import StallingEngine
from viewer.core.health_model import FeedState
from viewer.core.reasons import Reason
from viewer.player import guarded

DEADLINE_S = 1.0


@pytest.fixture
def stalling(monkeypatch):
    monkeypatch.setattr(guarded, "PLAYER_CALL_DEADLINE_S", DEADLINE_S)
    inner = StallingEngine()
    yield inner, guarded.GuardedEngine(inner)
    inner.unblock()


def test_a_hanging_stop_leaves_the_wall_painting_and_the_tile_gets_a_fresh_player(qtbot, make_wall, stalling):
    inner, engine = stalling
    window = make_wall(catalog_yaml({"d1": [("cam-a", "http://127.0.0.1:9/a"), ("cam-b", "http://127.0.0.1:9/b")]}),
                       engine=engine)  # fmt: skip
    controller = window.controller
    controller.show_district("d1", 0, "1x1")
    feed = controller.feeds[0]
    qtbot.waitUntil(lambda: feed.state is FeedState.PLAYING, timeout=10_000)
    inner.hang.add("stop")
    feed.show(None)  # what the tour's _stop_next did when libVLC hung
    lag = measure_lag(DEADLINE_S * 0.8)  # the stop hangs all along this window
    assert inner.hanging == [(1, "stop")]
    assert lag["lag_max_ms"] < 250, lag  # the old code blocked here for the whole hang
    qtbot.waitUntil(lambda: engine.stuck_players == 1, timeout=int(DEADLINE_S * 1000) + 3000)
    qtbot.waitUntil(lambda: any(kind == "player-stuck" for kind, _, _ in reading(window.services.journal).events()),
                    timeout=3000)  # fmt: skip
    inner.hang.clear()
    controller.show_district("d1", 0, "1x2")
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.feeds[:2]), timeout=10_000)
    assert [c for c in inner.calls if c[0] == 1][-1] == (1, "stop")  # never touched again
    assert window.isVisible()


def test_a_hanging_play_flags_the_camera_player_stuck(qtbot, make_wall, stalling, colour_streams):
    inner, engine = stalling
    answering = colour_streams("red")  # the diagnosis probe finds the camera fine: the player is at fault
    window = make_wall(catalog_yaml({"d1": [("cam-a", answering)]}), engine=engine)
    inner.hang.add("play")
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feeds[0]
    qtbot.waitUntil(lambda: feed.flag is not None, timeout=int(DEADLINE_S * 1000) + 5000)
    assert feed.flag.reason is Reason.ERROR and feed.flag.detail == "player stuck"
    journal = reading(window.services.journal)
    assert [(o.camera_id, o.reason) for o in journal.query(open_only=True)] == [("cam-a", Reason.ERROR)]
    events = [detail for kind, detail, _ in journal.events() if kind == "player-stuck"]
    assert events and events[0].startswith("camera cam-a: player stuck (play)")
    inner.hang.clear()
    qtbot.waitUntil(lambda: feed.state is FeedState.PLAYING, timeout=15_000)  # the retry uses the fresh player
    qtbot.waitUntil(lambda: feed.flag is None, timeout=5000)
