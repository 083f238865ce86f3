"""The capacity section's data: what the journal's stream minutes add up to, and the results
(pure Python, frozen, safe to share between threads).

:class:`CapacityInput` is read from the journal (``viewer.core.capacity_read``: SQL sums over
``stream_minutes``, or :func:`viewer.core.capacity.capacity_input_from_minutes` over
:class:`~viewer.core.stream_figures.StreamMinute` rows: the same numbers).
:func:`viewer.core.capacity.evaluate_capacity` turns it into a :class:`Capacity`. Units:
kbit/s (1,000 bit/s), seconds, frames; ratios are plain fractions (1.0 = every nominal frame
delivered). ``None``: not measured. Definitions: :mod:`viewer.core.capacity`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StreamTotals:
    """The minutes of one (camera, stream, source) in the period, summed."""

    camera_id: str
    stream: str  # "main", "sub", or "" (a camera with one stream: counted as its main stream)
    source: str  # "wall", "sample"
    minutes: int  # stored minute rows
    seconds: float  # observed seconds
    bytes: int
    frames: int
    rated_frames: int  # frames of the minutes that carried a nominal frame rate
    nominal_frames: float  # sum of seconds × nominal fps over those minutes
    width: int | None  # the largest width seen
    height: int | None  # the largest height seen


@dataclass(frozen=True)
class LatencyBin:
    """How many minute rows of one (camera, source) had this first-packet time."""

    camera_id: str
    source: str
    centis: int  # first_packet_s in 10 ms steps, rounded half up
    count: int


@dataclass(frozen=True)
class CapacityInput:
    streams: tuple[StreamTotals, ...]
    latency: tuple[LatencyBin, ...] = ()


@dataclass(frozen=True)
class CameraCapacity:
    """One camera's measured streams over the period (both sources together)."""

    camera_id: str
    name: str
    district: str
    recorder: str
    has_sub: bool  # the catalog gives it a sub-stream
    main_kbps: float | None = None
    sub_kbps: float | None = None
    main_fps_ratio: float | None = None
    sub_fps_ratio: float | None = None
    main_height: int | None = None
    sub_height: int | None = None
    sub_like_main: bool = False  # its sub-stream carries a main stream's bitrate or resolution

    @property
    def worst_fps_ratio(self) -> float | None:
        values = [v for v in (self.main_fps_ratio, self.sub_fps_ratio) if v is not None]
        return min(values) if values else None


@dataclass(frozen=True)
class CapacityGroup:
    """A district, a recorder or the whole network (``key`` ""): capacity figures."""

    key: str
    name: str
    cameras: int
    with_sub: int  # cameras with a sub-stream in the catalog
    main_kbps: float | None  # sum over cameras whose main stream was measured; None: none was
    sub_kbps: float | None  # sum over cameras with a sub-stream that was measured; None: none was
    main_unknown: tuple[str, ...] = ()  # cameras whose main stream was never measured
    sub_unknown: tuple[str, ...] = ()  # cameras with a sub-stream never measured
    fps_ratio_median: float | None = None  # over measured camera streams
    fps_ratio_worst: float | None = None
    fps_worst_camera: str = ""  # "camera_id main|sub"
    fps_streams: int = 0  # camera streams with a delivered ÷ nominal ratio
    fps_low: tuple[str, ...] = ()  # cameras with a stream below CAPACITY_LOW_FPS_RATIO
    first_packet_p50_s: float | None = None
    first_packet_p95_s: float | None = None
    first_packets_wall: int = 0  # first-packet times from the wall's opens
    first_packets_sample: int = 0  # ... and from quality samples
    covered_s: float = 0.0  # watched time (the evaluation's figure), for degraded %
    degraded_s: float = 0.0
    degraded_outages: int = 0
    sub_like_main: tuple[str, ...] = ()  # cameras whose sub-stream looks like a main stream

    @property
    def first_packets(self) -> int:
        return self.first_packets_wall + self.first_packets_sample

    @property
    def measured(self) -> bool:
        """Any bitrate, frame rate or first-packet figure at all."""
        return (self.cameras - len(self.main_unknown)) > 0 or (self.with_sub - len(self.sub_unknown)) > 0 \
            or self.first_packets > 0

    @property
    def degraded_pct(self) -> float | None:
        return 100.0 * self.degraded_s / self.covered_s if self.covered_s > 0 else None


@dataclass(frozen=True)
class Ranked:
    """One place of the "upgrade first" ranking: the score and the four numbers it adds up."""

    rank: int
    kind: str  # "recorder" or "district"
    group: CapacityGroup
    fps_points: float
    latency_points: float
    degraded_points: float
    sub_points: float

    @property
    def score(self) -> float:
        return self.fps_points + self.latency_points + self.degraded_points + self.sub_points


@dataclass(frozen=True)
class Capacity:
    network: CapacityGroup
    districts: tuple[CapacityGroup, ...]
    recorders: tuple[CapacityGroup, ...]
    cameras: tuple[CameraCapacity, ...]
    ranking: tuple[Ranked, ...]  # recorders first, then districts, each by rank
    minutes_wall: int = 0  # stream-minute rows read, per source
    minutes_sample: int = 0
