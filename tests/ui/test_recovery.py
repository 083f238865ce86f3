"""Fast, gentle recovery against a real stream server process that the tests freeze
(SIGSTOP), resume (SIGCONT), kill and restart on the same port; production thresholds.

- pictures are back within a few seconds of the server's return, wherever the backoff stood;
- a slow server (answers after 1.5 s) brings a page up without a single player teardown;
- 16 feeds of one recorder failing together are one storm: one summary, a staggered reopen.
"""

from __future__ import annotations

import random
import signal
import time

import pytest

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from tests.support.stream_server import StreamServer
from viewer.core.health_model import FeedState

RETURN_GOAL_S = 3.0
WAIT_MS = 60_000


@pytest.fixture
def server_factory(clips):
    servers: list[StreamServer] = []

    def make(count: int, *extra: str) -> StreamServer:
        server = StreamServer(clips["pattern"], count, *extra)
        server.start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


def _playing(feed) -> bool:
    return feed.state is FeedState.PLAYING and feed.flag is None


def test_pictures_return_quickly_after_a_freeze_whatever_the_backoff(qtbot, make_wall, server_factory):
    server = server_factory(1)
    window = make_wall(catalog_yaml({"d1": [("cam", server.urls[0])]}))
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    rng = random.Random(12)
    returns = []
    for freeze_s in (rng.uniform(5, 9), rng.uniform(12, 20)):
        qtbot.waitUntil(lambda: _playing(feed), timeout=WAIT_MS)
        server.signal(signal.SIGSTOP)
        qtbot.waitUntil(lambda: feed.flag is not None, timeout=WAIT_MS)
        qtbot.wait(int(freeze_s * 1000))  # the outage lasts this long: the backoff moves on meanwhile
        attempts = feed.health.attempts
        server.signal(signal.SIGCONT)
        resumed = time.monotonic()
        qtbot.waitUntil(lambda: _playing(feed), timeout=WAIT_MS)
        returns.append((time.monotonic() - resumed, attempts))
        # the journal confirms the recovery (hysteresis) before the next, separate fault
        qtbot.waitUntil(lambda: reading(window.services.journal).query(open_only=True) == [], timeout=WAIT_MS)
    assert all(took <= RETURN_GOAL_S for took, _ in returns), returns
    outages = reading(window.services.journal).query()
    assert len(outages) == 2 and all(o.ended_at is not None for o in outages)


def test_killed_server_restarted_on_the_same_port_comes_back_quickly(qtbot, make_wall, server_factory):
    server = server_factory(1)
    window = make_wall(catalog_yaml({"d1": [("cam", server.urls[0])]}))
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    qtbot.waitUntil(lambda: _playing(feed), timeout=WAIT_MS)
    server.kill()
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason.value == "refused", timeout=WAIT_MS)
    qtbot.wait(6000)  # down for a while: several retries back off
    server.start()
    restarted = time.monotonic()
    qtbot.waitUntil(lambda: _playing(feed), timeout=WAIT_MS)
    assert time.monotonic() - restarted <= RETURN_GOAL_S


def test_slow_server_page_comes_up_without_a_single_teardown(qtbot, make_wall, server_factory):
    server = server_factory(16, "--behaviour", "slow", "--delay", "1.5")
    window = make_wall(catalog_yaml({"d1": [(f"cam{i}", url) for i, url in enumerate(server.urls)]}))
    started = time.monotonic()
    window.controller.show_district("d1", 0, "4x4")
    feeds = window.controller.active_feeds()
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in feeds), timeout=WAIT_MS)
    page_up_s = time.monotonic() - started
    assert [f.player.generation for f in feeds] == [1] * 16  # one play() each: no teardown, no reopen
    assert all(f.flag is None for f in feeds)
    assert page_up_s < 15


def test_recorder_outage_is_one_storm_with_a_staggered_reopen(qtbot, make_wall, server_factory):
    server = server_factory(16)
    window = make_wall(catalog_yaml({"d1": [(f"cam{i}", url) for i, url in enumerate(server.urls)]}))
    window.controller.show_district("d1", 0, "4x4")
    feeds = window.controller.active_feeds()
    qtbot.waitUntil(lambda: all(_playing(f) for f in feeds), timeout=WAIT_MS)
    server.kill()
    recorders = window.controller.recorders
    qtbot.waitUntil(lambda: [len(s.feed_keys) for s in recorders.current_storms()] == [16], timeout=WAIT_MS)
    storm = recorders.current_storms()[0]
    assert storm.host == "127.0.0.1"
    assert "recorder 127.0.0.1" in window.status_label.text() and "16 cameras" in window.status_label.text()
    window.flag_panel.refresh()
    assert "recorder 127.0.0.1" in window.flag_panel.summary.text()  # one line for the recorder outage
    generations = {id(f): f.player.generation for f in feeds}
    server.start()
    reopened: dict[int, float] = {}

    def all_reopened() -> bool:
        for f in feeds:
            if id(f) not in reopened and f.player.generation != generations[id(f)]:
                reopened[id(f)] = time.monotonic()
        return len(reopened) == 16

    qtbot.waitUntil(all_reopened, timeout=WAIT_MS)
    times = sorted(reopened.values())
    assert times[-1] - times[0] >= 1.5  # a wave (0.2 s apart), not 16 opens at once
    qtbot.waitUntil(lambda: all(_playing(f) for f in feeds), timeout=WAIT_MS)
    assert window.controller.recorders.current_storms() == []
