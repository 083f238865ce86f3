"""The benchmarks' own measuring tools, checked on known inputs: the on-screen picture check
accepts a frame of the benchmark stream and refuses what a tile without a picture shows
(black with a red flag text, a grey hint, a uniform frame); fps from libVLC stats counts
between the counter's own updates."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter

from tests.benchmarks.fps import fps_between_updates
from tests.benchmarks.wall_child import PICTURE_LIT_FRACTION_MIN, PICTURE_LUMA_STDDEV_MIN, picture_measures


def _passes(image: QImage) -> bool:
    lit, stddev = picture_measures(image)
    return lit >= PICTURE_LIT_FRACTION_MIN and stddev >= PICTURE_LUMA_STDDEV_MIN


def _surface(text: str, colour: QColor, fill: QColor | None = None) -> QImage:
    image = QImage(470, 250, QImage.Format.Format_RGB32)
    image.fill(fill or QColor(0, 0, 0))
    painter = QPainter(image)
    font = QFont()
    font.setPointSize(28)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(colour)
    painter.drawText(image.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
    painter.end()
    return image


def test_picture_check_accepts_the_stream_and_refuses_a_flagged_tile(qapp, tmp_path):
    if shutil.which("ffmpeg") is None:
        pytest.fail("ffmpeg is needed (.ci/setup installs it)")
    frame = tmp_path / "frame.png"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
                    "-frames:v", "1", "-vf", "scale=470:250", str(frame)], check=True)
    assert _passes(QImage(str(frame)))
    assert not _passes(_surface("NO SIGNAL — stalled since 12:03\nCamera 12", QColor(255, 90, 90)))
    assert not _passes(_surface("connecting…", QColor(150, 150, 150)))
    assert not _passes(_surface("", QColor(0, 0, 0), fill=QColor(128, 128, 128)))


def test_fps_counts_between_the_counters_own_updates():
    # a 15 fps stream whose counter updates in 1 s bursts, sampled every 0.05 s over 5.3 s:
    samples = [(t * 0.05, 15 * int(t * 0.05 + 0.37)) for t in range(int(5.3 / 0.05))]
    assert fps_between_updates(samples) == pytest.approx(15.0)
    assert fps_between_updates([(0.0, 10), (1.0, 10)]) is None  # no update: no figure


def test_the_bare_baseline_takes_the_walls_libvlc_options_from_one_place():
    """Wall ÷ bare compares like with like only while both sides run the same libVLC options."""
    from pathlib import Path

    from viewer.player.base import EngineOptions
    from viewer.player.vlc_backend import instance_args, media_options

    source = (Path(__file__).parent / "benchmarks" / "bare_child.py").read_text(encoding="utf-8")
    assert "vlc.Instance(instance_args(" in source and "media_options(options)" in source
    args = instance_args(EngineOptions())
    for option in ("--no-osd", "--no-video-title-show", "--no-snapshot-preview", "--no-sub-autodetect-file",
                   "--stats", "--drop-late-frames", "--skip-frames"):
        assert option in args
    assert ":avcodec-threads=1" in media_options(EngineOptions())


def test_a_measuring_window_starts_at_the_time_given(qapp):
    """Same-window pairs: each side plays on until the agreed start, and says how late it was."""
    import time

    from tests.benchmarks.harness import settle

    start = time.time() + 0.3
    assert settle(0.0, f"{start:.3f}") == 0.0
    assert time.time() >= start
    assert settle(0.0, f"{time.time() - 2.0:.3f}") >= 1.99  # too late: reported, no wait
    before = time.monotonic()
    assert settle(0.1, "") == 0.0 and time.monotonic() - before >= 0.094  # a coarse timer: within 5 %
