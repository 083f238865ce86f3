"""H.264 access units of an MPEG-TS clip, read once, for the simulator's RTSP cameras.

PyAV demuxes the clip without decoding (MPEG-TS already carries H.264 in Annex B form), so
each access unit is split at its start codes into NAL units. Times are in 90 kHz ticks
relative to the clip's first DTS; ``period_ticks`` is the loop period that keeps timestamps
increasing across loops. Pure data once loaded; no threads.
"""

from __future__ import annotations

import base64
import itertools
import logging
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

log = logging.getLogger(__name__)

CLOCK_HZ = 90_000  # RTP clock of H.264 (RFC 6184), and MPEG-TS's PTS/DTS clock
NAL_SPS, NAL_PPS, NAL_AUD = 7, 8, 9
_START_CODE = re.compile(b"\x00\x00\x01")


@dataclass(frozen=True)
class AccessUnit:
    """One coded picture: when to send it (decode order) and the NAL units it holds."""

    dts_ticks: int  # from the clip's first DTS
    pts_ticks: int  # from the clip's first DTS (the RTP timestamp before the per-loop offset)
    keyframe: bool
    nal_units: tuple[bytes, ...]  # without start codes; access unit delimiters dropped


@dataclass(frozen=True)
class H264Clip:
    """An H.264 clip's access units in decode order, and its parameter sets for the SDP."""

    path: Path
    units: tuple[AccessUnit, ...]
    period_ticks: int
    sps: bytes
    pps: bytes
    frame_rate: float

    @property
    def period_s(self) -> float:
        return self.period_ticks / CLOCK_HZ

    @property
    def profile_level_id(self) -> str:
        """The SDP's ``profile-level-id``: the SPS's profile, constraint flags and level."""
        return self.sps[1:4].hex().upper()

    @property
    def sprop_parameter_sets(self) -> str:
        return ",".join(base64.b64encode(nal).decode("ascii") for nal in (self.sps, self.pps))

    @classmethod
    def load(cls, path: str | Path) -> H264Clip:
        """Read the first H.264 stream of ``path``; ValueError when there is none usable."""
        import av  # here, not at the top: PyAV costs ~0.4 s to import, only RTSP cameras need it

        path = Path(path)
        try:
            with av.open(str(path)) as container:
                streams = [s for s in container.streams.video if s.codec_context.name == "h264"]
                if not streams:
                    raise ValueError(f"{path}: no H.264 video stream")
                stream = streams[0]
                base = stream.time_base or Fraction(1, CLOCK_HZ)
                rate = float(stream.average_rate or 0)
                raw = [
                    (packet.dts, packet.pts, packet.is_keyframe, bytes(packet))
                    for packet in container.demux(stream)
                    if packet.size and packet.dts is not None
                ]
        except av.error.FFmpegError as exc:
            raise ValueError(f"{path}: cannot read the clip ({exc})") from exc
        if len(raw) < 2:
            raise ValueError(f"{path}: fewer than two video frames")
        scale = base * CLOCK_HZ
        first = raw[0][0]
        units = []
        sps = pps = b""
        for dts, pts, key, data in raw:
            nals = tuple(nal for nal in split_annexb(data) if nal[0] & 0x1F != NAL_AUD)
            for nal in nals:
                if nal[0] & 0x1F == NAL_SPS and not sps:
                    sps = nal
                elif nal[0] & 0x1F == NAL_PPS and not pps:
                    pps = nal
            pts = dts if pts is None else pts
            units.append(AccessUnit(round((dts - first) * scale), round((pts - first) * scale), key, nals))
        if not (sps and pps):
            raise ValueError(f"{path}: no SPS/PPS in the stream")
        steps = sorted(b.dts_ticks - a.dts_ticks for a, b in itertools.pairwise(units) if b.dts_ticks > a.dts_ticks)
        step = steps[len(steps) // 2] if steps else CLOCK_HZ // 25
        period = units[-1].dts_ticks + step  # decode order continues seamlessly into the next loop
        return cls(path, tuple(units), period, sps, pps, rate or CLOCK_HZ / step)


def split_annexb(data: bytes) -> list[bytes]:
    """The NAL units of an Annex B byte stream (start codes and trailing zero bytes removed)."""
    starts = [m.end() for m in _START_CODE.finditer(data)]
    nals = []
    for begin, end in zip(starts, [*starts[1:], len(data) + 3], strict=True):
        nal = data[begin : end - 3].rstrip(b"\x00")
        if nal:
            nals.append(nal)
    return nals
