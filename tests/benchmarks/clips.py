"""Benchmark clips, made once with ffmpeg into the cache folder."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.benchmarks.harness import ROOT

CACHE = ROOT / ".cache" / "bench"


def clip_640x360() -> Path:
    """30 s of a moving test pattern, 640×360 H.264 at 15 fps (GOP 1 s): a typical substream."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / "pattern-640x360.ts"
    if not path.exists():
        subprocess.run(
            ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=15",
             "-t", "30", "-c:v", "libx264", "-preset", "veryfast", "-g", "15", "-pix_fmt", "yuv420p",
             "-f", "mpegts", str(path)],
            check=True,
        )
    return path
