"""A cable cut shorter than TCP's retry time: the camera's packets are dropped (a real black
hole: the server in its own network namespace behind a veth pair, nftables dropping every
packet), then let through again. The old TCP connection survives such a cut and would
deliver its backlog, seconds behind live, for as long as it lasts; the wall reopens the
feed instead — as soon as the stall's probe finds the camera answering, or when the backlog
starts to arrive, whichever comes first — so the tile is live again (a fresh session, a new
libVLC media), and the outage stays flagged until the new session shows the camera's
picture."""

from __future__ import annotations

import logging
import os

import pytest

from tests.support.blackhole import BlackHoleLink
from tests.support.catalogs import catalog_yaml
from tests.support.clips import COLOURS_RGB
from tests.support.journal_reading import reading
from tests.support.screen_samples import close_to, grab_colour
from tests.support.stream_server import StreamServer
from viewer.core.health_model import FeedState
from viewer.core.reasons import Reason

WAIT_MS = 60_000


@pytest.fixture
def blackholed_server(clips):
    """One simulated HTTP camera (green, live join) served from behind a cuttable cable."""
    if os.geteuid() != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("the black-hole fault needs root (ip netns, nft)")
        pytest.skip("the black-hole fault needs root (ip netns, nft)")
    link = BlackHoleLink().open()
    server = StreamServer(clips["green"], 1, "--live-join", link=link)
    try:
        server.start()
        yield server, link
    finally:
        server.stop()
        link.close()


def _live(feed) -> bool:
    return feed.state is FeedState.PLAYING and feed.flag is None


def test_a_short_cable_cut_ends_with_a_fresh_live_session_not_the_backlog(qtbot, make_wall, blackholed_server,
                                                                            caplog):
    server, link = blackholed_server
    window = make_wall(catalog_yaml({"d1": [("cam", server.urls[0])]}))
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    tile = window.grid.shown[0]
    qtbot.waitUntil(lambda: _live(feed) and close_to(grab_colour(tile), COLOURS_RGB["green"]), timeout=WAIT_MS)
    generation = feed.player.generation
    caplog.set_level(logging.INFO, logger="viewer.core.health")
    caplog.set_level(logging.INFO, logger="viewer.ui.feed")

    link.cut_cable()
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason is Reason.STALLED, timeout=WAIT_MS)
    # Mended at once: the outage (>= STALL_TIMEOUT_S) ends well inside TCP's retransmission
    # schedule and before STALL_REOPEN_S would stop the player, so the old connection would
    # resume; the stall's probe (sent at the flag) gets through as well.
    link.mend_cable()

    reopened = generation + 2  # the player's generation counts every stop() and play()
    qtbot.waitUntil(lambda: feed.player.generation >= reopened, timeout=WAIT_MS)
    why = [r.getMessage() for r in caplog.records
           if "reopening to be live again" in r.getMessage() or "(stalled, camera answers)" in r.getMessage()]
    assert len(why) == 1, [r.getMessage() for r in caplog.records]  # one reopen, for one of the two
    assert feed.flag is not None and feed.flag.reason is Reason.STALLED  # flagged until the new session plays
    qtbot.waitUntil(lambda: _live(feed), timeout=WAIT_MS)
    assert feed.player.generation == reopened  # one stop and one play: no retry, no storm
    # The new session's own pictures: libVLC's counters (of the new media) rise ...
    shown = feed.player.stats().displayed_pictures
    qtbot.waitUntil(lambda: feed.player.stats().displayed_pictures > shown, timeout=WAIT_MS)
    # ... and the camera's picture fills the tile, not a flag painted on black.
    qtbot.waitUntil(lambda: close_to(grab_colour(tile), COLOURS_RGB["green"]), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: reading(window.services.journal).query(open_only=True) == [], timeout=WAIT_MS)
    outages = reading(window.services.journal).query()
    assert [o.reason for o in outages] == [Reason.STALLED] and outages[0].ended_at is not None
