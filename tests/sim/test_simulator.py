"""The camera simulator over real sockets: pacing, looping, freezing, killing, HLS, RTSP, auth.

Clients here are plain blocking sockets with short timeouts; conditions are polled with a
deadline. Stream validity is checked with ffprobe/ffmpeg.
"""

from __future__ import annotations

import itertools
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.raw_client import Client, rtsp
from tests.support.waiting import wait_until
from viewer.core.digest import digest_response
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera
from viewer.sim.ts_stream import LEAD_S

B = Behaviour
needs_ffprobe = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffprobe")


def whole_frames(data: bytes) -> bytes:
    """``data`` cut to whole packets, ending before the last video PES start (a cut-off stream
    ends with half a frame, which the decoder rightly complains about)."""
    data = data[: len(data) - len(data) % 188]
    for end in range(len(data) - 188, 0, -188):
        packet = data[end : end + 188]
        start = 4 + (1 + packet[4] if packet[3] & 0x20 else 0)
        if packet[1] & 0x40 and packet[start : start + 4] == b"\x00\x00\x01\xe0":
            return data[:end]
    return data


def video_dts(path: Path) -> list[float]:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=dts_time", "-of", "csv=p=0",
         str(path)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return [float(line.strip().strip(",")) for line in out.split() if line.strip().strip(",")]


def decode_warnings(path: Path) -> str:
    result = subprocess.run(
        ["ffmpeg", "-v", "warning", "-i", str(path), "-f", "null", "-"], capture_output=True, text=True, check=True
    )
    return result.stderr.strip()


@pytest.fixture
def sim():
    simulator = CameraSimulator()
    yield simulator
    simulator.stop()


# ---------------------------------------------------------------------------------------------
# HTTP live MPEG-TS


@needs_ffprobe
def test_live_stream_is_valid_mpegts_paced_in_real_time_and_looped(sim, loop_clip, tmp_path):
    url = sim.add_http(SimCamera("/live", clip=loop_clip))
    sim.start()
    client = Client(url)
    client.get()
    head, _ = client.head_and_body()
    started = time.monotonic()
    client.read_for(3.0)
    wall_s = time.monotonic() - started
    client.close()
    assert head.startswith("HTTP/1.1 200") and "Content-Type: video/mp2t" in head
    body = client.buf.partition(b"\r\n\r\n")[2]
    assert body[0] == 0x47 and body[188] == 0x47
    capture = tmp_path / "capture.ts"
    capture.write_bytes(whole_frames(body))
    assert decode_warnings(capture) == ""  # no continuity or timestamp complaints across loops
    dts = video_dts(capture)
    assert all(b > a for a, b in itertools.pairwise(dts)), "DTS must increase across loops"
    span_s = dts[-1] - dts[0]
    assert span_s > 2.0 * 1.0  # the 1 s clip looped at least twice
    assert span_s <= wall_s + LEAD_S + 0.3, "sent faster than real time"


@needs_ffprobe
def test_trickle_sends_at_a_fraction_of_real_time(sim, loop_clip, tmp_path):
    url = sim.add_http(SimCamera("/slowpoke", B.TRICKLE, clip=loop_clip, trickle_ratio=0.5))
    sim.start()
    client = Client(url)
    client.get()
    client.head_and_body()
    client.read_for(2.0)
    client.close()
    capture = tmp_path / "trickle.ts"
    capture.write_bytes(whole_frames(client.buf.partition(b"\r\n\r\n")[2]))
    dts = video_dts(capture)
    assert 0.5 < dts[-1] - dts[0] < 2.0 * 0.5 + LEAD_S + 0.3


def test_frozen_stops_the_bytes_but_keeps_the_connection_then_resumes(sim, loop_clip):
    url = sim.add_http(SimCamera("/freeze-me", clip=loop_clip, delay_s=0.2))
    sim.start()
    client = Client(url)
    client.get()
    assert client.wait_for(lambda: len(client.buf) > 2000)
    sim.set_behaviour(url, B.FROZEN)
    quiet_since = time.monotonic()
    deadline = quiet_since + 6.0
    while time.monotonic() - quiet_since < 1.0 and time.monotonic() < deadline:
        if client.pump():
            quiet_since = time.monotonic()
    assert time.monotonic() - quiet_since >= 1.0, "bytes kept flowing after FROZEN"
    assert not client.closed and sim.connections(url) == 1
    size = len(client.buf)
    sim.set_behaviour(url, B.HEALTHY)
    assert client.wait_for(lambda: len(client.buf) > size + 1000), "stream did not resume"
    client.close()


