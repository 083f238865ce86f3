"""Quality samples as results and exports: counting one sample, and ``videowall sweep --sample``'s
table, CSV and JSON (pure: times passed in, no I/O).

- :class:`SampleTally` — counts the packets of one sample: the window runs for ``seconds``
  from the first packet that arrived in real time (the time to the first packet is reported
  apart), so the bitrate and frame rate are the stream's, not the connection set-up's.
- :class:`SampleResult` — one target's outcome: a :class:`StreamSample` (source "sample") or
  the :class:`Reason` it failed with (the sweep's vocabulary).

Units: bytes, pictures, seconds; ``sampled_at``/``started_at`` UTC epoch seconds; bitrates
kbit/s (1000 bit/s). No password ever: URLs are masked. Threading: plain data; a tally
belongs to the one thread that reads the stream.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass

from viewer.core.reasons import Reason
from viewer.core.report import iso_local
from viewer.core.sample_schedule import SampleTarget
from viewer.core.secrets import mask_url
from viewer.core.stream_figures import SOURCE_SAMPLE, StreamSample

#: A packet that arrives this soon after the previous one, before the window opened, was
#: queued while the stream was being opened (seconds; pictures are >= 16 ms apart at 60 fps).
BACKLOG_GAP_S = 0.002

#: CSV header and JSON keys, in this order.
COLUMNS = ("camera_id", "camera_name", "district", "recorder", "stream", "url", "reason", "detail", "bitrate_kbps",
           "fps", "nominal_fps", "fps_ratio", "keyframe_interval_s", "first_packet_s", "codec", "width", "height",
           "seconds", "bytes", "frames", "keyframes", "sampled_at")  # fmt: skip


class SampleTally:
    """Counts one sample's packets in a window of ``seconds``.

    The window opens at the first packet that arrives at least :data:`BACKLOG_GAP_S` after the
    one before it: the packets FFmpeg read while opening the stream (and any burst queued
    behind them) come out of the demuxer at once, late, and would add a picture (often the
    opening key picture) to every window. They count for ``first_packet_s`` only.
    ``opened_at``: monotonic s when the open began; ``started_at``: that instant as UTC epoch s.
    """

    def __init__(self, opened_at: float, started_at: float, seconds: float) -> None:
        self.opened_at = opened_at
        self.started_at = started_at
        self.seconds = seconds
        self.first_at: float | None = None  # monotonic s of the first video packet
        self.window_at: float | None = None  # monotonic s the window opened
        self._last_at: float | None = None
        self.bytes = self.frames = self.keyframes = 0

    def packet(self, size: int, keyframe: bool, at: float) -> bool:
        """One video packet (one picture) of ``size`` bytes arrived at ``at`` (monotonic s).
        False (not counted) once the window is over: the sample is complete."""
        if self.first_at is None:
            self.first_at = at
        if self.window_at is None:
            last, self._last_at = self._last_at, at
            if last is None or at - last < BACKLOG_GAP_S:
                return True  # the open's backlog: not in the window
            self.window_at = at
        if self.done(at):
            return False
        self.bytes += size
        self.frames += 1
        self.keyframes += bool(keyframe)
        return True

    def done(self, at: float) -> bool:
        """True once the window is over at ``at``."""
        return self.window_at is not None and at - self.window_at >= self.seconds

    def sample(self, target: SampleTarget, ended_at: float, *, nominal_fps: float | None = None, codec: str = "",
               width: int | None = None, height: int | None = None) -> StreamSample:
        """The :class:`StreamSample` of the packets counted; its window is ``seconds`` long, or
        shorter when the stream ended (or the sample was stopped) at ``ended_at`` before."""
        window, first = self.window_at, self.first_at
        seconds = 0.0 if window is None else min(self.seconds, max(0.0, ended_at - window))
        return StreamSample(
            camera_id=target.camera_id, stream=target.stream, source=SOURCE_SAMPLE,
            started_at=self.started_at + ((window if window is not None else self.opened_at) - self.opened_at),
            seconds=seconds, bytes=self.bytes, frames=self.frames, keyframes=self.keyframes, nominal_fps=nominal_fps,
            codec=codec, width=width, height=height, first_packet_s=None if first is None else first - self.opened_at,
        )  # fmt: skip


@dataclass(frozen=True)
class SampleResult:
    """One target's sample: ``sample`` when it delivered video, else ``reason`` says why not.
    ``sampled_at``: UTC epoch s when it ended."""

    target: SampleTarget
    reason: Reason
    sampled_at: float
    sample: StreamSample | None = None
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK and self.sample is not None


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def sample_record(result: SampleResult) -> dict:
    """One result as a flat dict with the :data:`COLUMNS` keys (no password)."""
    t, s = result.target, result.sample
    fps_ratio = None
    if s is not None and s.fps is not None and s.nominal_fps:
        fps_ratio = s.fps / s.nominal_fps
    return {
        "camera_id": t.camera_id, "camera_name": t.camera_name, "district": t.district, "recorder": t.recorder,
        "stream": t.stream, "url": mask_url(t.url), "reason": result.reason.value, "detail": result.detail,
        "bitrate_kbps": _round(s and s.bitrate_kbps, 1), "fps": _round(s and s.fps, 2),
        "nominal_fps": _round(s and s.nominal_fps, 3), "fps_ratio": _round(fps_ratio, 3),
        "keyframe_interval_s": _round(s and s.keyframe_interval_s, 2),
        "first_packet_s": _round(s and s.first_packet_s, 3), "codec": s.codec if s else "",
        "width": s.width if s else None, "height": s.height if s else None,
        "seconds": _round(s and s.seconds, 3), "bytes": s.bytes if s else 0, "frames": s.frames if s else 0,
        "keyframes": s.keyframes if s else 0, "sampled_at": iso_local(result.sampled_at),
    }  # fmt: skip


def render_csv(results: Iterable[SampleResult]) -> str:
    """CSV with the header :data:`COLUMNS` (empty cells for unknown figures)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        writer.writerow({k: "" if v is None else v for k, v in sample_record(result).items()})
    return buffer.getvalue()


