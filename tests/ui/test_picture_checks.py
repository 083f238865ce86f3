"""Picture checks end to end under Xvfb: simulator streams played by the real libVLC adapter
into real native windows. The thumbnail the wall's picture checker takes (``thumbnail_png()``
decoded by Qt, ``decode_thumbnail``; the same pixels as ``tests.support.png`` gives) feeds a
:class:`PictureWatch` with short test thresholds. A still image is flagged frozen, a black
stream blank, a moving pattern never, and a stream that goes from still to moving clears its
flag by itself."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

import pytest

from tests.support.clips import make_clip
from tests.support.png import decode_png
from viewer.core.picture import PictureCheckConfig, PictureWatch, fingerprint
from viewer.core.reasons import Reason
from viewer.player.base import THUMBNAIL_HEIGHT_PX, THUMBNAIL_WIDTH_PX
from viewer.sim.cameras import Behaviour, SimCamera
from viewer.ui.picture_checker import decode_thumbnail

#: Short thresholds so the suite stays fast; thumbnails far more often than the app takes them.
FAST = PictureCheckConfig(frozen_after_s=3.0, blank_after_s=3.0)
THUMBNAIL_INTERVAL_MS = 250
PLAY_TIMEOUT_MS = 15_000
FLAG_TIMEOUT_MS = 20_000
NEVER_FLAGGED_WINDOW_S = 8.0

#: Still pictures whose frames keep coming: SMPTE colour bars (like an encoder's test card);
#: and 6 s of those bars followed by 6 s of a moving pattern, looped by the simulator.
STILL_SOURCE = "smptebars=size=320x180:rate=15"
STILL_THEN_MOVING_SOURCE = (
    "smptebars=size=320x180:rate=15:duration=6[a];testsrc2=size=320x180:rate=15:duration=6[b];"
    "[a][b]concat=n=2:v=1:a=0[out0]"
)


@pytest.fixture(scope="module")
def picture_clips(tmp_path_factory, clips):
    folder = tmp_path_factory.mktemp("picture-clips")
    return {
        "still": make_clip(folder, "still", source=STILL_SOURCE),
        "still_then_moving": make_clip(folder, "still_then_moving", seconds=12.0, source=STILL_THEN_MOVING_SOURCE),
        "black": clips["black"],
        "pattern": clips["pattern"],
    }


@dataclass
class Checked:
    """One player in its own native window, sampled every THUMBNAIL_INTERVAL_MS."""

    player: object
    watch: PictureWatch
    answers: list[tuple[float, Reason | None]] = field(default_factory=list)
    call_ms: list[float] = field(default_factory=list)
    misses: int = 0  # no thumbnail

    def sample(self) -> None:
        started = time.perf_counter()
        data = self.player.thumbnail_png()
        thumb = decode_thumbnail(data) if data is not None else None
        self.call_ms.append((time.perf_counter() - started) * 1000)
        if thumb is None:
            self.misses += 1
            return
        pure = decode_png(data)
        assert thumb == (pure.width, pure.height, pure.rgb())  # Qt's decoder and ours agree
        width, height, rgb = thumb
        assert (width, height, len(rgb)) == (THUMBNAIL_WIDTH_PX, THUMBNAIL_HEIGHT_PX, width * height * 3)
        now = time.monotonic()
        self.answers.append((now, self.watch.observe(fingerprint(width, height, rgb), now)))

    @property
    def latest(self) -> Reason | None:
        return self.answers[-1][1] if self.answers else None

    @property
    def span_s(self) -> float:
        return self.answers[-1][0] - self.answers[0][0] if len(self.answers) > 1 else 0.0


@pytest.fixture
def play_checked(qtbot, simulator):
    """Play a clip from the simulator in a native window; sample its thumbnails on a timer."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QWidget

    from viewer.player.base import create_engine

    engine = create_engine()
    made: list[Checked] = []
    timer = QTimer()
    timer.setInterval(THUMBNAIL_INTERVAL_MS)
    timer.timeout.connect(lambda: [c.sample() for c in made if c.player.stats().displayed_pictures > 0])

    def start(clip, config: PictureCheckConfig = FAST) -> Checked:
        url = simulator.add_http(SimCamera(f"/pic-{len(made)}", Behaviour.HEALTHY, clip=clip))
        surface = QWidget()
        surface.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        surface.resize(320, 180)
        qtbot.addWidget(surface)
        surface.show()
        qtbot.waitExposed(surface)
        player = engine.new_player()
        player.set_window(int(surface.winId()))
        player.play(url)
        checked = Checked(player, PictureWatch(config))
        made.append(checked)
        qtbot.waitUntil(lambda: player.stats().displayed_pictures > 0, timeout=PLAY_TIMEOUT_MS)
        timer.start()
        return checked

    yield start
    timer.stop()
    for checked in made:
        checked.player.release()
    engine.release()


def test_still_image_stream_is_flagged_frozen_not_blank(qtbot, play_checked, picture_clips):
    still = play_checked(picture_clips["still"])
    qtbot.waitUntil(lambda: still.latest is Reason.FROZEN_IMAGE, timeout=FLAG_TIMEOUT_MS)
    assert Reason.BLANK_PICTURE not in {answer for _t, answer in still.answers}
    assert still.player.stats().displayed_pictures > 30  # frames kept coming all along
    assert still.span_s >= FAST.frozen_after_s


def test_black_stream_is_flagged_blank(qtbot, play_checked, picture_clips):
    black = play_checked(picture_clips["black"])
    qtbot.waitUntil(lambda: black.latest is Reason.BLANK_PICTURE, timeout=FLAG_TIMEOUT_MS)
    assert Reason.FROZEN_IMAGE not in {answer for _t, answer in black.answers}


def test_moving_pattern_is_never_flagged(qtbot, play_checked, picture_clips):
    pattern = play_checked(picture_clips["pattern"])
    qtbot.waitUntil(lambda: pattern.span_s >= NEVER_FLAGGED_WINDOW_S, timeout=FLAG_TIMEOUT_MS)
    assert {answer for _t, answer in pattern.answers} == {None}
    assert len(pattern.answers) >= NEVER_FLAGGED_WINDOW_S * 1000 / THUMBNAIL_INTERVAL_MS / 2
    assert pattern.misses <= len(pattern.call_ms) // 10


def test_stream_that_starts_moving_again_clears_its_flag(qtbot, play_checked, picture_clips):
    feed = play_checked(picture_clips["still_then_moving"])
    qtbot.waitUntil(lambda: feed.latest is Reason.FROZEN_IMAGE, timeout=FLAG_TIMEOUT_MS)
    flagged = len(feed.answers)
    qtbot.waitUntil(lambda: feed.latest is None and len(feed.answers) > flagged, timeout=FLAG_TIMEOUT_MS)
    assert feed.watch.problem is None


def test_four_feeds_side_by_side_each_get_their_own_verdict(qtbot, play_checked, picture_clips):
    feeds = [play_checked(picture_clips[name]) for name in ("still", "black", "pattern", "still_then_moving")]
    still, black, pattern, _other = feeds
    qtbot.waitUntil(
        lambda: still.latest is Reason.FROZEN_IMAGE and black.latest is Reason.BLANK_PICTURE, timeout=FLAG_TIMEOUT_MS
    )
    assert {answer for _t, answer in pattern.answers} == {None}
    calls = [ms for checked in feeds for ms in checked.call_ms]
    print(f"thumbnail(): median {statistics.median(calls):.1f} ms, max {max(calls):.1f} ms over {len(calls)} calls")
    assert statistics.median(calls) < 200
