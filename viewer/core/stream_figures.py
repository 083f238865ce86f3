"""What a stream actually delivers: samples and per-minute aggregates.

The capacity evaluation's vocabulary (pure Python, no Qt, no vlc; clock passed in):

- :class:`StreamSample` — counters of one stream over one observation window: a wall tile
  (the relay counts every packet; the wall hands a delta every few seconds), an off-screen
  *quality sample* (a few seconds of a camera nobody watches), or the monitor.
- :class:`StreamMinute` — samples of one (camera, stream, source) summed per UTC minute; this
  is what the journal stores (table ``stream_minutes``, schema 3), never per frame.
- :class:`MinuteAggregator` — turns samples into finished minutes.

Units: seconds, bytes, pictures; times are UTC epoch seconds (float). ``frames`` counts
pictures received (video access units), ``keyframes`` the IDR/key pictures among them.
Threading: plain data; an aggregator belongs to the one thread that feeds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

#: Length of one stored aggregate (seconds).
MINUTE_S = 60.0

#: ``StreamSample.source`` values.
SOURCE_WALL = "wall"  # a tile (or pre-roll) playing the stream
SOURCE_SAMPLE = "sample"  # an off-screen quality sample (sweep or monitor)

#: ``StreamSample.stream`` values: a camera's main or sub stream; "" when it has only one.
STREAM_MAIN = "main"
STREAM_SUB = "sub"


class _Rates:
    """Rates of ``bytes`` and ``frames`` over ``seconds`` (kbit/s, pictures per second)."""

    seconds: float
    bytes: int
    frames: int

    @property
    def bitrate_kbps(self) -> float | None:
        return None if self.seconds <= 0 else self.bytes * 8 / 1000 / self.seconds

    @property
    def fps(self) -> float | None:
        return None if self.seconds <= 0 else self.frames / self.seconds


@dataclass(frozen=True)
class StreamSample(_Rates):
    """Counters of one stream over ``seconds`` starting at ``started_at`` (UTC epoch s)."""

    camera_id: str
    stream: str  # STREAM_MAIN, STREAM_SUB or ""
    source: str  # SOURCE_WALL, SOURCE_SAMPLE, …
    started_at: float
    seconds: float  # how long the stream was observed in this sample
    bytes: int  # video payload bytes received
    frames: int  # pictures received
    keyframes: int = 0  # key pictures among them
    nominal_fps: float | None = None  # what the stream announces (SDP / stream header)
    codec: str = ""  # "h264", "hevc", …
    width: int | None = None
    height: int | None = None
    first_packet_s: float | None = None  # open → first video packet, when this sample opened it
    lost: int = 0  # pictures (or packets) lost on the way (RTP sequence gaps, libVLC lost pictures)
    late: int = 0  # pictures that arrived too late to show
    reconnects: int = 0  # times the stream was reopened during the sample


    @property
    def keyframe_interval_s(self) -> float | None:
        """Seconds between key pictures (None with fewer than one key picture)."""
        return None if self.keyframes <= 0 else self.seconds / self.keyframes


@dataclass(frozen=True)
class StreamMinute(_Rates):
    """Samples of one (camera, stream, source) whose window started in one UTC minute, summed.

    ``first_packet_s`` is the worst (largest) time to first packet among the minute's opens;
    ``opens`` how many samples carried one. Format fields keep the latest sample's value.
    """

    camera_id: str
    stream: str
    source: str
    minute: float  # UTC epoch seconds, a multiple of MINUTE_S
    seconds: float
    bytes: int
    frames: int
    keyframes: int = 0
    nominal_fps: float | None = None
    codec: str = ""
    width: int | None = None
    height: int | None = None
    first_packet_s: float | None = None
    opens: int = 0
    lost: int = 0
    late: int = 0
    reconnects: int = 0

    @property
    def key(self) -> tuple[str, str, str, float]:
        return self.camera_id, self.stream, self.source, self.minute


    @property
    def fps_ratio(self) -> float | None:
        """Delivered ÷ nominal frame rate (None without a nominal rate)."""
        fps = self.fps
        if fps is None or not self.nominal_fps or self.nominal_fps <= 0:
            return None
        return fps / self.nominal_fps

    def merged(self, other: StreamMinute) -> StreamMinute:
        """This minute plus ``other`` (same key): counters add, format fields take ``other``'s
        where it has them, the worst first-packet time wins."""
        firsts = [x for x in (self.first_packet_s, other.first_packet_s) if x is not None]
        return replace(
            self,
            seconds=self.seconds + other.seconds,
            bytes=self.bytes + other.bytes,
            frames=self.frames + other.frames,
            keyframes=self.keyframes + other.keyframes,
            nominal_fps=other.nominal_fps if other.nominal_fps is not None else self.nominal_fps,
            codec=other.codec or self.codec,
            width=other.width if other.width is not None else self.width,
            height=other.height if other.height is not None else self.height,
            first_packet_s=max(firsts) if firsts else None,
            opens=self.opens + other.opens,
            lost=self.lost + other.lost,
            late=self.late + other.late,
            reconnects=self.reconnects + other.reconnects,
        )


def minute_of(at: float) -> float:
    """The start of the UTC minute holding ``at`` (epoch seconds)."""
    return math.floor(at / MINUTE_S) * MINUTE_S


def minute_from_sample(sample: StreamSample) -> StreamMinute:
    """One sample as a minute row (the minute its window started in)."""
    return StreamMinute(
        camera_id=sample.camera_id, stream=sample.stream, source=sample.source,
        minute=minute_of(sample.started_at), seconds=sample.seconds, bytes=sample.bytes,
        frames=sample.frames, keyframes=sample.keyframes, nominal_fps=sample.nominal_fps,
        codec=sample.codec, width=sample.width, height=sample.height,
        first_packet_s=sample.first_packet_s, opens=0 if sample.first_packet_s is None else 1,
        lost=sample.lost, late=sample.late, reconnects=sample.reconnects,
    )  # fmt: skip


@dataclass
class MinuteAggregator:
    """Sums samples per (camera, stream, source, minute) and hands out finished minutes.

    A sample counts in the minute its window *started* in (wall deltas are a few seconds,
    quality samples a few seconds: attributing by start keeps every byte exactly once).
    :meth:`drain` returns the minutes that ended before ``now`` minus ``grace_s`` (samples
    of a minute may arrive a little after it ends); :meth:`flush` returns all of them (at exit).
    """

    grace_s: float = 10.0
    _open: dict[tuple[str, str, str, float], StreamMinute] = field(default_factory=dict)

    def add(self, sample: StreamSample) -> None:
        row = minute_from_sample(sample)
        previous = self._open.get(row.key)
        self._open[row.key] = row if previous is None else previous.merged(row)

    def drain(self, now: float) -> list[StreamMinute]:
        """Finished minutes (oldest first), removed from the aggregator."""
        limit = now - self.grace_s
        done = sorted((key for key in self._open if key[3] + MINUTE_S <= limit), key=lambda k: (k[3], k[:3]))
        return [self._open.pop(key) for key in done]

    def flush(self) -> list[StreamMinute]:
        """Every minute still held, finished or not (oldest first)."""
        done = sorted(self._open, key=lambda k: (k[3], k[:3]))
        return [self._open.pop(key) for key in done]

    def __len__(self) -> int:
        return len(self._open)
