"""Simulator fixtures: a one-second clip (so a few seconds of streaming loop it several times)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOOP_CLIP_S = 1.0


@pytest.fixture(scope="session")
def loop_clip(tmp_path_factory) -> Path:
    """A 1 s, 15 fps H.264 MPEG-TS test pattern (different frames, one GOP)."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to make test clips")
    path = tmp_path_factory.mktemp("sim-clips") / "pattern-1s.ts"
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
         "-t", str(LOOP_CLIP_S), "-c:v", "libx264", "-preset", "veryfast", "-g", "15",
         "-pix_fmt", "yuv420p", "-f", "mpegts", str(path)],
        check=True,
    )  # fmt: skip
    return path
