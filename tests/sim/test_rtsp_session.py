"""An RTSP session's sender on its own event loop, with the connection replaced by callables:
a client that stops reading loses whole pictures up to the next keyframe, never half of one."""

from __future__ import annotations

import asyncio
import struct

from viewer.sim.h264_clip import H264Clip
from viewer.sim.model import CameraState, Endpoint, SimCamera
from viewer.sim.rtp import video_track
from viewer.sim.rtsp_session import MAX_SEND_BUFFER_BYTES, RtspSession

CONGESTED_S = 0.3


def rtp_payloads(chunks: list[bytes]) -> list[bytes]:
    """The RTP payloads (after the 12-byte header) of the interleaved RTP packets in ``chunks``."""
    data, out = b"".join(chunks), []
    while data:
        length = struct.unpack("!H", data[2:4])[0]
        if data[1] == 0:
            out.append(data[4 + 12 : 4 + length])
        data = data[4 + length :]
    return out


def test_a_client_that_does_not_read_resumes_at_a_keyframe(loop_clip):
    track = video_track(H264Clip.load(loop_clip))
    state = CameraState(SimCamera("/cam"), Endpoint("rtsp", 0, own=False), "rtsp://sim/cam")
    before: list[bytes] = []
    after: list[bytes] = []

    async def run() -> None:
        loop = asyncio.get_running_loop()
        congested_until = loop.time() + CONGESTED_S
        sink = before

        def buffered() -> int:
            nonlocal sink
            if loop.time() < congested_until:
                return MAX_SEND_BUFFER_BYTES + 1
            sink = after
            return 0

        session = RtspSession(state, track, 0, write=lambda b: sink.append(b), buffered=buffered, close=lambda: None)
        session.play()
        deadline = loop.time() + CONGESTED_S + 3.0
        while not rtp_payloads(after) and loop.time() < deadline:
            await asyncio.sleep(0.05)  # polling interval: the condition is "packets sent again"
        session.stop()

    asyncio.run(run())
    assert rtp_payloads(before) == [], "sent while the client was not reading"
    payloads = rtp_payloads(after)
    assert payloads, "never resumed"
    first_nal_type = payloads[0][0] & 0x1F
    assert first_nal_type in (5, 7), f"resumed with NAL type {first_nal_type}, not at a keyframe"
