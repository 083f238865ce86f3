"""The simulator's RTSP server: OPTIONS and DESCRIBE per camera behaviour, routed by path.

An ``asyncio.Protocol`` (no task per connection) so that one port can serve thousands of
cameras cheaply. Runs on the simulator's loop thread. SETUP/PLAY are not implemented (Debian's
libVLC cannot play RTSP anyway): they get 501/455.
"""

from __future__ import annotations

import asyncio
import logging
import os
from urllib.parse import urlsplit

from viewer.sim import auth
from viewer.sim.model import Behaviour, CameraState, Endpoint, SimContext, reset

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
GARBAGE_BYTES = 512
_PHRASES = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    455: "Method Not Valid in This State",
    501: "Not Implemented",
}
_SDP_HEAD = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=videowall simulated camera\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
SDP_VIDEO = (
    _SDP_HEAD + "a=control:*\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
    "a=fmtp:96 packetization-mode=1;profile-level-id=42C01E;"
    "sprop-parameter-sets=Z0LAHtkDxWhAAAADAEAAAAwDxYuS,aMuMsg==\r\na=control:trackID=1\r\n"
)
SDP_AUDIO = _SDP_HEAD + "a=control:*\r\nm=audio 0 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=control:trackID=2\r\n"


class RtspServerProtocol(asyncio.Protocol):
    """One client connection. Requests are parsed as bytes arrive; answers follow behaviour."""

    def __init__(self, endpoint: Endpoint, ctx: SimContext) -> None:
        self.endpoint = endpoint
        self.ctx = ctx
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.state: CameraState | None = None
        self.hung = False
        self.timers: list[asyncio.TimerHandle] = []

    # asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ctx.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.ctx.connections.discard(self)
        if self.state is not None:
            self.state.connections.discard(self)
        for timer in self.timers:
            timer.cancel()

    def abort(self) -> None:
        if self.transport is not None:
            reset(self.transport)

    def data_received(self, data: bytes) -> None:
        if self.hung:
            return
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_REQUEST_BYTES:
                    self.abort()
                return
            head = self.buf[:end].decode("latin-1")
            length = _content_length(head)
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length :]
            self._handle(head)
            if self.hung or self.transport is None or self.transport.is_closing():
                return

    # requests ---------------------------------------------------------------------------
    def _handle(self, head: str) -> None:
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        cseq = headers.get("cseq", "0")
        if len(parts) != 3 or not parts[2].startswith("RTSP/"):
            self._send(400, cseq)
            return
        method, url = parts[0].upper(), parts[1]
        state = self.endpoint.cameras.get(urlsplit(url).path or "/") if url != "*" else self.state
        if state is None:
            self._send(404, cseq)
            return
        if self.state is None:
            self.state = state
            state.connections.add(self)
        behaviour = state.behaviour
        if behaviour is Behaviour.REFUSED:
            self.abort()
        elif behaviour is Behaviour.HANGING:
            self.hung = True
        elif behaviour is Behaviour.GARBAGE:
            assert self.transport is not None
            self.transport.write(os.urandom(GARBAGE_BYTES))
            self.hung = True
        elif behaviour is Behaviour.SLOW:
            loop = asyncio.get_running_loop()
            self.timers.append(
                loop.call_later(state.cam.delay_s, self._answer, state, method, url, headers, cseq)
            )
        else:
            self._answer(state, method, url, headers, cseq)

    def _answer(self, state: CameraState, method: str, url: str, headers: dict[str, str], cseq: str) -> None:
        if self.transport is None or self.transport.is_closing():
            return
        cam, behaviour = state.cam, state.behaviour
        if behaviour in (Behaviour.AUTH_BASIC, Behaviour.AUTH_DIGEST):
            digest = behaviour is Behaviour.AUTH_DIGEST
            ok = auth.authorized(
                headers.get("authorization"),
                digest=digest,
                method=method,
                uri=url,
                username=cam.username,
                password=cam.password,
                nonces=self.ctx.nonces,
            )
            if not ok:
                challenges = auth.challenges(digest, self.ctx.nonces, qop=False)
                self._send(401, cseq, [("WWW-Authenticate", c) for c in challenges])
                return
        if behaviour is Behaviour.FORBIDDEN:
            self._send(403, cseq)
        elif behaviour is Behaviour.NOT_FOUND:
            self._send(404, cseq)
        elif method == "OPTIONS":
            self._send(200, cseq, [("Public", "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN")])
        elif method == "DESCRIBE":
            sdp = SDP_AUDIO if behaviour is Behaviour.AUDIO_ONLY else SDP_VIDEO
            extra = [("Content-Base", url.rstrip("/") + "/"), ("Content-Type", "application/sdp")]
            self._send(200, cseq, extra, sdp.encode())
        elif method == "TEARDOWN":
            self._send(200, cseq)
        elif method == "PLAY":
            self._send(455, cseq)
        else:
            self._send(501, cseq)

    def _send(self, code: int, cseq: str, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> None:
        if self.transport is None or self.transport.is_closing():
            return
        out = [f"RTSP/1.0 {code} {_PHRASES.get(code, 'Error')}", f"CSeq: {cseq}", "Server: videowall-sim"]
        out += [f"{name}: {value}" for name, value in headers or ()]
        if body:
            out.append(f"Content-Length: {len(body)}")
        self.transport.write(("\r\n".join(out) + "\r\n\r\n").encode("utf-8") + body)


def _content_length(head: str) -> int:
    lower = head.lower()
    pos = lower.find("\r\ncontent-length:")
    if pos < 0:
        return 0
    value = lower[pos + 17 :].split("\r\n", 1)[0].strip()
    return int(value) if value.isdigit() else 0
