"""The RTSP relay alone (no libVLC) against GStreamer's RTSP server: what it hands to
libVLC is MPEG-TS that starts at a keyframe (H.264 and H.265); what the RTSP session says
becomes the reason (auth for a missing or wrong Basic/Digest password, not_found, refused,
no_video, stalled, timeout, ended at BYE); sessions are shared, kept alive, torn down, and never block a
stop; the transport setting reaches the server; passwords stay out of every detail."""

from __future__ import annotations

import io
import os
import signal
import socket
import threading
import time

import av
import pytest

from viewer.core.reasons import Reason
from viewer.player.rtsp_relay import RelayOptions, RtspRelay, SessionKey

RED = "0xFFFF0000"
USER, PASSWORD = "viewer", "Gr3en-Pass#1"
WAIT_S = 15.0


class Verdict:
    """Collects the failure callback (called on the session thread)."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.reason: Reason | None = None
        self.detail = ""

    def __call__(self, reason: Reason, detail: str) -> None:
        self.reason, self.detail = reason, detail
        self.done.set()


@pytest.fixture
def relay():
    relays: list[RtspRelay] = []
    outputs = []

    def make(**options) -> RtspRelay:
        made = RtspRelay(RelayOptions(**options))
        relays.append(made)
        opener = made.open_output

        def open_output(*args, **kwargs):  # remembered, to be closed as a player would
            outputs.append(opener(*args, **kwargs))
            return outputs[-1]

        made.open_output = open_output
        return made

    yield make
    for output in outputs:
        output.close()
    for made in relays:
        assert made.release(timeout_s=15), "relay threads did not end"


def read_bytes(output, count: int, timeout_s: float = WAIT_S) -> bytes:
    data = bytearray()
    deadline = time.monotonic() + timeout_s
    while len(data) < count and time.monotonic() < deadline:
        data += output.read(65536, timeout_s=max(0.0, deadline - time.monotonic()))
    return bytes(data)


def first_video(ts: bytes) -> tuple[str, bool]:
    """Codec name and keyframe flag of the first video packet in an MPEG-TS byte string."""
    with av.open(io.BytesIO(ts), format="mpegts") as container:
        stream = container.streams.video[0]
        for packet in container.demux(stream):
            if packet.size:
                return stream.codec_context.name, packet.is_keyframe
    raise AssertionError("no video packet in the relayed bytes")


@pytest.mark.parametrize("codec,extra", [("h264", ()), ("hevc", ("--h265",))])
def test_relay_hands_out_mpeg_ts_starting_at_a_keyframe(gst_rtsp, relay, codec, extra):
    server = gst_rtsp({"/red": RED}, None, "", *extra)
    output = relay().open_output(SessionKey(server.url("/red")), Verdict())
    ts = read_bytes(output, 40_000)
    assert ts[:1] == b"\x47" and len(ts) >= 40_000
    assert first_video(ts) == (codec, True)


@pytest.mark.parametrize("digest", [False, True], ids=["basic", "digest"])
def test_password_plays_and_missing_or_wrong_password_is_auth(gst_rtsp, relay, digest):
    server = gst_rtsp({}, {"/cam": RED}, f"{USER}:{PASSWORD}", *(("--digest",) if digest else ()))
    made = relay()
    good = made.open_output(SessionKey(server.url("/cam"), USER, PASSWORD), Verdict())
    missing, wrong = Verdict(), Verdict()
    made.open_output(SessionKey(server.url("/cam")), missing)
    made.open_output(SessionKey(server.url("/cam"), USER, "wrong-" + PASSWORD), wrong)
    assert missing.done.wait(WAIT_S) and wrong.done.wait(WAIT_S)
    assert (missing.reason, wrong.reason) == (Reason.AUTH, Reason.AUTH)
    assert "401" in wrong.detail and PASSWORD not in wrong.detail and "wrong-" not in wrong.detail
    assert first_video(read_bytes(good, 20_000))[0] == "h264"


def test_session_status_becomes_the_reason(gst_rtsp, relay):
    server = gst_rtsp({"/red": RED}, None, "", "--audio-mount", "/radio")
    made = relay()
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed_port = spare.getsockname()[1]
    cases = {
        server.url("/nope"): Reason.NOT_FOUND,
        server.url("/radio"): Reason.NO_VIDEO,
        f"rtsp://127.0.0.1:{closed_port}/red": Reason.REFUSED,
    }
    verdicts = {url: Verdict() for url in cases}
    for url, verdict in verdicts.items():
        made.open_output(SessionKey(url), verdict)
    for url, reason in cases.items():
        assert verdicts[url].done.wait(WAIT_S), url
        assert verdicts[url].reason is reason, (url, verdicts[url].reason, verdicts[url].detail)


def test_a_silent_server_is_a_timeout_and_a_frozen_one_a_stall(gst_rtsp, relay):
    server = gst_rtsp({"/red": RED})
    made = relay(read_timeout_s=1.5)
    with socket.socket() as silent:  # accepts (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        timeout = Verdict()
        made.open_output(SessionKey(f"rtsp://127.0.0.1:{silent.getsockname()[1]}/x"), timeout)
        playing = Verdict()
        output = made.open_output(SessionKey(server.url("/red")), playing)
        assert read_bytes(output, 10_000)
        os.kill(server.proc.pid, signal.SIGSTOP)
        try:
            assert playing.done.wait(WAIT_S) and timeout.done.wait(WAIT_S)
        finally:
            os.kill(server.proc.pid, signal.SIGCONT)
    assert (timeout.reason, playing.reason) == (Reason.TIMEOUT, Reason.STALLED)


def test_one_session_for_two_subscribers_teardown_with_the_last(gst_rtsp, relay):
    server = gst_rtsp({"/red": RED})
    made = relay()
    key = SessionKey(server.url("/red"))
    first = made.open_output(key, Verdict())
    assert read_bytes(first, 20_000)
    second = made.open_output(key, Verdict())  # joins the running session: GOP replayed
    assert first_video(read_bytes(second, 20_000)) == ("h264", True)
    assert server.sessions == 1 and made.session_count() == 1
    made.close_output(first)
    assert read_bytes(second, 5_000) and server.events["teardown"] == 0
    started = time.monotonic()
    made.close_output(second)
    assert time.monotonic() - started < 0.1  # the main thread never waits for the network
    assert server.wait_events("teardown", 1, WAIT_S)
    assert second.read(100, timeout_s=1) == b""
    assert made.session_count() == 0


def test_keepalives_hold_a_session_past_the_server_timeout(gst_rtsp, relay):
    server = gst_rtsp({"/red": RED}, None, "", "--session-timeout", "2")
    verdict = Verdict()
    output = relay().open_output(SessionKey(server.url("/red")), verdict)
    assert read_bytes(output, 10_000)
    before = server.events["request:GET_PARAMETER"] + server.events["request:OPTIONS"]
    deadline = time.monotonic() + 5.0  # 2.5 session timeouts
    while time.monotonic() < deadline:
        assert output.read(65536, timeout_s=2.0), "the stream stopped"
    after = server.events["request:GET_PARAMETER"] + server.events["request:OPTIONS"]
    assert after - before >= 2  # one every half timeout
    assert not verdict.done.is_set()


@pytest.mark.parametrize("tcp,marker", [(True, "RTP/AVP/TCP"), (False, "client_port")])
def test_transport_setting_reaches_the_server(gst_rtsp, relay, tcp, marker):
    server = gst_rtsp({"/red": RED})
    output = relay().open_output(SessionKey(server.url("/red"), tcp=tcp), Verdict())
    assert read_bytes(output, 10_000)
    assert server.transports and all(marker in t for t in server.transports), server.transports
    if not tcp:
        assert not any("TCP" in t for t in server.transports)


def test_network_caching_sets_the_mux_delay_above_libvlcs_fixed_part():
    assert RelayOptions(network_caching_ms=0).mux_delay_ms == 0
    assert RelayOptions(network_caching_ms=300).mux_delay_ms == 0
    assert RelayOptions(network_caching_ms=1300).mux_delay_ms == 1000


def test_packets_before_the_rtp_clock_get_timestamps_one_frame_apart():
    import av

    from viewer.player.rtsp_relay import _time_before

    key, other, timed = av.Packet(b"k"), av.Packet(b"p"), av.Packet(b"t")
    key.is_keyframe = True
    timed.pts = 90000
    _time_before([key, other], timed, 6000)
    assert [(p.pts, p.dts, p.is_keyframe) for p in (key, other)] == [(78000, 78000, True), (84000, 84000, False)]
    assert (timed.pts, timed.dts) == (90000, None)  # the timed packet itself is left as it came


def test_a_recording_that_ends_ends_the_session_as_ended(gst_rtsp, relay, tmp_path):
    import subprocess

    clip = tmp_path / "short.ts"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=15",
                    "-t", "2", "-c:v", "libx264", "-preset", "veryfast", "-g", "15", "-bf", "0",
                    "-pix_fmt", "yuv420p", "-f", "mpegts", str(clip)], check=True)
    server = gst_rtsp({}, None, "", "--clip-mount", f"/short={clip}")
    verdict = Verdict()
    output = relay().open_output(SessionKey(server.url("/short")), verdict)
    assert read_bytes(output, 5_000)
    assert verdict.done.wait(WAIT_S)  # GStreamer sends BYE at the end of the file
    assert verdict.reason is Reason.ENDED, (verdict.reason, verdict.detail)


def test_the_session_counts_pictures_bytes_key_pictures_and_the_stream_format(gst_rtsp, relay):
    """The stream figures' source (issue 23): plain counters on the session thread, against a
    server whose frame rate (15 fps), bitrate (400 kbit/s) and key picture interval (2 s) are
    known. Counted by the camera's clock (timestamps), so the opening burst cannot skew it."""
    server = gst_rtsp({"/noise": "snow"}, None, "", "--fps", "15", "--bitrate", "400")
    output = relay().open_output(SessionKey(server.url("/noise")), None)
    session = output.session
    assert read_bytes(output, 1) != b""
    first = (session.packets, session.bytes_in, session.keyframes_in, session.last_timestamp * session.time_base)
    while session.last_timestamp * session.time_base - first[3] < 6.0:  # six seconds of the camera's clock
        assert output.read(65536, timeout_s=WAIT_S) != b""
    stream_s = float(session.last_timestamp * session.time_base - first[3])
    fps = (session.packets - first[0]) / stream_s
    kbps = (session.bytes_in - first[1]) * 8 / 1000 / stream_s
    print(f"relay counters: {fps:.2f} fps, {kbps:.0f} kbit/s, {session.keyframes_in - first[2]} key pictures "
          f"in {stream_s:.1f} s, first packet after {session.first_packet_s:.2f} s")
    assert session.video_format == ("h264", 640, 360, 15.0)
    assert abs(fps - 15) <= 1.5 and abs(kbps - 400) <= 40
    assert session.keyframes_in - first[2] in (3, 4)  # one every 2 s
    assert 0 < session.first_packet_s < WAIT_S