def test_frozen_camera_sends_its_first_seconds_then_nothing(sim, loop_clip):
    url = sim.add_http(SimCamera("/frozen", B.FROZEN, clip=loop_clip, delay_s=0.3))
    sim.start()
    client = Client(url)
    client.get()
    client.head_and_body()
    assert client.wait_for(lambda: len(client.buf) > 1000)
    quiet_since = time.monotonic()
    deadline = quiet_since + 5.0
    while time.monotonic() - quiet_since < 1.0 and time.monotonic() < deadline:
        if client.pump():
            quiet_since = time.monotonic()
    assert time.monotonic() - quiet_since >= 1.0 and not client.closed
    client.close()


def test_ending_http_camera_sends_its_first_seconds_then_closes(sim, loop_clip):
    url = sim.add_http(SimCamera("/ends", B.ENDS, clip=loop_clip, delay_s=0.5))
    sim.start()
    client = Client(url)
    client.get()
    client.head_and_body()
    assert client.wait_for(lambda: client.closed, timeout_s=5.0), "the stream did not end"
    assert len(client.buf.partition(b"\r\n\r\n")[2]) > 1000
    client.close()
    assert wait_until(lambda: sim.connections(url) == 0)


def test_refused_kills_live_connections_and_refuses_then_recovers(sim, loop_clip):
    url = sim.add_http(SimCamera("/killable", clip=loop_clip, own_port=True))
    other = sim.add_http(SimCamera("/bystander", clip=loop_clip))
    sim.start()
    client = Client(url)
    client.get()
    assert client.wait_for(lambda: len(client.buf) > 1000)
    sim.set_behaviour(url, B.REFUSED)
    assert client.wait_for(lambda: client.closed), "live connection not closed"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((urlsplit(url).hostname, urlsplit(url).port), timeout=2).close()
    bystander = Client(other)
    bystander.get()
    assert bystander.wait_for(lambda: len(bystander.buf) > 1000), "other cameras must not suffer"
    bystander.close()
    sim.set_behaviour(url, B.HEALTHY)
    again = Client(url)
    again.get()
    assert again.wait_for(lambda: len(again.buf) > 1000)
    again.close()
    client.close()


def test_refused_on_a_shared_port_drops_and_resets(sim, loop_clip):
    url = sim.add_http(SimCamera("/shared-kill", clip=loop_clip))
    sim.start()
    client = Client(url)
    client.get()
    assert client.wait_for(lambda: len(client.buf) > 1000)
    sim.set_behaviour(url, B.REFUSED)
    assert client.wait_for(lambda: client.closed)
    assert sim.connections(url) == 0
    late = Client(url)
    late.get()
    assert late.wait_for(lambda: late.closed) and late.buf == b""
    late.close()
    client.close()


def test_connections_are_counted(sim, loop_clip):
    url = sim.add_http(SimCamera("/count", clip=loop_clip))
    sim.start()
    clients = [Client(url) for _ in range(3)]
    for client in clients:
        client.get()
    assert clients[0].wait_for(lambda: sim.connections(url) == 3)
    for client in clients:
        client.close()
    assert wait_until(lambda: sim.connections(url) == 0)


@needs_ffprobe
def test_hls_playlist_and_segments(sim, loop_clip, tmp_path):
    url = sim.add_http(SimCamera("/hls/cam.m3u8", clip=loop_clip))
    sim.start()
    client = Client(url)
    client.get()
    head, _ = client.head_and_body()
    assert client.wait_for(lambda: client.closed)
    playlist = client.buf.partition(b"\r\n\r\n")[2].decode()
    assert "mpegurl" in head and playlist.startswith("#EXTM3U")
    segments = [line for line in playlist.splitlines() if line.endswith(".ts")]
    assert len(segments) == 3
    data = b""
    for name in segments[:2]:
        seg = Client(url)
        seg.get(f"/hls/{name}")
        assert seg.wait_for(lambda s=seg: s.closed)
        seg_head, _, seg_body = seg.buf.partition(b"\r\n\r\n")
        assert b"200 OK" in seg_head and seg_body[0] == 0x47
        data += seg_body
    joined = tmp_path / "two-segments.ts"
    joined.write_bytes(data)
    assert decode_warnings(joined) == ""
    dts = video_dts(joined)
    assert all(b > a for a, b in itertools.pairwise(dts))