def render_json(results: Iterable[SampleResult]) -> str:
    """A JSON list of objects with the :data:`COLUMNS` keys (null for unknown figures)."""
    return json.dumps([sample_record(r) for r in results], indent=2, ensure_ascii=False) + "\n"


def _cell(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def render_table(results: Iterable[SampleResult]) -> str:
    """Aligned columns for a terminal: failed streams first (by reason), then by district."""
    ordered = sorted(results, key=lambda r: (r.ok, r.reason.value, r.target.district, r.target.camera_id))
    if not ordered:
        return "no cameras\n"
    header = ("CAMERA", "STREAM", "DISTRICT", "REASON", "KBIT/S", "FPS", "NOMINAL", "KEY_S", "FIRST_S", "FORMAT")
    rows = []
    for r in ordered:
        s = r.sample
        fmt = f"{s.codec} {s.width}x{s.height}" if s is not None and s.width else (s.codec if s else "")
        rows.append((r.target.camera_id, r.target.stream or "-", r.target.district, r.reason.value,
                     _cell(s and s.bitrate_kbps, ".0f"), _cell(s and s.fps, ".1f"), _cell(s and s.nominal_fps, "g"),
                     _cell(s and s.keyframe_interval_s, ".1f"), _cell(s and s.first_packet_s, ".2f"), fmt))  # fmt: skip
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in (header, *rows)]
    return "\n".join(lines) + "\n"


def render_summary(results: Iterable[SampleResult], budget_mbps: float, elapsed_s: float) -> str:
    """One paragraph for stderr: how many sampled, their total bitrate, the cap and the time."""
    results = list(results)
    ok = [r for r in results if r.ok]
    total_kbps = sum(r.sample.bitrate_kbps or 0.0 for r in ok if r.sample is not None)
    received = sum(r.sample.bytes for r in ok if r.sample is not None)
    average_mbps = received * 8 / 1e6 / elapsed_s if elapsed_s > 0 else 0.0
    return (f"{len(results)} streams sampled in {elapsed_s:.1f} s: {len(ok)} delivered video, "
            f"{len(results) - len(ok)} failed; together {total_kbps / 1000:.1f} Mbit/s if all were watched; "
            f"received {received / 1e6:.1f} MB ({average_mbps:.1f} Mbit/s on average, cap {budget_mbps:g} Mbit/s)\n")
