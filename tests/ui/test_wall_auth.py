"""The wall plays cameras that need a password (HTTP Basic and Digest) from the catalog's
username/password fields, with a password that needs percent-encoding: real libVLC into the
real tile under Xvfb, checked by the colour on screen; nothing of the password in the log."""

from __future__ import annotations

import pytest

from tests.player.test_vlc_adapter import DIGEST_UNSUPPORTED
from tests.support.clips import COLOURS_RGB
from tests.support.screen_samples import close_to, grab_colour
from viewer.core.health import FeedState
from viewer.sim.cameras import Behaviour, SimCamera

USER, PASSWORD = "op@desk", "p:ss/w@rd%9?#"


@pytest.mark.parametrize("behaviour", [Behaviour.AUTH_BASIC, pytest.param(Behaviour.AUTH_DIGEST,
                                                                           marks=DIGEST_UNSUPPORTED)])
def test_a_camera_behind_a_password_plays_on_the_wall(qtbot, make_wall, simulator, clips, behaviour, caplog):
    url = simulator.add_http(SimCamera(f"/{behaviour.value}", behaviour, username=USER, password=PASSWORD,
                                       clip=clips["green"]))  # fmt: skip
    text = ("version: 1\ndistricts:\n  - {id: d1, name: D1}\ncameras:\n"
            f"  - {{id: locked, name: Locked, district: d1, url: '{url}', username: '{USER}',"
            f" password: '{PASSWORD}'}}\n")  # fmt: skip
    window = make_wall(text)
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feeds[0]
    # Digest is expected to fail (xfail): do not spend the full wait on it
    wait_ms = 20_000 if behaviour is Behaviour.AUTH_BASIC else 10_000
    qtbot.waitUntil(lambda: feed.state is FeedState.PLAYING, timeout=wait_ms)
    tile = window.grid.tiles[0]
    qtbot.waitUntil(lambda: close_to(grab_colour(tile), COLOURS_RGB["green"]), timeout=10_000)
    assert feed.flag is None
    assert PASSWORD not in caplog.text and "p%3Ass" not in caplog.text
