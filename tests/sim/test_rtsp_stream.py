"""The simulator's RTSP cameras stream for real: RTSP/1.0 over a raw socket (what goes on the
wire), FFmpeg's client through PyAV, ffprobe and GStreamer's rtspsrc (implementations we did
not write) decoding at the clip's rate, sessions counted on the server side, 16 clients at full rate and the CPU the
simulator spends on them."""

from __future__ import annotations

import base64
import itertools
import json
import struct
import subprocess
import threading
import time

import pytest

from tests.support.raw_client import Client, rtsp
from tests.support.rtsp_client import Reader, open_rtsp
from tests.support.tools import require_gst_element, require_tool
from tests.support.waiting import wait_until
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera
from viewer.sim.h264_clip import H264Clip

CLIP_FPS = 15
CLIENTS = 16
WINDOW_S = 3.0
RATE_TOLERANCE = 0.10
#: The loop thread's CPU for 16 clients, as a fraction of one core. Measured ~1-2 % here;
#: the bound only catches a sender that became an order of magnitude heavier.
MAX_SERVER_CPU_16_CLIENTS = 0.15
TCP = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\n"


@pytest.fixture
def sim():
    simulator = CameraSimulator()
    yield simulator
    simulator.stop()


def interleaved_frames(data: bytes) -> tuple[list[tuple[int, bytes]], bytes]:
    """Split ``$``-framed packets off ``data``; returns them and the unparsed rest."""
    frames = []
    while len(data) >= 4 and data[0] == 0x24:
        length = struct.unpack("!H", data[2:4])[0]
        if len(data) < 4 + length:
            break
        frames.append((data[1], data[4 : 4 + length]))
        data = data[4 + length :]
    return frames, data


def header(response: str, name: str) -> str:
    for line in response.split("\r\n"):
        key, _, value = line.partition(":")
        if key.strip().lower() == name.lower():
            return value.strip()
    raise AssertionError(f"no {name} header in {response!r}")


def loop_thread_cpu_s() -> float:
    """CPU seconds the simulator's loop thread has used (POSIX per-thread clock)."""
    (thread,) = [t for t in threading.enumerate() if t.name == "sim-cameras"]
    return time.clock_gettime(time.pthread_getcpuclockid(thread.ident))


