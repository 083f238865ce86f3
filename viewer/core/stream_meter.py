"""What one playing stream delivers, from its cumulative counters (pure, clock passed in).

The player reports cumulative counters since it opened the stream (the RTSP relay counts
every packet; libVLC counts what it demuxes and decodes). :class:`StreamMeter` turns the
polls into

- :class:`StreamFigures` — what the tile's details, the status bar, ``status.json`` and the
  wall's ``/metrics`` show: delivered frame rate and bitrate over the last
  ``FIGURES_WINDOW_S`` seconds, lost pictures, reconnects, time to first picture, format;
- :class:`~viewer.core.stream_figures.StreamSample` deltas for the journal's per-minute
  aggregate (:meth:`StreamMeter.take_sample`), every byte and picture counted once.

Units: seconds, bytes, pictures, kbit/s (1000 bit/s). Times are the caller's clock (the
wall passes UTC epoch seconds, as the journal wants). Not thread-safe: one meter per feed,
driven by the thread that polls (the Qt main thread).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from viewer.core import constants as C
from viewer.core.stream_figures import StreamSample

#: A rate needs at least this span of polls (seconds); before it the figures say "unknown".
MIN_RATE_SPAN_S = 2.0


@dataclass(frozen=True)
class StreamCounters:
    """Cumulative counters of one stream at ``at`` since the player opened it."""

    at: float
    bytes: int  # bytes received (relay: video payload; libVLC: bytes its input read)
    frames: int  # pictures received (relay: video packets; libVLC: pictures shown + dropped)
    keyframes: int = 0
    lost: int = 0  # libVLC's lost pictures (decoded but never shown: late or dropped)
    late: int = 0  # pictures known to have come too late (0 where the player cannot tell)
    #: The last picture's timestamp on the camera's clock (seconds; None where unknown): the
    #: frame rate is then pictures per second of stream time, immune to arrival bursts.
    stream_s: float | None = None


@dataclass(frozen=True)
class StreamFormat:
    """What the stream announces (SDP / stream header / libVLC's track info)."""

    codec: str = ""
    width: int | None = None
    height: int | None = None
    nominal_fps: float | None = None


@dataclass(frozen=True)
class StreamFigures:
    """One stream on screen, as shown and exported. ``fps``/``bitrate_kbps`` are None until
    ``MIN_RATE_SPAN_S`` of polls exist; ``lost``/``late`` count since the tile showed the
    camera; ``reconnects`` how often the tile reopened it; ``first_picture_s`` how long the
    last open took to its first picture."""

    camera_id: str
    stream: str  # "main", "sub" or ""
    codec: str = ""
    width: int | None = None
    height: int | None = None
    nominal_fps: float | None = None
    fps: float | None = None
    bitrate_kbps: float | None = None
    lost: int = 0
    late: int = 0
    reconnects: int = 0
    first_picture_s: float | None = None
    degraded: bool = False

    @property
    def fps_ratio(self) -> float | None:
        """Delivered ÷ nominal frame rate (None while either is unknown)."""
        if self.fps is None or not self.nominal_fps:
            return None
        return self.fps / self.nominal_fps

    def as_dict(self) -> dict:
        """For ``status.json``: plain JSON values, rounded for reading."""

        def rounded(value: float | None, digits: int) -> float | None:
            return None if value is None else round(value, digits)

        return {
            "camera_id": self.camera_id, "stream": self.stream, "codec": self.codec,
            "width": self.width, "height": self.height, "nominal_fps": rounded(self.nominal_fps, 2),
            "fps": rounded(self.fps, 2), "fps_ratio": rounded(self.fps_ratio, 3),
            "bitrate_kbps": rounded(self.bitrate_kbps, 1), "lost": self.lost, "late": self.late,
            "reconnects": self.reconnects, "first_picture_s": rounded(self.first_picture_s, 2),
            "degraded": self.degraded,
        }  # fmt: skip


class StreamMeter:
    """Rates over a sliding window and sample deltas from cumulative counters (see module)."""

    @property
    def span_s(self) -> float:
        """Seconds the current window covers (FIGURES_WINDOW_S once the stream played that long)."""
        return self._points[-1][0] - self._points[0][0] if len(self._points) > 1 else 0.0

    def __init__(self, window_s: float = C.FIGURES_WINDOW_S) -> None:
        self.window_s = window_s
        self.format = StreamFormat()
        # (at, total bytes, total frames, stream time or None)
        self._points: deque[tuple[float, int, int, float | None]] = deque()
        self._last: StreamCounters | None = None  # the previous poll of the current open
        # running totals since the meter started (every open of this camera summed)
        self._bytes = self._frames = self._keyframes = self._lost = self._late = 0
        self._seconds = 0.0
        self._sampled = (0, 0, 0, 0, 0, 0.0)  # totals at the last take_sample
        self._sample_started: float | None = None

    def reopened(self) -> None:
        """The player opened the stream again: its counters restart; the next poll is the
        new baseline (the window restarts too: rates across a reopen mean nothing)."""
        self._last = None
        self._points.clear()

    def observe(self, counters: StreamCounters, fmt: StreamFormat | None = None) -> None:
        """A poll of a stream that plays (cumulative counters since the open)."""
        if fmt is not None:
            self.format = fmt
        last = self._last
        if last is not None and (counters.frames < last.frames or counters.bytes < last.bytes):
            last = None  # the counters restarted under us (a new media): new baseline
            self._points.clear()
        if last is not None:
            self._bytes += counters.bytes - last.bytes
            self._frames += counters.frames - last.frames
            self._keyframes += max(0, counters.keyframes - last.keyframes)
            self._lost += max(0, counters.lost - last.lost)
            self._late += max(0, counters.late - last.late)
            self._seconds += max(0.0, counters.at - last.at)
        elif self._sample_started is None:
            self._sample_started = counters.at
        self._last = counters
        if last is not None:  # the rate window starts one poll after the open's baseline: the
            # first poll may predate what FFmpeg queued while it opened (stats lag one poll)
            self._points.append((counters.at, self._bytes, self._frames, counters.stream_s))
        while len(self._points) > 2 and counters.at - self._points[1][0] >= self.window_s:
            self._points.popleft()

    def rates(self) -> tuple[float | None, float | None]:
        """(delivered fps, bitrate kbit/s) over the window; None while too short."""
        if len(self._points) < 2:
            return None, None
        (t0, b0, f0, s0), (t1, b1, f1, s1) = self._points[0], self._points[-1]
        span = t1 - t0
        if span < min(MIN_RATE_SPAN_S, self.window_s):
            return None, None
        kbps = (b1 - b0) * 8 / 1000 / span
        if s0 is not None and s1 is not None and s1 - s0 >= MIN_RATE_SPAN_S / 2:
            return (f1 - f0) / (s1 - s0), kbps  # pictures per second of the camera's clock
        return (f1 - f0) / span, kbps

    @property
    def lost(self) -> int:
        return self._lost

    @property
    def late(self) -> int:
        return self._late

    def figures(self, camera_id: str, stream: str, reconnects: int = 0, first_picture_s: float | None = None,
                degraded: bool = False) -> StreamFigures:
        fps, kbps = self.rates()
        fmt = self.format
        return StreamFigures(camera_id, stream, fmt.codec, fmt.width, fmt.height, fmt.nominal_fps, fps, kbps,
                             self._lost, self._late, reconnects, first_picture_s, degraded)  # fmt: skip

    def take_sample(self, camera_id: str, stream: str, source: str, now: float, first_packet_s: float | None = None,
                    reconnects: int = 0) -> StreamSample | None:
        """What arrived since the previous sample (None when nothing was observed meanwhile).
        ``first_packet_s``/``reconnects``: the opens that happened in this sample."""
        b0, f0, k0, l0, late0, s0 = self._sampled
        seconds = self._seconds - s0
        started = self._sample_started
        if started is None or (seconds <= 0 and first_packet_s is None and not reconnects):
            return None
        fmt = self.format
        sample = StreamSample(
            camera_id=camera_id, stream=stream, source=source, started_at=started, seconds=seconds,
            bytes=self._bytes - b0, frames=self._frames - f0, keyframes=self._keyframes - k0,
            nominal_fps=fmt.nominal_fps, codec=fmt.codec, width=fmt.width, height=fmt.height,
            first_packet_s=first_packet_s, lost=self._lost - l0, late=self._late - late0, reconnects=reconnects,
        )  # fmt: skip
        self._sampled = (self._bytes, self._frames, self._keyframes, self._lost, self._late, self._seconds)
        self._sample_started = now
        return sample
