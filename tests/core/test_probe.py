"""The probe against real servers: the camera simulator, scripted servers and a TLS server.

Every server binds 127.0.0.1 on an ephemeral port. Scripted servers run in the same event loop
as the probe (``asyncio.run`` per test); the simulator runs in its own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import AsyncIterator, Callable

import pytest

from viewer.core.probe import ProbeResult, classify_os_error, probe, probe_many, probe_sync
from viewer.core.probe_http import check_ts, classify_playlist
from viewer.core.probe_io import ProbeFailure, Target
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

B = Behaviour
TIMEOUT_S = 2.0
CLOSE = None  # in a scripted answer: hang up
PASSWORD = "S3cret-pw!"  # the simulated cameras' password in this module
WRONG = "Wr0ng-pw?"

# ---------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture(scope="module")
def fleet(clips) -> dict[tuple[str, str], str]:
    """One simulator with every behaviour over RTSP and HTTP: {(scheme, name): url}."""
    sim = CameraSimulator()
    urls: dict[tuple[str, str], str] = {}
    for behaviour in B:
        for scheme, add in (("rtsp", sim.add_rtsp), ("http", sim.add_http)):
            cam = SimCamera(f"/{behaviour.value}", behaviour, password=PASSWORD, delay_s=0.5, period_s=0.3)
            if scheme == "http":
                cam.clip = clips["red"]
            urls[scheme, behaviour.value] = add(cam)
    for scheme, add in (("rtsp", sim.add_rtsp), ("http", sim.add_http)):
        for behaviour in (B.AUTH_BASIC, B.AUTH_DIGEST):
            cam = SimCamera(f"/odd-{behaviour.value}", behaviour, username="ad@min", password="p:ss/@%")
            urls[scheme, f"odd-{behaviour.value}"] = add(cam)
    urls["http", "hls"] = sim.add_http(SimCamera("/live/cam.m3u8", clip=clips["red"]))
    sim.start()
    yield urls
    sim.stop()


def run(coro):
    return asyncio.run(coro)


def probe_now(url: str, username: str | None = None, password: str | None = None, timeout_s: float = TIMEOUT_S):
    return run(probe(url, username, password, timeout_s))


def with_userinfo(url: str, userinfo: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{userinfo}@{rest}"


@contextlib.asynccontextmanager
async def scripted(
    answer: Callable[[str, int], list[bytes | None]], tls: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[int, list[str]]]:
    """A server that reads request heads and writes ``answer(head, n)`` chunks (one write each;
    ``CLOSE`` hangs up). Yields (port, heads received so far)."""
    heads: list[str] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = (await reader.readuntil(b"\r\n\r\n")).decode()
                heads.append(head)
                for chunk in answer(head, len(heads)):
                    if chunk is CLOSE:
                        return
                    writer.write(chunk)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handler, "127.0.0.1", 0, ssl=tls)
    try:
        yield server.sockets[0].getsockname()[1], heads
    finally:
        server.close()


def rtsp_answer(status: str, cseq_from: str, headers: tuple[str, ...] = (), body: bytes = b"") -> bytes:
    cseq = next(line.split(":", 1)[1].strip() for line in cseq_from.split("\r\n") if line.startswith("CSeq"))
    lines = [f"RTSP/1.0 {status}", f"CSeq: {cseq}", *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def http_answer(status: str, headers: tuple[str, ...] = (), body: bytes = b"", length: bool = True) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *headers]
    if length:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


SDP = b"v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
TS_BYTES = b"".join(bytes([0x47, 0x00, 0x11, 0x10]) + bytes(184) for _ in range(8))

# ---------------------------------------------------------------------------------------------
# Each behaviour of the simulator, classified


EXPECTED = {
    "healthy": Reason.OK,
    "forbidden": Reason.AUTH,
    "not_found": Reason.NOT_FOUND,
    "audio_only": Reason.NO_VIDEO,
    "garbage": Reason.PROTOCOL,
    "slow": Reason.OK,
    "refused": Reason.REFUSED,
    "frozen": Reason.OK,
    "trickle": Reason.OK,
    "auth_basic": Reason.AUTH,
    "auth_digest": Reason.AUTH,
}


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_behaviour_is_classified(fleet, scheme, name):
    result = probe_now(fleet[scheme, name])
    assert result.reason is EXPECTED[name], result
    assert 0 <= result.latency_ms < TIMEOUT_S * 1000


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
@pytest.mark.parametrize("name", ["auth_basic", "auth_digest"])
def test_credentials(fleet, scheme, name):
    url = fleet[scheme, name]
    assert "no credentials" in probe_now(url).detail
    wrong = probe_now(url, "admin", WRONG)
    assert wrong.reason is Reason.AUTH and "rejected" in wrong.detail
    assert probe_now(url, "admin", PASSWORD).reason is Reason.OK
    assert probe_now(with_userinfo(url, "admin:Wr0ng-pw%3F")).reason is Reason.AUTH
    assert probe_now(with_userinfo(url, "admin:S3cret-pw%21")).reason is Reason.OK


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
@pytest.mark.parametrize("name", ["odd-auth_basic", "odd-auth_digest"])
def test_percent_encoded_userinfo_is_decoded(fleet, scheme, name):
    url = fleet[scheme, name]
    assert probe_now(with_userinfo(url, "ad%40min:p%3Ass%2F%40%25")).reason is Reason.OK
    assert probe_now(url, "ad@min", "p:ss/@%").reason is Reason.OK  # arguments: already decoded
    assert probe_now(with_userinfo(url, "ad%40min:p%3Ass")).reason is Reason.AUTH


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_hanging_server_times_out_on_time(fleet, scheme):
    result = probe_now(fleet[scheme, "hanging"], timeout_s=1.0)
    assert result.reason is Reason.TIMEOUT
    assert 1000 <= result.latency_ms <= 1500
    assert "within 1 s" in result.detail


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_slow_answer_within_the_timeout_is_ok_and_takes_its_time(fleet, scheme):
    result = probe_now(fleet[scheme, "slow"], timeout_s=5.0)  # two 0.5 s answers; room for a busy machine
    assert result.reason is Reason.OK
    assert result.latency_ms >= 450  # each answer waits delay_s = 0.5 s


@pytest.mark.parametrize("scheme", ["rtsp", "http"])
def test_flapping_camera_is_seen_up_and_down(fleet, scheme):
    seen: set[Reason] = set()
    deadline = time.monotonic() + 10
    while not {Reason.OK, Reason.REFUSED} <= seen and time.monotonic() < deadline:
        seen.add(probe_now(fleet[scheme, "flapping"]).reason)
    assert {Reason.OK, Reason.REFUSED} <= seen
    # A probe caught by the switch itself sees its connection reset: a protocol error.
    assert seen <= {Reason.OK, Reason.REFUSED, Reason.PROTOCOL}


def test_http_ts_stream_and_hls_playlist(fleet):
    assert probe_now(fleet["http", "healthy"]).detail == "MPEG-TS"
    hls = probe_now(fleet["http", "hls"])
    assert hls.reason is Reason.OK and "HLS playlist" in hls.detail


def test_no_password_in_any_detail(fleet):
    results: list[ProbeResult] = []
    for (_scheme, _name), url in fleet.items():
        if "hanging" in url or "flapping" in url:
            continue
        results.append(probe_now(url, "admin", PASSWORD))
        results.append(probe_now(url, "admin", WRONG))
        results.append(probe_now(with_userinfo(url, "admin:S3cret-pw%21")))
    assert len(results) > 60
    for result in results:
        assert PASSWORD not in result.detail and WRONG not in result.detail
        assert "S3cret-pw%21" not in result.detail


def test_password_echoed_by_a_server_is_masked():
    async def main() -> ProbeResult:
        def answer(head: str, n: int) -> list[bytes]:
            return [rtsp_answer(f"500 Oops {PASSWORD} rtsp://u:{PASSWORD}@x/y", head)]

        async with scripted(answer) as (port, _):
            return await probe(f"rtsp://127.0.0.1:{port}/x", "admin", PASSWORD, TIMEOUT_S)

    result = run(main())
    assert result.reason is Reason.PROTOCOL and PASSWORD not in result.detail and "***" in result.detail


# ---------------------------------------------------------------------------------------------
# Wire details with scripted servers


def test_rtsp_error_status_detail_and_request_shape():
    async def main() -> tuple[ProbeResult, list[str]]:
        def answer(head: str, n: int) -> list[bytes]:
            if head.startswith("OPTIONS"):
                return [rtsp_answer("200 OK", head)]
            return [rtsp_answer("454 Session Not Found", head)]

        async with scripted(answer) as (port, heads):
            result = await probe(f"rtsp://admin:{PASSWORD}@127.0.0.1:{port}/ch1?x=1", timeout_s=TIMEOUT_S)
            return result, heads

    result, heads = run(main())
    assert (result.reason, result.detail) == (Reason.PROTOCOL, "RTSP 454 Session Not Found")
    assert heads[0].startswith("OPTIONS rtsp://127.0.0.1:") and "/ch1?x=1 RTSP/1.0\r\n" in heads[0]
    assert heads[1].startswith("DESCRIBE ") and "Accept: application/sdp" in heads[1]
    assert "CSeq: 1" in heads[0] and "CSeq: 2" in heads[1] and "User-Agent: videowall/" in heads[0]
    assert all(PASSWORD not in h and "admin@" not in h for h in heads)


def test_rtsp_answer_split_into_single_bytes():
    async def main() -> ProbeResult:
        def answer(head: str, n: int) -> list[bytes]:
            if head.startswith("OPTIONS"):
                data = rtsp_answer("200 OK", head, ("Public: DESCRIBE",))
            else:
                data = rtsp_answer("200 OK", head, ("Content-Type: application/sdp",), SDP)
            return [data[i : i + 1] for i in range(len(data))]

        async with scripted(answer) as (port, _):
            return await probe(f"rtsp://127.0.0.1:{port}/x", timeout_s=TIMEOUT_S)

    result = run(main())
    assert result.reason is Reason.OK, result


def test_rtsp_prefers_digest_among_several_challenge_headers_and_retries_stale_nonce():
    async def main() -> tuple[ProbeResult, list[str]]:
        def answer(head: str, n: int) -> list[bytes]:
            if "Authorization: Digest" not in head:
                challenges = ('WWW-Authenticate: Basic realm="r"', 'WWW-Authenticate: Digest realm="r", nonce="n1"')
                return [rtsp_answer("401 Unauthorized", head, challenges)]
            if 'nonce="n1"' in head:
                stale = ('WWW-Authenticate: Digest realm="r", nonce="n2", stale=true',)
                return [rtsp_answer("401 Unauthorized", head, stale)]
            if head.startswith("OPTIONS"):
                return [rtsp_answer("200 OK", head)]
            return [rtsp_answer("200 OK", head, (), SDP)]

        async with scripted(answer) as (port, heads):
            return await probe(f"rtsp://127.0.0.1:{port}/x", "u", PASSWORD, TIMEOUT_S), heads

    result, heads = run(main())
    assert result.reason is Reason.OK, result
    assert not any("Authorization: Basic" in h for h in heads)
    assert 'nonce="n2"' in heads[-1] and heads[-1].startswith("DESCRIBE")


def test_rtsp_reconnects_when_the_server_closes_after_a_401():
    async def main() -> tuple[ProbeResult, list[str]]:
        def answer(head: str, n: int) -> list[bytes | None]:
            if "Authorization" not in head:  # answer 401 and hang up, as some cameras do
                return [rtsp_answer("401 Unauthorized", head, ('WWW-Authenticate: Basic realm="r"',)), CLOSE]
            return [rtsp_answer("200 OK", head, (), SDP)]

        async with scripted(answer) as (port, heads):
            return await probe(f"rtsp://127.0.0.1:{port}/x", "u", "p", TIMEOUT_S), heads

    result, heads = run(main())
    assert result.reason is Reason.OK, result
    assert [h.split(" ")[0] for h in heads] == ["OPTIONS", "OPTIONS", "DESCRIBE"]


@pytest.mark.parametrize(
    ("status_line", "detail"),
    [("RTSP/1.0 abc", "malformed status line"), ("HTTP/1.1 200 OK", "answer is not RTSP")],
)
def test_rtsp_malformed_answers_are_protocol(status_line, detail):
    async def main() -> ProbeResult:
        async with scripted(lambda head, n: [f"{status_line}\r\nCSeq: 1\r\n\r\n".encode()]) as (port, _):
            return await probe(f"rtsp://127.0.0.1:{port}/x", timeout_s=TIMEOUT_S)

    result = run(main())
    assert result.reason is Reason.PROTOCOL and detail in result.detail


def test_rtsp_describe_without_sdp_is_protocol():
    async def main() -> ProbeResult:
        async with scripted(lambda head, n: [rtsp_answer("200 OK", head)]) as (port, _):
            return await probe(f"rtsp://127.0.0.1:{port}/x", timeout_s=TIMEOUT_S)

    assert run(main()).reason is Reason.PROTOCOL


def test_http_redirects_are_followed_up_to_three(fleet):
    target = fleet["http", "healthy"]

    async def main(hops: int) -> ProbeResult:
        def answer(head: str, n: int) -> list[bytes]:
            path = head.split(" ")[1]
            step = int(path.rsplit("/", 1)[1])
            location = target if step >= hops else f"/hop/{step + 1}"
            return [http_answer("302 Found", (f"Location: {location}",))]

        async with scripted(answer) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/hop/1", timeout_s=TIMEOUT_S)

    assert run(main(3)).reason is Reason.OK
    too_many = run(main(4))
    assert too_many.reason is Reason.PROTOCOL and "redirects" in too_many.detail


@pytest.mark.parametrize(
    ("content_type", "body", "reason", "detail"),
    [
        ("video/mp2t", b"not a transport stream" * 40, Reason.PROTOCOL, "sync"),
        ("video/mp2t", TS_BYTES, Reason.OK, "MPEG-TS"),
        ("video/mp2t", b"\x00" * 5 + TS_BYTES, Reason.OK, "aligned at byte 5"),
        ("video/mp2t", TS_BYTES[:100], Reason.PROTOCOL, "ended"),
        ("application/vnd.apple.mpegurl", b"<html>nope</html>", Reason.PROTOCOL, "#EXTM3U"),
        ("audio/mpeg", b"ID3", Reason.NO_VIDEO, "audio"),
        ("image/jpeg", b"\xff\xd8", Reason.OK, "image/jpeg"),
    ],
)
def test_http_body_checks(content_type, body, reason, detail):
    async def main() -> ProbeResult:
        answer = http_answer("200 OK", (f"Content-Type: {content_type}",), body)
        async with scripted(lambda head, n: [answer]) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/stream", timeout_s=TIMEOUT_S)

    result = run(main())
    assert result.reason is reason and detail in result.detail, result


def test_http_chunked_live_stream_is_read_partially():
    async def main() -> ProbeResult:
        def answer(head: str, n: int) -> list[bytes]:
            chunks = [f"{len(TS_BYTES[i : i + 100]):x}\r\n".encode() + TS_BYTES[i : i + 100] + b"\r\n"
                      for i in range(0, len(TS_BYTES), 100)]  # fmt: skip
            head_bytes = http_answer("200 OK", ("Content-Type: video/MP2T", "Transfer-Encoding: chunked"), length=False)
            return [head_bytes, *chunks]  # and no terminating chunk: a live stream goes on

        async with scripted(answer) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/live", timeout_s=TIMEOUT_S)

    assert run(main()).reason is Reason.OK


def test_hls_master_playlist_probes_its_first_variant():
    master = b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360\nlow/index.m3u8\n"
    media = b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nseg1.ts\n"

    async def main(variant_status: str) -> tuple[ProbeResult, list[str]]:
        def answer(head: str, n: int) -> list[bytes]:
            if head.startswith("GET /master.m3u8"):
                return [http_answer("200 OK", ("Content-Type: application/x-mpegURL",), master)]
            return [http_answer(variant_status, ("Content-Type: application/vnd.apple.mpegurl",), media)]

        async with scripted(answer) as (port, heads):
            return await probe(f"http://127.0.0.1:{port}/master.m3u8", timeout_s=TIMEOUT_S), heads

    result, heads = run(main("200 OK"))
    assert result.reason is Reason.OK and "first variant" in result.detail
    assert heads[1].startswith("GET /low/index.m3u8 ")
    missing, _ = run(main("404 Not Found"))
    assert missing.reason is Reason.NOT_FOUND and missing.detail.startswith("first variant")


def test_https_with_a_self_signed_certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=camera",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)

    async def main() -> ProbeResult:
        answer = http_answer("200 OK", ("Content-Type: video/mp2t",), TS_BYTES)
        async with scripted(lambda head, n: [answer], tls=tls) as (port, _):
            return await probe(f"https://127.0.0.1:{port}/live.ts", timeout_s=TIMEOUT_S)

    assert run(main()).reason is Reason.OK


# ---------------------------------------------------------------------------------------------
# Socket-level and local cases


def test_refused_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, not listening: connecting is refused
        result = probe_now(f"rtsp://127.0.0.1:{port}/x")
    assert result.reason is Reason.REFUSED


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (ConnectionRefusedError(errno.ECONNREFUSED, "refused"), Reason.REFUSED),
        (OSError(errno.EHOSTUNREACH, "No route to host"), Reason.UNREACHABLE),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), Reason.UNREACHABLE),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), Reason.UNREACHABLE),
        (TimeoutError(errno.ETIMEDOUT, "timed out"), Reason.TIMEOUT),
        (ConnectionResetError(errno.ECONNRESET, "reset"), Reason.PROTOCOL),
        (OSError(errno.EMFILE, "Too many open files"), Reason.ERROR),
    ],
)
def test_socket_errors_are_classified(exc, reason):
    assert classify_os_error(exc)[0] is reason


def test_file_urls(tmp_path):
    clip = tmp_path / "clip with space.ts"
    clip.write_bytes(TS_BYTES)
    assert probe_now(clip.as_uri()).reason is Reason.OK
    assert probe_now((tmp_path / "missing.ts").as_uri()).reason is Reason.NOT_FOUND


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "camera-7", "rtmp://127.0.0.1/live"])
def test_unknown_scheme_is_protocol(url):
    result = probe_now(url)
    assert result.reason is Reason.PROTOCOL and "scheme" in result.detail


def test_target_strips_and_decodes_userinfo():
    target = Target.parse("rtsp://ad%40min:p%3Ass@cam.local:8554/Streaming/101?transport=tcp")
    assert (target.username, target.password) == ("ad@min", "p:ss")
    assert target.url == "rtsp://cam.local:8554/Streaming/101?transport=tcp"
    assert (target.host, target.port, target.path) == ("cam.local", 8554, "/Streaming/101?transport=tcp")
    assert Target.parse("https://[::1]/x").host_header == "[::1]"
    with pytest.raises(ProbeFailure):
        Target.parse("rtsp://cam:notaport/x")


def test_ts_and_playlist_checks():
    assert check_ts(TS_BYTES)[0] is Reason.OK
    assert check_ts(b"G" + bytes(400))[0] is Reason.PROTOCOL
    audio = b'#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\na.m3u8\n'
    assert classify_playlist(audio)[0] is Reason.NO_VIDEO
    mixed = b'#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,CODECS="avc1.42e01e,mp4a.40.2"\nv.m3u8\n'
    assert classify_playlist(mixed)[:1] == (Reason.OK,) and classify_playlist(mixed)[2] == "v.m3u8"
    assert classify_playlist(b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n")[0] is Reason.PROTOCOL
    assert classify_playlist(b"\xef\xbb\xbf#EXTM3U\n#EXTINF:1,\na.ts\n")[0] is Reason.OK
    assert classify_playlist(b"#EXTM3U\n")[0] is Reason.PROTOCOL


# ---------------------------------------------------------------------------------------------
# Many probes at once, and the thread wrapper


def test_probe_many_500_cameras():
    mix = [B.HEALTHY] * 7 + [B.NOT_FOUND, B.AUTH_DIGEST, B.AUDIO_ONLY]
    expected = {B.HEALTHY: Reason.OK, B.NOT_FOUND: Reason.NOT_FOUND, B.AUTH_DIGEST: Reason.OK,
                B.AUDIO_ONLY: Reason.NO_VIDEO}  # fmt: skip
    seen: list[str] = []
    with CameraSimulator() as sim:
        targets = []
        for i in range(500):
            behaviour = mix[i % len(mix)]
            url = sim.add_rtsp(SimCamera(f"/cam/{i}", behaviour, password=PASSWORD))
            targets.append((f"cam{i}", url, "admin", PASSWORD))
        results = run(probe_many(targets, concurrency=200, timeout_s=4.0, on_result=lambda k, r: seen.append(k)))
    assert len(results) == 500 and sorted(seen) == sorted(results)
    for i in range(500):
        assert results[f"cam{i}"].reason is expected[mix[i % len(mix)]], (i, results[f"cam{i}"])


def test_probe_many_survives_a_failing_callback(fleet):
    def explode(key: str, result: ProbeResult) -> None:
        raise RuntimeError("callback bug")

    targets = [(n, fleet["rtsp", n], None, None) for n in ("healthy", "not_found")]
    results = run(probe_many(targets, on_result=explode))
    assert {k: r.reason for k, r in results.items()} == {"healthy": Reason.OK, "not_found": Reason.NOT_FOUND}


def test_probe_sync_from_a_worker_thread(fleet):
    box: list[ProbeResult] = []
    worker = threading.Thread(target=lambda: box.append(probe_sync(fleet["http", "healthy"])), name="probe-test")
    worker.start()
    worker.join(10)
    assert box and box[0].reason is Reason.OK


# --- HLS freshness (a stopped encoder behind a server that keeps the old playlist) ----------
LIVE_PLAYLIST = b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:40\n#EXTINF:2.0,\nlive40.ts\n"


def test_a_live_playlist_not_rewritten_for_two_target_durations_is_stalled():
    from viewer.core.probe_http import check_playlist_fresh, playlist_age_s

    age = playlist_age_s("Fri, 04 Dec 2026 20:00:09 GMT", "Fri, 04 Dec 2026 20:00:00 GMT")
    assert age == 9.0
    reason, detail = check_playlist_fresh(LIVE_PLAYLIST, age, Reason.OK, "HLS playlist, 1 segments")
    assert reason is Reason.STALLED and "not updated for 9 s" in detail
    assert check_playlist_fresh(LIVE_PLAYLIST, 4.0, Reason.OK, "x") == (Reason.OK, "x")  # within 2 x 2 s + 1 s
    assert check_playlist_fresh(LIVE_PLAYLIST + b"#EXT-X-ENDLIST\n", 900.0, Reason.OK, "x") == (Reason.OK, "x")
    assert check_playlist_fresh(LIVE_PLAYLIST, None, Reason.OK, "x") == (Reason.OK, "x")  # no dates: unknown
    assert playlist_age_s(None, "Fri, 04 Dec 2026 20:00:00 GMT") is None
    assert playlist_age_s("garbage", "Fri, 04 Dec 2026 20:00:00 GMT") is None
