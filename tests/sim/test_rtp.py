"""Pure RTP packetization of the simulator (RFC 6184 single NAL units and FU-A, RTCP BYE) and
the H.264 access units it reads from a clip."""

from __future__ import annotations

import base64
import struct

from viewer.sim.h264_clip import H264Clip, split_annexb
from viewer.sim.rtp import (
    NAL_FU_A,
    audio_track,
    h264_payloads,
    interleaved,
    rtcp_bye,
    rtp_packet,
    video_track,
)


def reassemble(payloads: list[bytes]) -> bytes:
    """The NAL unit that FU-A fragments (or a single NAL unit packet) carry."""
    if payloads[0][0] & 0x1F != NAL_FU_A:
        assert len(payloads) == 1
        return payloads[0]
    indicator, header = payloads[0][0], payloads[0][1]
    assert header & 0x80 and payloads[-1][1] & 0x40  # start bit first, end bit last
    assert not any(p[1] & 0xC0 for p in payloads[1:-1])
    return bytes([(indicator & 0xE0) | (header & 0x1F)]) + b"".join(p[2:] for p in payloads)


def nals_of(payloads: tuple[bytes, ...]) -> list[bytes]:
    """The NAL units of an access unit's payloads (FU-A fragments joined)."""
    nals, fragments = [], []
    for payload in payloads:
        if payload[0] & 0x1F != NAL_FU_A:
            nals.append(payload)
            continue
        fragments.append(payload)
        if payload[1] & 0x40:
            nals.append(reassemble(fragments))
            fragments = []
    assert not fragments
    return nals


def test_small_nal_is_one_packet_and_large_nal_is_fu_a_fragments():
    small = bytes([0x41]) + b"x" * 100
    assert h264_payloads(small, 200) == [small]
    big = bytes([0x65]) + bytes(range(256)) * 20
    fragments = h264_payloads(big, 1000)
    assert len(fragments) == 6 and all(len(f) <= 1000 for f in fragments)
    assert all(f[0] == (0x60 | NAL_FU_A) for f in fragments)  # NRI kept, type 28
    assert reassemble(fragments) == big


def test_rtp_header_interleaving_and_bye():
    packet = rtp_packet(96, True, 65537, (1 << 32) + 5, 0xCAFEBABE, b"payload")
    first, second, seq, timestamp, ssrc = struct.unpack("!BBHII", packet[:12])
    assert (first >> 6, second & 0x80, second & 0x7F) == (2, 0x80, 96)
    assert (seq, timestamp, ssrc, packet[12:]) == (1, 5, 0xCAFEBABE, b"payload")
    framed = interleaved(3, packet)
    assert framed[:4] == b"$\x03" + struct.pack("!H", len(packet)) and framed[4:] == packet
    bye = rtcp_bye(7)
    assert [bye[1], bye[9]] == [201, 203] and len(bye) == 16  # RR then BYE, each one word long


def test_clip_access_units_parameter_sets_and_loop_period(loop_clip):
    clip = H264Clip.load(loop_clip)
    assert len(clip.units) == 15 and clip.frame_rate == 15.0
    assert clip.period_ticks == 15 * 6000  # 1 s: the next loop's first frame follows the last one
    assert clip.units[0].keyframe and clip.sps[0] & 0x1F == 7 and clip.pps[0] & 0x1F == 8
    assert clip.sprop_parameter_sets.split(",")[0] == base64.b64encode(clip.sps).decode()
    assert clip.profile_level_id == clip.sps[1:4].hex().upper()
    assert all(nal[0] & 0x1F != 9 for unit in clip.units for nal in unit.nal_units)  # no AUDs
    dts = [u.dts_ticks for u in clip.units]
    assert dts == sorted(dts) and len(set(dts)) == len(dts)
    track = video_track(clip)
    assert [u.due_ticks for u in track.units] == dts
    assert nals_of(track.units[0].payloads) == list(clip.units[0].nal_units)
    key_nals = [n for n in clip.units[0].nal_units if n[0] & 0x1F == 5]
    assert key_nals and any(len(n) > 1400 for n in key_nals)  # the keyframe needs FU-A


def test_split_annexb_handles_three_and_four_byte_start_codes():
    data = b"\x00\x00\x00\x01\x67abc\x00\x00\x01\x68de\x00\x00\x00\x01\x65fgh"
    assert split_annexb(data) == [b"\x67abc", b"\x68de", b"\x65fgh"]


def test_audio_track_is_a_second_of_alaw_silence():
    track = audio_track()
    assert track.payload_type == 8 and track.clock_hz == 8000 and track.period_ticks == 8000
    assert sum(len(u.payloads[0]) for u in track.units) == 8000
