"""Test clips: tiny H.264 MPEG-TS files of solid colours (or a pattern) made with ffmpeg.

``COLOURS_RGB`` is what each colour clip looks like on screen; the session fixture ``clips``
(``tests/conftest.py``) makes one of each; clips with a late first picture are in
``tests.support.late_clips``.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: name -> ffmpeg lavfi source. Solid colours are easy to find in a screenshot.
CLIP_SOURCES = {
    "red": "color=c=0xFF0000:size=320x180:rate=15",
    "green": "color=c=0x00FF00:size=320x180:rate=15",
    "blue": "color=c=0x0000FF:size=320x180:rate=15",
    "yellow": "color=c=0xFFFF00:size=320x180:rate=15",
    "magenta": "color=c=0xFF00FF:size=320x180:rate=15",
    "cyan": "color=c=0x00FFFF:size=320x180:rate=15",
    "white": "color=c=0xFFFFFF:size=320x180:rate=15",
    "black": "color=c=0x000000:size=320x180:rate=15",
    "pattern": "testsrc2=size=320x180:rate=15",
}
COLOURS_RGB = {
    "red": (255, 0, 0),
    "green": (0, 255, 0),
    "blue": (0, 0, 255),
    "yellow": (255, 255, 0),
    "magenta": (255, 0, 255),
    "cyan": (0, 255, 255),
    "white": (255, 255, 255),
    "black": (0, 0, 0),
}


def make_clip(folder: Path, name: str, seconds: float = 4.0, source: str | None = None,
              gop_frames: int = 15, fps: int | None = None) -> Path:
    """An H.264 MPEG-TS clip of ``CLIP_SOURCES[name]`` (or ``source``): a keyframe every
    ``gop_frames`` frames (15 = 1 s at the sources' 15 fps; real cameras: 50-100 at 25 fps),
    at ``fps`` when given (else the source's rate)."""
    suffix = "" if gop_frames == 15 and fps is None else f"-g{gop_frames}-r{fps or 0}"
    path = folder / f"{name}{suffix}.ts"
    if path.exists():
        return path
    lavfi = source or CLIP_SOURCES[name]
    rate = ["-r", str(fps)] if fps else []
    strict_gop = ["-keyint_min", str(gop_frames), "-sc_threshold", "0"] if suffix else []  # exact GOP, no scene cuts
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", lavfi, "-t", str(seconds), *rate,
         "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", str(gop_frames), *strict_gop,
         "-pix_fmt", "yuv420p", "-f", "mpegts", str(path)],
        check=True,
    )
    return path


def encode_camera_clip(path: Path, width: int = 640, height: int = 360, fps: int = 25, gop_s: float = 2.0,
                       seconds: float = 4.0, bitrate: str = "1M", preset: str = "veryfast") -> Path:
    """What real cameras send, into ``path`` (MPEG-TS): H.264 at ``fps`` with a keyframe exactly
    every ``gop_s`` s (no scene-cut keyframes), constant ``bitrate`` (ffmpeg's "768k", "4M"),
    sensor-like noise over testsrc2's moving pattern (every macroblock changes every frame)."""
    gop = str(round(gop_s * fps))
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i",
         f"testsrc2=size={width}x{height}:rate={fps},noise=alls=24:allf=t+u", "-t", str(seconds),
         "-c:v", "libx264", "-preset", preset, "-tune", "zerolatency", "-g", gop, "-keyint_min", gop,
         "-sc_threshold", "0", "-b:v", bitrate, "-maxrate", bitrate, "-bufsize", bitrate,
         "-pix_fmt", "yuv420p", "-f", "mpegts", str(path)],
        check=True,
    )  # fmt: skip
    return path
