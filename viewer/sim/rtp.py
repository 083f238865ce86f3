"""RTP payloads for the simulator's RTSP cameras: H.264 (RFC 6184) and G.711 A-law silence.

A track is packetized ONCE per clip into ``RtpUnit``s (payloads without RTP headers); a
session only adds the 12-byte header (sequence number, timestamp, SSRC) and the 4-byte
RTSP interleaved frame header (RFC 2326 §10.12) as it sends. Pure functions; no threads.
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass

from viewer.sim.h264_clip import CLOCK_HZ, H264Clip

log = logging.getLogger(__name__)

RTP_VERSION = 2
MAX_PAYLOAD_BYTES = 1400  # a NAL unit larger than this goes out as FU-A fragments
NAL_FU_A = 28
VIDEO_PAYLOAD_TYPE = 96  # dynamic, announced by the SDP's a=rtpmap
PCMA_PAYLOAD_TYPE = 8  # static: G.711 A-law, 8 kHz
PCMA_CLOCK_HZ = 8000
PCMA_SILENCE = 0xD5
AUDIO_PACKET_S = 0.1
RTCP_SR = 200
RTCP_BYE = 203
NTP_EPOCH_OFFSET_S = 2_208_988_800  # 1900-01-01 to 1970-01-01
TIMESTAMP_MOD = 1 << 32
SEQUENCE_MOD = 1 << 16
_HEADER = struct.Struct("!BBHII")
_INTERLEAVED = struct.Struct("!cBH")


@dataclass(frozen=True)
class RtpUnit:
    """What goes out at one instant: an access unit (video) or an audio frame.

    ``due_ticks`` (send time, decode order) and ``rtp_ticks`` (the RTP timestamp) are relative
    to the track's start, in its clock. The marker bit is set on the last payload of a video unit.
    """

    due_ticks: int
    rtp_ticks: int
    keyframe: bool
    payloads: tuple[bytes, ...]


@dataclass(frozen=True)
class RtpTrack:
    """A looped track, ready to send: units in send order and the loop period."""

    payload_type: int
    clock_hz: int
    period_ticks: int
    units: tuple[RtpUnit, ...]
    marker_on_last: bool  # H.264: marker on an access unit's last packet

    def due_s(self, index: int, loop_index: int) -> float:
        return (loop_index * self.period_ticks + self.units[index].due_ticks) / self.clock_hz


def h264_payloads(nal: bytes, max_payload: int = MAX_PAYLOAD_BYTES) -> list[bytes]:
    """One NAL unit as RTP payloads: itself (single NAL unit packet) or FU-A fragments."""
    if len(nal) <= max_payload:
        return [nal]
    indicator = (nal[0] & 0xE0) | NAL_FU_A
    nal_type = nal[0] & 0x1F
    body = nal[1:]
    step = max_payload - 2
    chunks = [body[i : i + step] for i in range(0, len(body), step)]
    out = []
    for n, chunk in enumerate(chunks):
        header = nal_type | (0x80 if n == 0 else 0) | (0x40 if n == len(chunks) - 1 else 0)
        out.append(bytes((indicator, header)) + chunk)
    return out


def video_track(clip: H264Clip) -> RtpTrack:
    units = tuple(
        RtpUnit(au.dts_ticks, au.pts_ticks, au.keyframe, tuple(p for nal in au.nal_units for p in h264_payloads(nal)))
        for au in clip.units
    )
    return RtpTrack(VIDEO_PAYLOAD_TYPE, CLOCK_HZ, clip.period_ticks, units, marker_on_last=True)


def audio_track() -> RtpTrack:
    """One second of A-law silence in ``AUDIO_PACKET_S`` packets (an audio-only camera)."""
    samples = round(PCMA_CLOCK_HZ * AUDIO_PACKET_S)
    payload = bytes([PCMA_SILENCE]) * samples
    count = round(1 / AUDIO_PACKET_S)
    units = tuple(RtpUnit(i * samples, i * samples, True, (payload,)) for i in range(count))
    return RtpTrack(PCMA_PAYLOAD_TYPE, PCMA_CLOCK_HZ, count * samples, units, marker_on_last=False)


def rtp_packet(payload_type: int, marker: bool, seq: int, timestamp: int, ssrc: int, payload: bytes) -> bytes:
    first = RTP_VERSION << 6
    second = (0x80 if marker else 0) | payload_type
    return _HEADER.pack(first, second, seq % SEQUENCE_MOD, timestamp % TIMESTAMP_MOD, ssrc) + payload


def interleaved(channel: int, packet: bytes) -> bytes:
    """``packet`` framed for RTSP over TCP: ``$``, channel, 16-bit length."""
    return _INTERLEAVED.pack(b"$", channel, len(packet)) + packet


def rtcp_sender_report(ssrc: int, unix_time_s: float, rtp_timestamp: int, packets: int, octets: int) -> bytes:
    """An RTCP SR without report blocks (RFC 3550 §6.4.1): wall clock <-> RTP timestamp."""
    ntp = unix_time_s + NTP_EPOCH_OFFSET_S
    seconds = int(ntp)
    fraction = int((ntp - seconds) * (1 << 32)) & 0xFFFFFFFF
    return struct.pack(
        "!BBHIIIIII", RTP_VERSION << 6, RTCP_SR, 6, ssrc, seconds & 0xFFFFFFFF, fraction,
        rtp_timestamp % TIMESTAMP_MOD, packets % TIMESTAMP_MOD, octets % TIMESTAMP_MOD,
    )  # fmt: skip


def rtcp_bye(ssrc: int) -> bytes:
    """An RTCP BYE for ``ssrc`` (RFC 3550 §6.6), preceded by the empty receiver report that
    every compound RTCP packet must start with."""
    report = struct.pack("!BBHI", RTP_VERSION << 6, 201, 1, ssrc)  # RR, no report blocks
    bye = struct.pack("!BBHI", (RTP_VERSION << 6) | 1, RTCP_BYE, 1, ssrc)
    return report + bye
