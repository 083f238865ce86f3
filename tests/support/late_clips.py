"""Clips that start mid-GOP, as a real camera's stream does when a client joins it.

Made with ffmpeg (see :func:`make_late_clip`); tests (``late_clips`` fixture) and the
operators'-moments benchmark use them to reproduce a first picture that takes seconds.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

#: name -> ffmpeg lavfi colour (solid colours are easy to find in a screenshot).
LATE_SOURCES = {
    "red": "color=c=0xFF0000",
    "green": "color=c=0x00FF00",
    "blue": "color=c=0x0000FF",
    "yellow": "color=c=0xFFFF00",
    "magenta": "color=c=0xFF00FF",
    "cyan": "color=c=0x00FFFF",
    "white": "color=c=0xFFFFFF",
    "pattern": "testsrc2=alpha=255",
}


def make_late_clip(folder: Path, name: str, gop_s: float, fps: int = 25, join_s: float = 0.6,
                   size: str = "640x360") -> Path:
    """A clip that starts ``join_s`` into a ``gop_s`` keyframe interval, as a real camera's
    stream does when a client joins it: the first picture can only come at the next keyframe,
    ``gop_s - join_s`` seconds of stream later. Solid colour ``name``, ``size`` at ``fps``.

    Encoded with a fixed GOP, then cut with stream copy keeping the leading non-key frames
    (``-copyinkf``); the loop repeats the cut, so every client waits the same time."""
    path = folder / f"{name}-{size}-late-{gop_s:g}s.ts"
    if path.exists():
        return path
    full = folder / f"{name}-{size}-gop-{gop_s:g}s.ts"
    source = f"{LATE_SOURCES[name]}:size={size}:rate={fps}"
    gop = str(round(gop_s * fps))
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", source, "-t", str(2 * gop_s + join_s),
         "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", gop, "-keyint_min", gop,
         "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-f", "mpegts", str(full)],
        check=True,
    )
    subprocess.run(
        ["ffmpeg", "-loglevel", "quiet", "-y", "-i", str(full), "-ss", str(join_s), "-c", "copy", "-copyinkf",
         "-f", "mpegts", str(path)],
        check=True,
    )
    return path
