"""MPEG-TS clips paced in real time and looped without a timestamp jump.

A clip is read once into memory, split into 188-byte packets and indexed by PCR, so a
sender knows how many bytes are due at any moment. Each loop adds the clip's duration to
every PCR, PTS and DTS (and keeps continuity counters running), so a player sees one
endless, continuous stream rather than a clip that restarts. Pure Python; no threads.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

TS_PACKET_BYTES = 188
SYNC_BYTE = 0x47
PCR_HZ = 90_000  # PCR base and PTS/DTS tick rate
TIMESTAMP_WRAP = 1 << 33


@dataclass(frozen=True)
class TsClip:
    """An MPEG-TS clip in memory with a (packet index -> seconds) schedule.

    ``due_s[i]`` is the stream time, in seconds from the clip's start, at which packet
    ``i`` should be sent. ``duration_s`` is the loop period.
    """

    path: Path
    packets: tuple[bytes, ...]
    due_s: tuple[float, ...]
    duration_s: float

    @classmethod
    def load(cls, path: str | Path) -> TsClip:
        data = Path(path).read_bytes()
        if len(data) < TS_PACKET_BYTES or data[0] != SYNC_BYTE:
            raise ValueError(f"{path}: not an MPEG-TS file")
        usable = len(data) - len(data) % TS_PACKET_BYTES
        packets = tuple(data[i : i + TS_PACKET_BYTES] for i in range(0, usable, TS_PACKET_BYTES))
        pcrs = [(i, _read_pcr(p)) for i, p in enumerate(packets)]
        pcrs = [(i, pcr) for i, pcr in pcrs if pcr is not None]
        if len(pcrs) < 2:
            raise ValueError(f"{path}: fewer than two PCRs; cannot pace it")
        first = pcrs[0][1]
        points = [(i, (pcr - first) / PCR_HZ) for i, pcr in pcrs]
        due = [0.0] * len(packets)
        for (i0, t0), (i1, t1) in itertools.pairwise(points):
            for k in range(i0, i1):
                due[k] = t0 + (t1 - t0) * (k - i0) / (i1 - i0)
        last_i, last_t = points[-1]
        # The interval after the last PCR lasts as long as the average one before it.
        step_s = last_t / max(1, last_i - points[0][0])
        for k in range(last_i, len(packets)):
            due[k] = last_t + step_s * (k - last_i)
        duration_s = due[-1] + step_s
        return cls(Path(path), packets, tuple(due), duration_s)


def _read_pcr(packet: bytes) -> int | None:
    if packet[3] & 0x20 == 0 or packet[4] < 7 or packet[5] & 0x10 == 0:
        return None
    b = packet[6:12]
    return (b[0] << 25) | (b[1] << 17) | (b[2] << 9) | (b[3] << 1) | (b[4] >> 7)


def _write_pcr(packet: bytearray, offset_ticks: int) -> None:
    if packet[3] & 0x20 == 0 or packet[4] < 7 or packet[5] & 0x10 == 0:
        return
    b = packet[6:12]
    base = (b[0] << 25) | (b[1] << 17) | (b[2] << 9) | (b[3] << 1) | (b[4] >> 7)
    base = (base + offset_ticks) % TIMESTAMP_WRAP
    packet[6] = (base >> 25) & 0xFF
    packet[7] = (base >> 17) & 0xFF
    packet[8] = (base >> 9) & 0xFF
    packet[9] = (base >> 1) & 0xFF
    packet[10] = ((base & 1) << 7) | (packet[10] & 0x7F)


def _shift_timestamp(packet: bytearray, pos: int, offset_ticks: int) -> None:
    b = packet[pos : pos + 5]
    ts = ((b[0] >> 1) & 0x07) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
    ts = (ts + offset_ticks) % TIMESTAMP_WRAP
    packet[pos] = (b[0] & 0xF1) | ((ts >> 29) & 0x0E)
    packet[pos + 1] = (ts >> 22) & 0xFF
    packet[pos + 2] = ((ts >> 14) & 0xFE) | 1
    packet[pos + 3] = (ts >> 7) & 0xFF
    packet[pos + 4] = ((ts << 1) & 0xFE) | 1


def _shift_pes(packet: bytearray, offset_ticks: int) -> None:
    if packet[1] & 0x40 == 0 or packet[3] & 0x10 == 0:  # no payload-unit start or no payload
        return
    start = 4
    if packet[3] & 0x20:
        start += 1 + packet[4]
    if start + 14 > TS_PACKET_BYTES or packet[start : start + 3] != b"\x00\x00\x01":
        return
    stream_id = packet[start + 3]
    if stream_id < 0xC0 and stream_id != 0xBD:  # PSI or padding: no PES timestamps
        return
    flags = packet[start + 7] >> 6
    if flags & 0b10:
        _shift_timestamp(packet, start + 9, offset_ticks)
    if flags == 0b11:
        _shift_timestamp(packet, start + 14, offset_ticks)


def loop_packet(packet: bytes, loop_index: int, duration_s: float, cc: dict[int, int]) -> bytes:
    """Return ``packet`` as it must be sent in loop ``loop_index`` (0 = unchanged).

    ``cc`` holds the next continuity counter per PID for this connection.
    """
    if packet[0] != SYNC_BYTE:
        return packet
    out = bytearray(packet)
    if loop_index:
        offset = round(loop_index * duration_s * PCR_HZ)
        _write_pcr(out, offset)
        _shift_pes(out, offset)
    pid = ((out[1] & 0x1F) << 8) | out[2]
    if out[3] & 0x10 and pid != 0x1FFF:  # continuity counts only packets with payload
        counter = cc.get(pid, out[3] & 0x0F)
        out[3] = (out[3] & 0xF0) | counter
        cc[pid] = (counter + 1) & 0x0F
    return bytes(out)