# ---------------------------------------------------------------------------------------------
# RTSP


def test_rtsp_options_describe_setup_and_unknown_path(sim):
    url = sim.add_rtsp(SimCamera("/ch1"))
    audio = sim.add_rtsp(SimCamera("/audio", B.AUDIO_ONLY))
    sim.start()
    client = Client(url)
    assert rtsp(client, "OPTIONS", url, 1).startswith("RTSP/1.0 200 OK\r\nCSeq: 1\r\n")
    describe = rtsp(client, "DESCRIBE", url, 2, "Accept: application/sdp\r\n")
    assert "application/sdp" in describe and "m=video 0 RTP/AVP 96" in describe
    assert "m=audio" in rtsp(client, "DESCRIBE", audio, 3) and "m=video" not in client.buf.decode()
    udp = "Transport: RTP/AVP;unicast;client_port=5000-5001\r\n"
    assert rtsp(client, "SETUP", url + "/trackID=1", 4, udp).startswith("RTSP/1.0 461")
    assert rtsp(client, "SETUP", url + "/trackID=2", 5).startswith("RTSP/1.0 404")  # the audio track of a video camera
    assert rtsp(client, "DESCRIBE", url.replace("/ch1", "/nope"), 6).startswith("RTSP/1.0 404")
    client.close()


def test_rtsp_digest_checks_nonce_and_hash(sim):
    url = sim.add_rtsp(SimCamera("/secure", B.AUTH_DIGEST, password="pw"))
    sim.start()
    client = Client(url)
    challenge = rtsp(client, "DESCRIBE", url, 1)
    assert challenge.startswith("RTSP/1.0 401") and challenge.count("WWW-Authenticate") == 2
    nonce = challenge.split('nonce="')[1].split('"')[0]

    def auth(nonce: str, password: str) -> str:
        response = digest_response(
            algorithm="MD5", username="admin", realm="videowall-sim", password=password,
            method="DESCRIBE", uri=url, nonce=nonce,
        )  # fmt: skip
        return (
            f'Authorization: Digest username="admin", realm="videowall-sim", nonce="{nonce}", '
            f'uri="{url}", response="{response}"\r\n'
        )

    assert rtsp(client, "DESCRIBE", url, 2, auth(nonce, "pw")).startswith("RTSP/1.0 200")
    assert rtsp(client, "DESCRIBE", url, 3, auth(nonce, "wrong")).startswith("RTSP/1.0 401")
    forged = "0" * len(nonce)
    assert rtsp(client, "DESCRIBE", url, 4, auth(forged, "pw")).startswith("RTSP/1.0 401")
    basic = "Authorization: Basic YWRtaW46cHc=\r\n"  # admin:pw, but this camera wants Digest
    assert rtsp(client, "DESCRIBE", url, 5, basic).startswith("RTSP/1.0 401")
    client.close()


def test_thousands_of_rtsp_cameras_share_one_port():
    with CameraSimulator() as sim:
        urls = [sim.add_rtsp(SimCamera(f"/cam/{i}")) for i in range(2000)]
        refused = sim.add_rtsp(SimCamera("/dead", B.REFUSED))
        ports = {urlsplit(u).port for u in urls}
        assert len(ports) == 1 and urlsplit(refused).port not in ports
        client = Client(urls[1234])
        assert "m=video" in rtsp(client, "DESCRIBE", urls[1234], 1)
        client.close()


# ---------------------------------------------------------------------------------------------
# Lifecycle


