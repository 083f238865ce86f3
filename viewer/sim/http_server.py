"""The simulator's HTTP server: live MPEG-TS, HLS playlists/segments and errors per behaviour.

One asyncio stream handler per connection, one request per connection (``Connection: close``).
Paths ending in ``.m3u8`` are HLS: a live media playlist whose segments are ``<stem>-<n>.ts``
next to it. Any other path streams MPEG-TS until the client leaves. Runs on the simulator's loop
thread.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from urllib.parse import unquote, urlsplit

from viewer.sim import auth
from viewer.sim.model import Behaviour, CameraState, Endpoint, SimContext, TransportConnection, reset
from viewer.sim.mpegts import TsClip
from viewer.sim.ts_stream import hls_playlist, hls_segment, stream_live

log = logging.getLogger(__name__)

MAX_HEAD_BYTES = 64 * 1024
GARBAGE_BYTES = 512
_SEGMENT_RE = re.compile(r"^(.*)-(\d+)\.ts$")
_PHRASES = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}
# An ADTS (AAC) frame header and silence: enough for a client to see audio, not video.
_AAC_BYTES = bytes([0xFF, 0xF1, 0x50, 0x80, 0x02, 0x1F, 0xFC]) + b"\x00" * 9
_AUDIO_MASTER = '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\naudio.m3u8\n'


def route(endpoint: Endpoint, path: str) -> tuple[CameraState | None, int | None]:
    """The camera for a request path, and the HLS segment number when it asks for one."""
    state = endpoint.cameras.get(path)
    if state is not None:
        return state, None
    match = _SEGMENT_RE.match(path)
    if match:
        state = endpoint.cameras.get(match.group(1) + ".m3u8")
        if state is not None:
            return state, int(match.group(2))
    return None, None


async def handle_http(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, endpoint: Endpoint, ctx: SimContext
) -> None:
    """Serve one connection (the ``client_connected_cb`` of ``asyncio.start_server``)."""
    conn = TransportConnection(writer.transport)
    ctx.connections.add(conn)
    state: CameraState | None = None
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        parts = request_line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            await _respond(writer, 400)
            return
        method, target = parts[0].upper(), parts[1]
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        state, segment = route(endpoint, unquote(urlsplit(target).path) or "/")
        if state is None:
            await _respond(writer, 404)
            return
        state.connections.add(conn)
        state.requests += 1
        await _serve(reader, writer, state, segment, method, target, headers, ctx)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
        pass
    finally:
        ctx.connections.discard(conn)
        if state is not None:
            state.connections.discard(conn)
        writer.close()


async def _serve(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    state: CameraState,
    segment: int | None,
    method: str,
    target: str,
    headers: dict[str, str],
    ctx: SimContext,
) -> None:
    cam, behaviour = state.cam, state.behaviour
    if behaviour is Behaviour.REFUSED:
        reset(writer.transport)
        return
    if behaviour in (Behaviour.HANGING, Behaviour.GARBAGE):
        if behaviour is Behaviour.GARBAGE:
            writer.write(os.urandom(GARBAGE_BYTES))
        while await reader.read(4096):  # keep the socket open until the client leaves
            pass
        return
    if behaviour is Behaviour.SLOW:
        await asyncio.sleep(cam.delay_s)
    if behaviour in (Behaviour.AUTH_BASIC, Behaviour.AUTH_DIGEST):
        digest = behaviour is Behaviour.AUTH_DIGEST
        ok = auth.authorized(
            headers.get("authorization"),
            digest=digest,
            method=method,
            uri=target,
            username=cam.username,
            password=cam.password,
            nonces=ctx.nonces,
        )
        if not ok:
            state.refused_requests += 1
            challenges = auth.challenges(digest, ctx.nonces, qop=True)
            await _respond(writer, 401, [("WWW-Authenticate", c) for c in challenges])
            return
    if behaviour is Behaviour.FORBIDDEN:
        await _respond(writer, 403)
        return
    if behaviour is Behaviour.NOT_FOUND:
        await _respond(writer, 404)
        return
    is_playlist = segment is None and cam.path.endswith(".m3u8")
    clip = state.clip
    assert isinstance(clip, TsClip)
    if behaviour is Behaviour.AUDIO_ONLY:
        if is_playlist:
            await _respond(writer, 200, [("Content-Type", "application/vnd.apple.mpegurl")], _AUDIO_MASTER.encode())
        else:
            await _respond(writer, 200, [("Content-Type", "audio/aac")], _AAC_BYTES)
        return
    if is_playlist:
        body = hls_playlist(state, clip, asyncio.get_running_loop().time()).encode()
        await _respond(writer, 200, [("Content-Type", "application/vnd.apple.mpegurl")], body)
        return
    if segment is not None:
        body = hls_segment(clip, segment, state.period_s or clip.duration_s)
        await _respond(writer, 200, [("Content-Type", "video/mp2t")], body)
        return
    head = "HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
    writer.write(head.encode())
    if method != "HEAD":
        await stream_live(reader, writer, state, clip)


async def _respond(
    writer: asyncio.StreamWriter, code: int, headers: list[tuple[str, str]] | None = None, body: bytes = b""
) -> None:
    lines = [f"HTTP/1.1 {code} {_PHRASES.get(code, 'Error')}", "Server: videowall-sim", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in headers or ()]
    lines.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + body)
    await writer.drain()
