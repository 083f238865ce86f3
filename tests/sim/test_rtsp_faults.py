"""Each fault of a simulated RTSP camera, as the wall's RTSP client (FFmpeg through PyAV, TCP,
2 s socket timeout) sees it: the exception ``av.open`` or the demux raises, an EOF, or a
stream without video. One simulator serves every camera of this module."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import av
import pytest

from tests.support.raw_client import Client, rtsp
from tests.support.rtsp_client import SOCKET_TIMEOUT_US, Reader
from tests.support.waiting import wait_until
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

B = Behaviour
PASSWORD = "pa55word"
SOCKET_TIMEOUT_S = SOCKET_TIMEOUT_US / 1e6
STALL_AFTER_S = 2.5  # FROZEN/ENDS: seconds of video after PLAY (more than FFmpeg needs to open)
SLOW_S = SOCKET_TIMEOUT_S + 1.0


@pytest.fixture(scope="module")
def cams(loop_clip):
    cameras = {
        "basic": SimCamera("/basic", B.AUTH_BASIC, password=PASSWORD, clip=loop_clip),
        "digest": SimCamera("/digest", B.AUTH_DIGEST, password=PASSWORD, clip=loop_clip),
        "not_found": SimCamera("/not-found", B.NOT_FOUND, clip=loop_clip),
        "forbidden": SimCamera("/forbidden", B.FORBIDDEN, clip=loop_clip),
        "audio_only": SimCamera("/audio", B.AUDIO_ONLY, clip=loop_clip),
        "slow": SimCamera("/slow", B.SLOW, delay_s=SLOW_S, clip=loop_clip),
        "slow_in_time": SimCamera("/slow-in-time", B.SLOW, delay_s=0.5, clip=loop_clip),
        "stall": SimCamera("/stall", B.FROZEN, delay_s=STALL_AFTER_S, clip=loop_clip),
        "bye": SimCamera("/bye", B.ENDS, delay_s=STALL_AFTER_S, clip=loop_clip),
        "garbage": SimCamera("/garbage", B.GARBAGE, clip=loop_clip),
        "hanging": SimCamera("/hanging", B.HANGING, clip=loop_clip),
        "refused": SimCamera("/refused", B.REFUSED, clip=loop_clip),
        "trickle": SimCamera("/trickle", B.TRICKLE, trickle_ratio=0.5, clip=loop_clip),
    }
    with CameraSimulator() as sim:
        urls = {name: sim.add_rtsp(cam) for name, cam in cameras.items()}
        yield sim, urls


def with_credentials(url: str, password: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"admin:{password}@{parts.netloc}"))


def finished(reader: Reader, timeout_s: float = 15.0) -> Reader:
    assert reader.ended.wait(timeout_s), f"{reader.url} still reading"
    reader.close()
    return reader


@pytest.mark.parametrize("name", ["basic", "digest"])
def test_auth_without_or_with_a_wrong_password_is_401_and_the_right_one_plays(cams, name):
    sim, urls = cams
    for url in (urls[name], with_credentials(urls[name], "wrong")):
        with pytest.raises(av.error.HTTPUnauthorizedError):
            av.open(url, options={"rtsp_transport": "tcp", "timeout": str(SOCKET_TIMEOUT_US)})
    reader = Reader(with_credentials(urls[name], PASSWORD))
    try:
        assert wait_until(lambda: len(reader.arrivals) >= 5, timeout_s=10.0), repr(reader.error)
        assert sim.sessions(urls[name]) == 1  # every request of the session passed the check
    finally:
        reader.close()


@pytest.mark.parametrize(
    ("name", "error"),
    [("not_found", av.error.HTTPNotFoundError), ("forbidden", av.error.HTTPForbiddenError)],
)
def test_status_errors_reach_the_client(cams, name, error):
    _, urls = cams
    with pytest.raises(error):
        av.open(urls[name], options={"rtsp_transport": "tcp", "timeout": str(SOCKET_TIMEOUT_US)})


def test_unknown_path_is_404(cams):
    _, urls = cams
    with pytest.raises(av.error.HTTPNotFoundError):
        av.open(urls["basic"].replace("/basic", "/no/such/camera"), options={"rtsp_transport": "tcp"})


def test_audio_only_camera_opens_without_video_and_sends_audio(cams):
    _, urls = cams
    with av.open(urls["audio_only"], options={"rtsp_transport": "tcp", "timeout": str(SOCKET_TIMEOUT_US)}) as c:
        assert not c.streams.video and [s.codec_context.name for s in c.streams.audio] == ["pcm_alaw"]
        packets = [p for _, p in zip(range(5), c.demux(), strict=False) if p.size]
    assert packets


@pytest.mark.parametrize("name", ["slow", "hanging", "garbage"])
def test_no_rtsp_answer_in_time_fails_the_open_after_the_socket_timeout(cams, name):
    _, urls = cams
    started = time.monotonic()
    reader = finished(Reader(urls[name]))
    elapsed = time.monotonic() - started
    assert isinstance(reader.error, av.error.InvalidDataError), repr(reader.error)
    assert not reader.opened.is_set() and SOCKET_TIMEOUT_S <= elapsed < SOCKET_TIMEOUT_S + 3.0


def test_slow_describe_within_the_timeout_still_plays(cams):
    _, urls = cams
    started = time.monotonic()
    reader = Reader(urls["slow_in_time"])
    try:
        assert wait_until(lambda: len(reader.arrivals) >= 5, timeout_s=10.0), repr(reader.error)
        assert reader.arrivals[0] - started >= 0.5  # the DESCRIBE answer really was late
    finally:
        reader.close()


def test_refused_connection(cams):
    _, urls = cams
    with pytest.raises(ConnectionRefusedError):
        av.open(urls["refused"], options={"rtsp_transport": "tcp", "timeout": str(SOCKET_TIMEOUT_US)})


def test_stall_after_play_keeps_the_connection_and_times_the_read_out(cams):
    sim, urls = cams
    url = urls["stall"]
    reader = Reader(url)
    assert reader.opened.wait(10.0), repr(reader.error)
    assert wait_until(
        lambda: reader.ended.is_set() or (reader.arrivals and time.monotonic() - reader.arrivals[-1] > 1.0),
        timeout_s=10.0,
    )
    assert sim.connections(url) == 1 and sim.sessions(url) == 1  # quiet, not closed
    finished(reader)
    assert isinstance(reader.error, TimeoutError), repr(reader.error)
    assert len(reader.arrivals) >= 15 * (STALL_AFTER_S - 0.5)
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_bye_ends_the_stream_with_eof(cams):
    sim, urls = cams
    url = urls["bye"]
    started = time.monotonic()
    reader = finished(Reader(url))
    assert reader.error is None  # the demux loop ended: EOF, not an error
    assert len(reader.arrivals) >= 15 * (STALL_AFTER_S - 0.5)
    assert time.monotonic() - started < STALL_AFTER_S + SOCKET_TIMEOUT_S  # sooner than a timeout would
    assert wait_until(lambda: sim.sessions(url) == 0 and sim.connections(url) == 0)


def test_bye_is_an_rtcp_bye_on_the_rtcp_channel_then_a_close(cams):
    _, urls = cams
    url = urls["bye"]
    client = Client(url)
    setup = rtsp(client, "SETUP", url + "/trackID=1", 1, "Transport: RTP/AVP/TCP;unicast;interleaved=4-5\r\n")
    session = setup.split("Session: ")[1].split(";")[0]
    rtsp(client, "PLAY", url, 2, f"Session: {session}\r\n")
    assert client.wait_for(lambda: client.closed, timeout_s=STALL_AFTER_S + 3.0)
    data = client.buf.partition(b"\r\n\r\n")[2]
    channels, rest = [], data
    while rest:
        assert rest[0] == 0x24
        length = int.from_bytes(rest[2:4], "big")
        channels.append((rest[1], rest[4 : 4 + length]))
        rest = rest[4 + length :]
    assert {c for c, _ in channels} == {4, 5}
    last_channel, last = channels[-1]
    assert last_channel == 5 and last[1] == 201 and last[9] == 203  # RR + BYE, the last thing sent
    client.close()


def test_trickle_sends_pictures_at_a_fraction_of_real_time(cams):
    _, urls = cams
    reader = Reader(urls["trickle"])
    try:
        assert reader.opened.wait(15.0), repr(reader.error)
        start = time.monotonic() + 0.5
        assert wait_until(lambda: time.monotonic() > start + 2.0, timeout_s=4.0)
        assert abs(reader.rate(start, start + 2.0) - 7.5) <= 7.5 * 0.15  # 15 fps at half speed
    finally:
        reader.close()
