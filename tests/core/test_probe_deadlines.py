"""Probes keep their deadlines and name what they find: a hanging DNS lookup, an endless
chunked body, impossible host names and a web login page answering instead of a stream.
Scripted servers on 127.0.0.1 (port 0) in the probe's own event loop."""

from __future__ import annotations

import logging
import socket
import threading
import time

import pytest

from tests.core.test_probe import TIMEOUT_S, TS_BYTES, http_answer, run, scripted
from viewer.core.catalog import catalog_from_text
from viewer.core.catalog_model import CatalogError
from viewer.core.probe import probe, probe_sync
from viewer.core.probe_io import MAX_CHUNK_OVERHEAD_BYTES, ChunkedDecoder, ProbeFailure
from viewer.core.reasons import Reason


@pytest.fixture
def hanging_dns(monkeypatch):
    """getaddrinfo for names ending in ``.hang.test`` blocks until the test ends."""
    release = threading.Event()
    real = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        if isinstance(host, str) and host.endswith(".hang.test"):
            release.wait(30)
            raise socket.gaierror(socket.EAI_AGAIN, "released")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield
    release.set()


@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_a_hanging_dns_lookup_is_bounded_by_the_probe_timeout(hanging_dns, scheme):
    started = time.monotonic()
    result = probe_sync(f"{scheme}://cam7.hang.test/live", timeout_s=1.0)  # asyncio.run, as a worker thread does
    elapsed_s = time.monotonic() - started
    assert result.reason is Reason.TIMEOUT and "resolving the host name" in result.detail, result
    assert elapsed_s < 1.0 + 0.8, f"probe_sync took {elapsed_s:.1f} s for a 1 s timeout"


def test_chunked_decoder_is_incremental_and_exact():
    payload = bytes(range(256)) * 20
    framed = b"".join(f"{len(payload[i:i + 7]):x};ext=1\r\n".encode() + payload[i:i + 7] + b"\r\n"
                      for i in range(0, len(payload), 7)) + b"0\r\n\r\n"  # fmt: skip
    decoder = ChunkedDecoder()
    for n in range(len(framed)):  # one byte at a time: every state boundary is crossed
        decoder.feed(framed[n : n + 1])
    assert decoder.done and bytes(decoder.body) == payload
    whole = ChunkedDecoder()
    whole.feed(framed)
    assert whole.done and bytes(whole.body) == payload
    with pytest.raises(ProbeFailure, match="malformed"):
        ChunkedDecoder().feed(b"zz\r\n")


def test_an_endless_chunked_body_of_framing_is_capped():
    """Chunks of one byte behind 900-byte extensions: a protocol verdict, long before the deadline."""

    async def main():
        head = http_answer("200 OK", ("Content-Type: application/vnd.apple.mpegurl", "Transfer-Encoding: chunked"),
                           length=False)  # fmt: skip
        chunk = b"1;" + b"x" * 900 + b"\r\n#\r\n"
        count = 4 * MAX_CHUNK_OVERHEAD_BYTES // len(chunk)
        async with scripted(lambda h, n: [head, *([chunk] * count)]) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/live.m3u8", timeout_s=TIMEOUT_S)

    started = time.monotonic()
    result = run(main())
    assert result.reason is Reason.PROTOCOL and "chunked framing" in result.detail, result
    assert time.monotonic() - started < TIMEOUT_S


def test_a_long_chunked_stream_decodes_in_linear_time():
    """A 16 KiB playlist read from one-byte chunks: every byte decoded once."""
    decoder = ChunkedDecoder()
    started = time.process_time()
    for _ in range(16 * 1024):
        decoder.feed(b"1\r\n#\r\n")
    assert len(decoder.body) == 16 * 1024
    assert time.process_time() - started < 1.0  # CPU seconds; quadratic decoding took minutes


BAD_HOSTS = ["cam..example.com", ".cam.example.com", "a" * 64 + ".example.com", ("b" * 60 + ".") * 5 + "com"]


@pytest.mark.parametrize("host", BAD_HOSTS)
def test_impossible_host_names_are_a_check_error(host):
    text = f"version: 1\ndistricts:\n  - {{id: d, name: D}}\ncameras:\n  - {{id: a, name: A, district: d, url: 'rtsp://{host}/x'}}\n"
    with pytest.raises(CatalogError) as caught:
        catalog_from_text(text, "h.yaml", {})
    assert "h.yaml:5:" in str(caught.value) and "host name" in str(caught.value)


@pytest.mark.parametrize("host", BAD_HOSTS)
@pytest.mark.parametrize("scheme", ["http", "rtsp"])
def test_impossible_host_names_are_a_named_probe_result_without_traceback(host, scheme, caplog):
    with caplog.at_level(logging.DEBUG):
        result = run(probe(f"{scheme}://{host}/x", timeout_s=TIMEOUT_S))
    assert result.reason is Reason.PROTOCOL and "invalid host name" in result.detail, result
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (("Content-Type: text/html; charset=utf-8",), b"<html><form>user/password</form></html>"),
        ((), b"\n<!DOCTYPE html><html><title>Login</title></html>"),
        (("Content-Type: application/json",), b'{"error": "login required"}'),
    ],
)
def test_a_web_login_page_is_not_a_video_stream(headers, body):
    async def main():
        answer = http_answer("200 OK", headers, body)
        async with scripted(lambda h, n: [answer]) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/video", timeout_s=TIMEOUT_S)

    result = run(main())
    assert result.reason is Reason.PROTOCOL and "not a video stream" in result.detail, result


def test_an_unlabelled_stream_is_still_ok():
    async def main():
        answer = http_answer("200 OK", (), TS_BYTES)
        async with scripted(lambda h, n: [answer]) as (port, _):
            return await probe(f"http://127.0.0.1:{port}/video", timeout_s=TIMEOUT_S)

    assert run(main()).reason is Reason.OK
