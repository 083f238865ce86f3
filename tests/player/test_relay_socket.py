"""The relay's socket to libVLC (Linux) with a real MPEG-TS muxer writing it: a reader that
does not read never blocks the session (the output restarts at a keyframe once it reads
again); the end reaches the reader after what was written, also while a muxer still holds
its own descriptor; one packet serves two subscribers byte for byte; every descriptor is
closed exactly once; without the socket (Windows) the output buffers for a Python reader."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import av
import pytest

from viewer.core.reasons import Reason
from viewer.player.relay_buffer import BufferHandoff
from viewer.player.relay_output import RelayOutput
from viewer.player.relay_socket import SOCKET_HANDOFF, SocketHandoff

CLIP = Path(__file__).resolve().parents[2] / "resources" / "clips" / "traffic.ts"  # 320×180 H.264, 8 s
linux_only = pytest.mark.skipif(not SOCKET_HANDOFF, reason="the socket hand-off is Linux only")


@pytest.fixture(scope="module")
def clip_packets():
    """A real H.264 clip's video stream and its timed packets (keyframe every 1 s)."""
    container = av.open(str(CLIP))
    video = container.streams.video[0]
    packets = [p for p in container.demux(video) if p.size]
    yield video, packets
    container.close()


def retimed(packets, loops: int):
    """The clip's packets ``loops`` times over, timestamps running on (a live camera)."""
    span = max(p.pts for p in packets) - min(p.dts for p in packets) + 6000
    for loop in range(loops):
        for p in packets:
            copy = av.Packet(bytes(p))
            copy.pts, copy.dts = p.pts + loop * span, p.dts + loop * span
            copy.time_base, copy.is_keyframe = p.time_base, p.is_keyframe
            yield copy


def drain(output: RelayOutput, timeout_s: float = 0.5) -> bytes:
    data = bytearray()
    while chunk := output.read(1 << 20, timeout_s=timeout_s):
        data += chunk
    return bytes(data)


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@linux_only
def test_a_reader_that_does_not_read_never_blocks_the_muxer_and_restarts_at_a_keyframe(clip_packets):
    video, packets = clip_packets
    output = RelayOutput(None)
    done = threading.Event()
    fed = []

    def feed_all() -> None:  # ~10 MB of TS: many times what the socket holds
        for packet in retimed(packets, 60):
            output.feed(packet, video)
            fed.append(packet)
        done.set()

    threading.Thread(target=feed_all, daemon=True).start()
    assert done.wait(20.0), "a write blocked on a full socket"
    assert output.restarts >= 1 and output.packets_in < len(fed)
    assert output._muxer is None or not output.handoff.fits(0)  # full: nothing more was written
    backlog = drain(output)
    assert backlog[:1] == b"\x47" and len(backlog) % 188 == 0  # whole TS packets, from a sync byte
    restarts = output.restarts
    for packet in retimed(packets, 3):  # it reads again: the output picks up at the next keyframe
        output.feed(packet, video)
        drain(output, timeout_s=0.01)
    assert output.restarts == restarts and output._muxer is not None
    output.close()
    output.release()


@linux_only
def test_the_end_reaches_the_reader_after_the_bytes_while_the_muxer_keeps_its_descriptor(clip_packets):
    video, packets = clip_packets
    before = open_fds()
    output = RelayOutput(None)
    for packet in retimed(packets, 1):
        output.feed(packet, video)
    assert output.handoff._muxer_fd >= 0  # the muxer's own copy is still open
    received = bytearray()
    reader = threading.Thread(target=lambda: received.extend(drain(output, timeout_s=None)), daemon=True)
    reader.start()
    started = time.monotonic()
    output.handoff.end()  # what the player's stop does (on another thread than the muxer's)
    reader.join(5.0)
    assert not reader.is_alive() and time.monotonic() - started < 1.0  # the reader saw the end
    assert len(received) > sum(p.size for p in packets)  # every packet, wrapped in TS
    output.feed(next(retimed(packets, 1)), video)  # a write after the end fails quietly
    output.close()
    output.release()  # the session thread's part: the muxer and its descriptor
    assert open_fds() == before


@linux_only
def test_one_packet_serves_two_subscribers_byte_for_byte(clip_packets):
    video, packets = clip_packets
    first, second = RelayOutput(None), RelayOutput(None)
    for packet in retimed(packets, 1):
        first.feed(packet, video)
        second.feed(packet, video)
    a, b = drain(first), drain(second)
    assert a == b and len(a) > 10_000
    for output in (first, second):
        output.finish(Reason.ENDED, "the camera ended the stream")
        assert output.read(10, timeout_s=1.0) == b""


@linux_only
def test_a_taken_read_end_belongs_to_the_taker():
    handoff = SocketHandoff()
    fd = handoff.take_read_fd()
    assert fd >= 0 and handoff.take_read_fd() == -1
    writer = handoff.muxer_descriptor()
    os.write(writer, b"abc")
    os.close(writer)
    handoff.close()  # ends and closes the write end only: the taker still owns (and drains) the read end
    assert os.read(fd, 10) == b"abc" and os.read(fd, 10) == b""
    assert handoff.muxer_descriptor() == -1  # ended: no new muxer
    os.close(fd)


def test_without_the_socket_the_output_buffers_for_a_python_reader(monkeypatch, clip_packets):
    from viewer.player import relay_output

    video, packets = clip_packets
    monkeypatch.setattr(relay_output, "SOCKET_HANDOFF", False)  # as on Windows
    output = relay_output.RelayOutput(None)
    assert isinstance(output.handoff, BufferHandoff) and output.handoff.take_read_fd() == -1
    for packet in retimed(packets, 1):
        output.feed(packet, video)
    data = output.read(1 << 22, timeout_s=1.0)
    assert data[:1] == b"\x47" and len(data) > sum(p.size for p in packets)
    output.finish(Reason.ENDED, "the camera ended the stream")
    assert output.read(100, timeout_s=1.0) == b""


def test_without_the_socket_a_reader_that_does_not_read_restarts_and_the_buffer_stays_bounded(clip_packets):
    video, packets = clip_packets
    output = RelayOutput(None)
    limit = 200_000
    output.handoff = BufferHandoff(max_bytes=limit)  # the Windows hand-off, with a small limit
    largest = max(p.size for p in packets)
    for packet in retimed(packets, 5):  # ~5 × the limit, nobody reading
        output.feed(packet, video)
        assert output.handoff._buffered <= limit + 4 * largest  # dropped as soon as it passed the limit
    assert output.restarts >= 1
    backlog = drain(output, timeout_s=0.01)
    assert backlog[:1] == b"\x47" and len(backlog) % 188 == 0  # it starts again with whole TS packets
    output.close()
    assert output.read(100, timeout_s=1.0) == b""

