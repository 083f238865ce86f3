"""Live MPEG-TS out of a looped clip: real-time pacing for HTTP streams, segments for HLS.

Runs on the simulator's loop thread. Stream time advances with the loop clock, times the
camera's rate: 1 when healthy, ``trickle_ratio`` when TRICKLE, 0 once FROZEN (after the first
``delay_s`` seconds), so a frozen feed resumes where it stopped; ENDS closes the stream after
``delay_s`` seconds. Packets are sent once their due
time is within ``LEAD_S`` of the stream time.
"""

from __future__ import annotations

import asyncio
import bisect
import itertools
import logging
import math
from pathlib import Path

from viewer.sim.model import Behaviour, CameraState
from viewer.sim.mpegts import PCR_HZ, TS_PACKET_BYTES, TsClip, loop_packet

log = logging.getLogger(__name__)

LEAD_S = 0.3  # send this far ahead of real time
TICK_S = 0.04  # pacing granularity
HLS_WINDOW_SEGMENTS = 3
NULL_PACKETS_PER_S = 50
_NULL_PACKET = bytes([0x47, 0x1F, 0xFF, 0x10]) + b"\xff" * (TS_PACKET_BYTES - 4)


def loop_period_s(clip: TsClip) -> float:
    """The loop period that keeps timestamps strictly increasing across a loop.

    ``clip.duration_s`` comes from PCR spacing and can be a frame short; here it is the span of
    each stream's PES timestamps plus one typical frame step (the longest over all streams).
    """
    stamps: dict[int, list[int]] = {}
    for packet in clip.packets:
        found = _pes_timestamp(packet)
        if found is not None:
            stamps.setdefault(found[0], []).append(found[1])
    period = clip.duration_s
    for values in stamps.values():
        if len(values) < 2:
            continue
        values.sort()
        steps = sorted(b - a for a, b in itertools.pairwise(values) if b > a)
        if steps:
            span = values[-1] - values[0] + steps[len(steps) // 2]
            period = max(period, span / PCR_HZ)
    return period


def _pes_timestamp(packet: bytes) -> tuple[int, int] | None:
    """(PID, DTS or PTS in 90 kHz ticks) of a packet that starts a PES with a timestamp."""
    if packet[1] & 0x40 == 0 or packet[3] & 0x10 == 0:
        return None
    start = 4 + (1 + packet[4] if packet[3] & 0x20 else 0)
    if start + 19 > TS_PACKET_BYTES or packet[start : start + 3] != b"\x00\x00\x01":
        return None
    stream_id = packet[start + 3]
    if stream_id < 0xC0 and stream_id != 0xBD:
        return None
    flags = packet[start + 7] >> 6
    if not flags & 0b10:
        return None
    pos = start + (14 if flags == 0b11 else 9)
    b = packet[pos : pos + 5]
    ts = ((b[0] >> 1) & 0x07) << 30 | b[1] << 22 | (b[2] >> 1) << 15 | b[3] << 7 | b[4] >> 1
    return ((packet[1] & 0x1F) << 8) | packet[2], ts


def null_clip() -> TsClip:
    """One second of null packets: valid MPEG-TS without any programme, for cameras with no clip."""
    due = tuple(i / NULL_PACKETS_PER_S for i in range(NULL_PACKETS_PER_S))
    return TsClip(Path("<null>"), (_NULL_PACKET,) * NULL_PACKETS_PER_S, due, 1.0)


async def stream_live(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, state: CameraState, clip: TsClip
) -> None:
    """Send ``clip`` looped, paced in real time, until the client leaves or the stream is killed."""
    loop = asyncio.get_running_loop()
    cc: dict[int, int] = {}
    index = loop_index = 0
    count, period_s = len(clip.packets), state.period_s or clip.duration_s
    stream_s = 0.0
    last = loop.time()
    if state.cam.live_join and count:
        stream_s = (last - state.epoch_s) % period_s  # the camera's live position in its loop
        index = bisect.bisect_left(clip.due_s, stream_s)
        if index == count:  # past the last packet: the next loop's first
            index, loop_index = 0, 1
    while not (writer.transport.is_closing() or reader.at_eof()):
        now = loop.time()
        behaviour = state.behaviour
        if behaviour is Behaviour.TRICKLE:
            stream_s += (now - last) * state.cam.trickle_ratio
        elif not (behaviour is Behaviour.FROZEN and stream_s >= state.cam.delay_s):
            stream_s += now - last
        last = now
        if behaviour is Behaviour.ENDS and stream_s >= state.cam.delay_s:
            return  # the caller closes the connection: the client sees the end of the stream
        horizon = stream_s + (0.0 if behaviour is Behaviour.FROZEN else LEAD_S)
        chunk: list[bytes] = []
        while loop_index * period_s + clip.due_s[index] <= horizon:
            chunk.append(loop_packet(clip.packets[index], loop_index, period_s, cc))
            index += 1
            if index == count:
                index, loop_index = 0, loop_index + 1
        if chunk:
            writer.write(b"".join(chunk))
            await writer.drain()
        await asyncio.sleep(TICK_S)


def hls_playlist(state: CameraState, clip: TsClip, now_s: float) -> str:
    """A live media playlist: the last ``HLS_WINDOW_SEGMENTS`` loops of the clip as segments."""
    period_s = state.period_s or clip.duration_s
    newest = int((now_s - state.epoch_s) // period_s) + HLS_WINDOW_SEGMENTS - 1
    first = max(0, newest - HLS_WINDOW_SEGMENTS + 1)
    stem = state.cam.path.rsplit("/", 1)[-1].removesuffix(".m3u8")
    lines = [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        f"#EXT-X-TARGETDURATION:{math.ceil(period_s)}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
    ]
    for n in range(first, newest + 1):
        lines += [f"#EXTINF:{period_s:.3f},", f"{stem}-{n}.ts"]
    return "\n".join(lines) + "\n"


def hls_segment(clip: TsClip, n: int, period_s: float) -> bytes:
    """Loop ``n`` of the clip, its timestamps and continuity counters following loop ``n - 1``."""
    cc: dict[int, int] = {}
    if n:
        counts: dict[int, int] = {}
        for packet in clip.packets:
            pid = ((packet[1] & 0x1F) << 8) | packet[2]
            if packet[3] & 0x10 and pid != 0x1FFF:
                if pid not in cc:
                    cc[pid] = packet[3] & 0x0F
                counts[pid] = counts.get(pid, 0) + 1
        cc = {pid: (first + n * counts[pid]) & 0x0F for pid, first in cc.items()}
    return b"".join(loop_packet(p, n, period_s, cc) for p in clip.packets)