def test_setup_play_sends_rfc6184_rtp_in_real_time_and_teardown_ends_the_session(sim, loop_clip):
    url = sim.add_rtsp(SimCamera("/Streaming/Channels/102", clip=loop_clip))
    sim.start()
    clip = H264Clip.load(loop_clip)
    client = Client(url)
    describe = rtsp(client, "DESCRIBE", url, 1)
    assert f"sprop-parameter-sets={base64.b64encode(clip.sps).decode()}," in describe
    assert f"profile-level-id={clip.sps[1:4].hex().upper()}" in describe and "a=control:trackID=1" in describe
    assert rtsp(client, "PLAY", url, 2).startswith("RTSP/1.0 455")  # no SETUP yet
    setup = rtsp(client, "SETUP", header(describe, "Content-Base") + "trackID=1", 3, TCP)
    assert setup.startswith("RTSP/1.0 200") and "interleaved=0-1" in header(setup, "Transport")
    session, _, timeout = header(setup, "Session").partition(";")
    assert timeout == "timeout=60" and sim.sessions(url) == 1
    assert rtsp(client, "PLAY", url, 4, "Session: WRONG\r\n").startswith("RTSP/1.0 454")
    play = rtsp(client, "PLAY", url, 5, f"Session: {session}\r\n")
    assert play.startswith("RTSP/1.0 200") and "rtptime=" in header(play, "RTP-Info")
    started = time.monotonic()
    client.buf = client.buf.partition(b"\r\n\r\n")[2]
    client.read_for(2.0)
    frames, _ = interleaved_frames(client.buf)
    rtp = [payload for channel, payload in frames if channel == 0]
    assert rtp and {channel for channel, _ in frames} == {0, 1}
    reports = [payload for channel, payload in frames if channel == 1]
    assert len(reports) == 1 and reports[0][1] == 200  # one RTCP sender report in the first 5 s
    seqs = [struct.unpack("!H", p[2:4])[0] for p in rtp]
    assert all((b - a) % 65536 == 1 for a, b in itertools.pairwise(seqs))
    assert {p[0] >> 6 for p in rtp} == {2} and {p[1] & 0x7F for p in rtp} == {96}
    stamps = [struct.unpack("!I", p[4:8])[0] for p in rtp]
    markers = [bool(p[1] & 0x80) for p in rtp]
    # the marker is on the last packet of each access unit: where the timestamp changes next
    assert all(m == (a != b) for m, a, b in zip(markers, stamps, stamps[1:], strict=False))
    fu_a = [p for p in rtp if p[12] & 0x1F == 28]
    assert fu_a and fu_a[0][13] & 0x80  # the keyframe went out in FU-A fragments
    pictures = sum(markers)
    elapsed = time.monotonic() - started
    assert abs(pictures / elapsed - CLIP_FPS) <= CLIP_FPS * 0.2, f"{pictures} pictures in {elapsed:.2f} s"
    assert len(set(stamps)) > CLIP_FPS  # looped past the 1 s clip with new timestamps
    teardown = rtsp(client, "TEARDOWN", url, 6, f"Session: {session}\r\n")
    assert teardown.startswith("RTSP/1.0 200") and sim.sessions(url) == 0
    client.buf = b""
    assert client.read_for(0.5) == b"", "RTP kept coming after TEARDOWN"
    client.close()
    assert wait_until(lambda: sim.connections(url) == 0)
    rude = Client(url)  # a client that goes away without TEARDOWN
    rtsp(rude, "SETUP", url + "/trackID=1", 1, TCP)
    rtsp(rude, "PLAY", url, 2)
    assert rude.wait_for(lambda: len(rude.buf) > 5000) and sim.sessions(url) == 1
    rude.close()
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_session_without_keepalive_times_out_but_ffmpeg_keeps_it_alive(sim, loop_clip):
    url = sim.add_rtsp(SimCamera("/short-timeout", clip=loop_clip, session_timeout_s=2))
    sim.start()
    silent = Client(url)
    rtsp(silent, "SETUP", url + "/trackID=1", 1, TCP)
    assert sim.sessions(url) == 1
    reader = Reader(url)  # FFmpeg sends GET_PARAMETER every timeout/2
    try:
        assert silent.wait_for(lambda: silent.closed, timeout_s=4.0), "session did not time out"
        assert wait_until(lambda: reader.arrivals and time.monotonic() - reader.arrivals[0] > 4.0, timeout_s=10.0)
        assert not reader.ended.is_set() and sim.sessions(url) == 1
    finally:
        reader.close()
        silent.close()
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_ffmpeg_decodes_at_the_clip_rate_across_loops_and_closing_ends_the_session(sim, loop_clip):
    url = sim.add_rtsp(SimCamera("/cam", clip=loop_clip))
    sim.start()
    arrivals, pts = [], []
    with open_rtsp(url) as container:
        assert sim.sessions(url) == 1
        opened = time.monotonic()
        for frame in container.decode(video=0):
            arrivals.append(time.monotonic())
            pts.append(frame.pts)
            assert (frame.width, frame.height) == (320, 180)
            if arrivals[-1] > opened + 1.0 + WINDOW_S:
                break
    start = opened + 1.0  # after the frames FFmpeg buffered while opening
    rate = sum(start <= t < start + WINDOW_S for t in arrivals) / WINDOW_S
    assert abs(rate - CLIP_FPS) <= CLIP_FPS * RATE_TOLERANCE, f"{rate:.1f} frames/s"
    stamps = [p for p in pts if p is not None]
    assert len(stamps) >= len(pts) - 1  # FFmpeg leaves the very first packet without a timestamp
    assert all(b > a for a, b in itertools.pairwise(stamps)), "presentation times must increase across loops"
    assert len(pts) > 3 * CLIP_FPS  # the 1 s clip looped at least three times
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_ffprobe_plays_it_falling_back_from_udp_to_tcp(sim, loop_clip):
    ffprobe = require_tool("ffprobe")
    url = sim.add_rtsp(SimCamera("/Streaming/Channels/101", clip=loop_clip))
    sim.start()
    out = subprocess.run(
        [ffprobe, "-v", "error", "-count_frames", "-read_intervals", "%+2", "-select_streams", "v",
         "-show_entries", "stream=codec_name,width,height,avg_frame_rate,nb_read_frames", "-of", "json", url],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    (stream,) = json.loads(out.stdout)["streams"]
    assert (stream["codec_name"], stream["width"], stream["height"]) == ("h264", 320, 180)
    assert stream["avg_frame_rate"] == f"{CLIP_FPS}/1"
    assert abs(int(stream["nb_read_frames"]) - 2 * CLIP_FPS) <= 2 * CLIP_FPS * RATE_TOLERANCE
    assert "461" in out.stderr  # ffprobe asked for UDP first and was told to use TCP
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_gstreamer_rtspsrc_decodes_it_with_digest_auth_in_real_time(sim, loop_clip):
    gst_launch = require_tool("gst-launch-1.0")
    for element in ("rtspsrc", "rtph264depay", "h264parse", "openh264dec"):
        require_gst_element(element)
    url = sim.add_rtsp(SimCamera("/Streaming/Channels/201", Behaviour.AUTH_DIGEST, password="pw", clip=loop_clip))
    sim.start()
    pictures = 3 * CLIP_FPS
    started = time.monotonic()
    result = subprocess.run(
        [gst_launch, "-q", "rtspsrc", f"location={url}", "user-id=admin", "user-pw=pw", "latency=0",
         "!", "rtph264depay", "!", "h264parse", "!", "openh264dec",
         "!", "identity", f"eos-after={pictures}", "!", "fakesink", "sync=false"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stdout + result.stderr
    # 45 decoded pictures (EOS after them) took their real time: the sender paces, not the client
    assert pictures / CLIP_FPS - 0.5 <= elapsed, f"{pictures} pictures in {elapsed:.2f} s"
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


@pytest.mark.slow
def test_sixteen_clients_get_full_rate_for_little_cpu(sim, loop_clip):
    urls = [sim.add_rtsp(SimCamera(f"/cam/{i}", clip=loop_clip)) for i in range(CLIENTS)]
    sim.start()
    readers = [Reader(url) for url in urls]
    try:
        assert all(r.opened.wait(15.0) for r in readers), [repr(r.error) for r in readers]
        assert wait_until(lambda: sum(sim.sessions(u) for u in urls) == CLIENTS)
        start, cpu_start = time.monotonic() + 1.0, None
        wait_until(lambda: time.monotonic() >= start, timeout_s=2.0)
        cpu_start = loop_thread_cpu_s()
        wait_until(lambda: time.monotonic() >= start + WINDOW_S, timeout_s=WINDOW_S + 1.0)
        cpu_share = (loop_thread_cpu_s() - cpu_start) / (time.monotonic() - start)
        rates = [r.rate(start, start + WINDOW_S) for r in readers]
    finally:
        for reader in readers:
            reader.close()
    assert all(abs(rate - CLIP_FPS) <= CLIP_FPS * RATE_TOLERANCE for rate in rates), rates
    assert all(r.error is None for r in readers), [repr(r.error) for r in readers]
    print(f"simulator loop thread: {cpu_share:.1%} of one core for {CLIENTS} RTSP clients")
    assert cpu_share < MAX_SERVER_CPU_16_CLIENTS
    assert wait_until(lambda: sum(sim.sessions(u) + sim.connections(u) for u in urls) == 0)
