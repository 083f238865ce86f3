"""Picture checks inside the wall (real libVLC under Xvfb): a still picture is flagged
frozen_image and a black one blank_picture, through the same flag UI and journal as every
other reason; a moving picture is never flagged; a picture that moves again clears."""

from __future__ import annotations

from tests.support.catalogs import catalog_text
from tests.support.journal_reading import reading
from viewer.core.health_model import FeedState, HealthConfig
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, SimCamera

FLAG_WAIT_MS = 30_000
CHECKS = HealthConfig(picture_check_interval_s=1.0, player_supports_rtsp=False)
#: Per-camera thresholds: short, so that the test takes seconds, not minutes.
THRESHOLDS = {"frozen_after_s": 3, "blank_after_s": 3}


def _catalog(cams: list[tuple[str, str]]) -> str:
    return catalog_text([{"id": cam_id, "district": "d1", "url": url, **THRESHOLDS} for cam_id, url in cams])


def test_still_black_and_moving_pictures(qtbot, make_wall, simulator, clips, tmp_path):
    from tests.support.clips import make_clip

    still = make_clip(tmp_path, "still", source="smptebars=size=320x180:rate=15")
    cams = [
        ("still-cam", simulator.add_http(SimCamera("/still", Behaviour.HEALTHY, clip=still))),
        ("black-cam", simulator.add_http(SimCamera("/black", Behaviour.HEALTHY, clip=clips["black"]))),
        ("moving-cam", simulator.add_http(SimCamera("/moving", Behaviour.HEALTHY, clip=clips["pattern"]))),
    ]
    window = make_wall(_catalog(cams), health=CHECKS)
    window.controller.show_district("d1", 0, "1x3")
    still_feed, black_feed, moving_feed = (window.controller.feed_at(i) for i in range(3))
    qtbot.waitUntil(lambda: still_feed.flag is not None and still_feed.flag.reason is Reason.FROZEN_IMAGE,
                    timeout=FLAG_WAIT_MS)
    qtbot.waitUntil(lambda: black_feed.flag is not None and black_feed.flag.reason is Reason.BLANK_PICTURE,
                    timeout=FLAG_WAIT_MS)
    assert still_feed.state is FeedState.PLAYING  # pictures keep coming: the player is not stopped
    assert moving_feed.flag is None
    assert window.grid.tiles[window.controller.slots[0]].state == "flagged"
    assert "PICTURE FROZEN" in window.grid.tiles[window.controller.slots[0]].caption_text()
    journal = {(o.camera_id, o.reason) for o in reading(window.services.journal).query(open_only=True)}
    assert journal == {("still-cam", Reason.FROZEN_IMAGE), ("black-cam", Reason.BLANK_PICTURE)}


def test_a_frozen_picture_that_moves_again_clears_its_flag(qtbot, make_wall, simulator, clips, tmp_path):
    from tests.support.clips import make_clip

    # 8 s of a still picture, then 8 s of movement, looped: an NVR that sticks and recovers.
    graph = ("smptebars=size=320x180:rate=15:duration=8 [a]; testsrc2=size=320x180:rate=15:duration=8 [b]; "
             "[a][b] concat=n=2:v=1:a=0 [out0]")
    sticky = make_clip(tmp_path, "sticky", seconds=16, source=graph)
    window = make_wall(_catalog([("cam", simulator.add_http(SimCamera("/sticky", Behaviour.HEALTHY, clip=sticky)))]),
                       health=CHECKS)
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason is Reason.FROZEN_IMAGE, timeout=FLAG_WAIT_MS)
    qtbot.waitUntil(lambda: feed.flag is None, timeout=FLAG_WAIT_MS)  # the picture moves again
    qtbot.waitUntil(lambda: reading(window.services.journal).query(open_only=True) == [], timeout=FLAG_WAIT_MS)
    outages = reading(window.services.journal).query()
    assert [(o.reason, o.ended_at is not None) for o in outages] == [(Reason.FROZEN_IMAGE, True)]