def test_stop_closes_everything_joins_and_is_idempotent(loop_clip):
    sim = CameraSimulator()
    url = sim.add_http(SimCamera("/x", clip=loop_clip))
    rtsp_url = sim.add_rtsp(SimCamera("/y", B.HANGING))
    sim.start()
    sim.start()  # idempotent
    client, hanging = Client(url), Client(rtsp_url)
    client.get()
    hanging.send(f"OPTIONS {rtsp_url} RTSP/1.0\r\nCSeq: 1\r\n\r\n")
    assert client.wait_for(lambda: len(client.buf) > 500)
    assert hanging.wait_for(lambda: sim.connections(rtsp_url) == 1)
    sim.stop()
    sim.stop()
    assert client.wait_for(lambda: client.closed) and hanging.wait_for(lambda: hanging.closed)
    assert not [t for t in threading.enumerate() if t.name.startswith("sim-")]
    for address in (url, rtsp_url):
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection((urlsplit(address).hostname, urlsplit(address).port), timeout=2).close()
    with pytest.raises(RuntimeError):
        sim.add_rtsp(SimCamera("/late"))
    client.close()
    hanging.close()


def test_behaviour_set_before_start_and_cameras_added_after_start(sim, loop_clip):
    early = sim.add_rtsp(SimCamera("/early"))
    sim.set_behaviour(early, B.NOT_FOUND)
    sim.start()
    late = sim.add_rtsp(SimCamera("/late", B.AUDIO_ONLY))
    late_http = sim.add_http(SimCamera("/late-http", clip=loop_clip))
    client = Client(early)
    assert rtsp(client, "DESCRIBE", early, 1).startswith("RTSP/1.0 404")
    assert "m=audio" in rtsp(client, "DESCRIBE", late, 2)
    client.close()
    stream = Client(late_http)
    stream.get()
    assert stream.wait_for(lambda: len(stream.buf) > 1000)
    stream.close()
    with pytest.raises(ValueError):
        sim.add_rtsp(SimCamera("/late"))
    with pytest.raises(KeyError):
        sim.set_behaviour("/no-such-camera", B.HEALTHY)


def test_cli_prints_a_catalog_and_stops_on_eof(tmp_path, loop_clip):
    proc = subprocess.run(
        [sys.executable, "-m", "viewer.sim", "--healthy", "3", "--rtsp", "2", "--mixed", "--mixed-scheme", "rtsp",
         "--clip", str(loop_clip), "--once"],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    import yaml

    catalog = yaml.safe_load(proc.stdout)
    urls = [cam["url"] for cam in catalog["cameras"]]
    assert len(urls) >= 3 and all(u.startswith(("http://127.0.0.1:", "rtsp://127.0.0.1:")) for u in urls)
    assert sum(u.startswith("http://") for u in urls) == 3  # the mixed cameras went RTSP
    assert any(u.endswith("/ends") for u in urls) and any(u.endswith("/rtsp/2") for u in urls)
    assert "secret" not in proc.stdout


@needs_ffprobe
def test_live_join_starts_a_new_client_where_the_live_stream_is(sim, tmp_path):
    from tests.support.clips import make_clip

    clip = make_clip(tmp_path, "pattern", seconds=4, gop_frames=30, fps=15)  # a keyframe every 2 s
    live = sim.add_http(SimCamera("/live", clip=clip, live_join=True))
    replay = sim.add_http(SimCamera("/replay", clip=clip))
    sim.start()
    went_live = time.monotonic()
    time.sleep(1.5)  # the input: cameras that have been live for 1.5 s (not a wait for a condition)
    starts = {}
    for name, url in (("live", live), ("replay", replay)):
        client = Client(url)
        client.get()
        client.head_and_body()
        client.read_for(1.0)
        client.close()
        capture = tmp_path / f"{name}.ts"
        capture.write_bytes(whole_frames(client.buf.partition(b"\r\n\r\n")[2]))
        starts[name] = video_dts(capture)[0]
    clip_start = video_dts(clip)[0]
    joined_at = time.monotonic() - went_live
    assert starts["replay"] - clip_start == pytest.approx(0.0, abs=0.07)  # from the first keyframe
    assert 1.3 <= starts["live"] - clip_start <= joined_at + LEAD_S  # mid-GOP, where the camera is
