"""Benchmark clips, made once with ffmpeg into the cache folder.

- :func:`clip_640x360`: the original sub-stream clip (testsrc2, 15 fps, GOP 1 s); the
  figures published before the realistic streams keep using it, so they stay comparable.
- :func:`camera_clip`: what real cameras send: 25 fps, a keyframe every 2 or 4 s (exactly:
  no scene-cut keyframes), a 640×360 sub-stream or a 1920×1080 main stream, at camera-like
  bitrates, with sensor-like noise over the moving pattern (higher entropy than testsrc2:
  every macroblock changes every frame, as in a real scene).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.benchmarks.harness import ROOT
from tests.support.clips import encode_camera_clip

CACHE = ROOT / ".cache" / "bench"
#: (width, height) -> (bitrate, preset): camera-like rates; a faster preset for the big one.
_ENCODING = {(640, 360): ("768k", "veryfast"), (1920, 1080): ("4M", "superfast")}


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


def camera_clip(width: int = 640, height: int = 360, gop_s: int = 4, fps: int = 25, seconds: int = 24) -> Path:
    """A camera-like H.264 MPEG-TS clip: ``fps`` frames/s, a keyframe every ``gop_s`` s,
    noise over testsrc2. ``seconds`` should be a multiple of ``gop_s`` (the loop stays regular)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"camera-{width}x{height}-{fps}fps-gop{gop_s}s-{seconds}s.ts"
    if not path.exists():
        bitrate, preset = _ENCODING.get((width, height), ("2M", "veryfast"))
        encode_camera_clip(path, width, height, fps, gop_s, seconds, bitrate, preset)
    return path
