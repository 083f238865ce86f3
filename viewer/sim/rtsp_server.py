"""The simulator's RTSP/1.0 server: cameras routed by path, misbehaving on request.

An ``asyncio.Protocol`` (no task per connection) so that one port can serve thousands of
cameras cheaply. Runs on the simulator's loop thread. Answers OPTIONS, DESCRIBE (an SDP with
the clip's SPS/PPS), SETUP, PLAY, TEARDOWN and GET_PARAMETER (keep-alive); one session per
connection, its RTP (and the RTCP BYE of an ending camera) interleaved on the connection
(RTP/AVP/TCP). A SETUP that offers only UDP gets ``461 Unsupported Transport``: clients such
as FFmpeg then retry over TCP. RTCP from the client (``$`` frames) keeps the session alive.
Behaviours: see ``model.Behaviour``; SLOW delays the DESCRIBE answer by ``delay_s``; REJECTS
answers one method with a status code (454, 455, 461, 5xx ...) as confused recorders do.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections import deque
from urllib.parse import unquote, urlsplit

from viewer.sim import auth
from viewer.sim.model import Behaviour, CameraState, Endpoint, SimContext, reset
from viewer.sim.rtp import RtpTrack
from viewer.sim.rtsp_media import RtspMedia
from viewer.sim.rtsp_session import RtspSession

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 64 * 1024
GARBAGE_BYTES = 512
PUBLIC_METHODS = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER"
_PHRASES = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    454: "Session Not Found",
    455: "Method Not Valid in This State",
    457: "Invalid Range",
    459: "Aggregate Operation Not Allowed",
    461: "Unsupported Transport",
    500: "Internal Server Error",
    501: "Not Implemented",
    503: "Service Unavailable",
}
_TRACK_RE = re.compile(r"^(.*)/trackID=(\d+)$")
_INTERLEAVED_RE = re.compile(r"interleaved=(\d+)(?:-(\d+))?")


class RtspServerProtocol(asyncio.Protocol):
    """One client connection. Requests are parsed as bytes arrive; answers follow behaviour."""

    def __init__(self, endpoint: Endpoint, ctx: SimContext) -> None:
        self.endpoint = endpoint
        self.ctx = ctx
        self.transport: asyncio.Transport | None = None
        self.buf = b""
        self.state: CameraState | None = None
        self.session: RtspSession | None = None
        self.track_id = 0
        self.hung = False
        self.timers: list[asyncio.TimerHandle] = []
        self.written = 0  # bytes given to the transport (server-side byte counting)
        self._delayed: deque[tuple[float, bytes]] = deque()  # (due loop time, bytes): latency_s
        self._drain_timer: asyncio.TimerHandle | None = None

    # asyncio.Protocol -------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.ctx.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.ctx.connections.discard(self)
        self.ctx.closed_bytes_sent += self.written  # what was still buffered is counted too (at most 1 MiB)
        if self._drain_timer is not None:
            self._drain_timer.cancel()
        self._end_session()
        if self.state is not None:
            self.state.connections.discard(self)
        for timer in self.timers:
            timer.cancel()

    def abort(self) -> None:
        if self.transport is not None:
            reset(self.transport)

    def bytes_sent(self) -> int:
        """Bytes handed to the kernel on this connection (written minus still buffered)."""
        buffered = self.transport.get_write_buffer_size() if self.transport is not None else 0
        return self.written - buffered

    def _buffered(self) -> int:
        return (self.transport.get_write_buffer_size() if self.transport is not None else 0) + sum(
            len(data) for _, data in self._delayed)

    def _write(self, data: bytes) -> None:
        """Send ``data``, ``latency_s`` later when the camera simulates a slow link (in order)."""
        if self.transport is None or self.transport.is_closing():
            return
        latency = self.state.cam.latency_s if self.state is not None else 0.0
        if latency <= 0 and not self._delayed:
            self.written += len(data)
            self.transport.write(data)
            return
        loop = asyncio.get_running_loop()
        self._delayed.append((loop.time() + latency, data))
        if self._drain_timer is None:
            self._drain_timer = loop.call_at(self._delayed[0][0], self._drain_delayed)

    def _drain_delayed(self) -> None:
        self._drain_timer = None
        loop = asyncio.get_running_loop()
        while self._delayed and self._delayed[0][0] <= loop.time():
            _, data = self._delayed.popleft()
            if self.transport is not None and not self.transport.is_closing():
                self.written += len(data)
                self.transport.write(data)
        if self._delayed:
            self._drain_timer = loop.call_at(self._delayed[0][0], self._drain_delayed)

    def data_received(self, data: bytes) -> None:
        if self.hung:
            return
        self.buf += data
        while self.buf and not (self.hung or self.transport is None or self.transport.is_closing()):
            if self.buf[0] == 0x24:  # "$": an interleaved frame from the client (RTCP receiver reports)
                if len(self.buf) < 4:
                    return
                end = 4 + int.from_bytes(self.buf[2:4], "big")
                if len(self.buf) < end:
                    return
                self.buf = self.buf[end:]
                if self.session is not None:
                    self.session.touch()
                continue
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
        state, track_id = (self.state, None) if url == "*" else self._route(url)
        if state is None:
            self._send(404, cseq)
            return
        if self.state is None:
            self.state = state
            state.connections.add(self)
        if self.session is not None:
            self.session.touch()
        behaviour = state.behaviour
        if behaviour is Behaviour.REFUSED:
            self.abort()
        elif behaviour is Behaviour.HANGING:
            self.hung = True
        elif behaviour is Behaviour.GARBAGE:
            assert self.transport is not None
            self.transport.write(os.urandom(GARBAGE_BYTES))
            self.hung = True
        elif behaviour is Behaviour.SLOW and method == "DESCRIBE":
            loop = asyncio.get_running_loop()
            self.timers.append(
                loop.call_later(state.cam.delay_s, self._answer, state, method, url, track_id, headers, cseq)
            )
        else:
            self._answer(state, method, url, track_id, headers, cseq)

    def _route(self, url: str) -> tuple[CameraState | None, int | None]:
        """The camera a request URL names, and the track id when it names one (``…/trackID=N``)."""
        path = unquote(urlsplit(url).path).rstrip("/") or "/"
        state = self.endpoint.cameras.get(path)
        if state is not None:
            return state, None
        match = _TRACK_RE.match(path)
        if match:
            return self.endpoint.cameras.get(match.group(1) or "/"), int(match.group(2))
        return None, None

    def _answer(
        self,
        state: CameraState,
        method: str,
        url: str,
        track_id: int | None,
        headers: dict[str, str],
        cseq: str,
    ) -> None:
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
        media = state.clip
        assert isinstance(media, RtspMedia)
        sdp, offered_track, track = media.offer(behaviour is Behaviour.AUDIO_ONLY)
        if behaviour is Behaviour.FORBIDDEN:
            self._send(403, cseq)
        elif behaviour is Behaviour.NOT_FOUND:
            self._send(404, cseq)
        elif behaviour is Behaviour.REJECTS and method == cam.status_method.upper():
            self._send(cam.status, cseq)
        elif method in ("OPTIONS", "GET_PARAMETER"):
            self._send(200, cseq, [("Public", PUBLIC_METHODS), *self._session_header()])
        elif method == "DESCRIBE":
            base = url.rstrip("/") + "/"
            self._send(200, cseq, [("Content-Base", base), ("Content-Type", "application/sdp")], sdp.encode())
        elif method == "SETUP":
            if track_id not in (None, offered_track):
                self._send(404, cseq)
            else:
                self._setup(state, track, offered_track, headers.get("transport", ""), cseq)
        elif method == "PLAY":
            self._play(url, headers.get("session"), cseq)
        elif method == "TEARDOWN":
            extra = self._session_header()
            self._end_session()
            self._send(200, cseq, extra)
        else:
            self._send(501, cseq)

    def _setup(self, state: CameraState, track: RtpTrack, track_id: int, transport: str, cseq: str) -> None:
        spec = next((s for s in transport.split(",") if "RTP/AVP/TCP" in s.upper()), None)
        if spec is None:
            self._send(461, cseq)  # UDP is not simulated; FFmpeg and libVLC fall back to TCP
            return
        match = _INTERLEAVED_RE.search(spec)
        channel = int(match.group(1)) if match else 0
        self._end_session()
        assert self.transport is not None
        transport_ = self.transport
        session = RtspSession(
            state,
            track,
            channel,
            write=self._write,
            buffered=self._buffered,
            close=transport_.close,
            timeout_s=state.cam.session_timeout_s,
        )
        self.session, self.track_id = session, track_id
        state.sessions.add(session)
        answer = f"RTP/AVP/TCP;unicast;interleaved={channel}-{channel + 1};ssrc={session.ssrc:08X}"
        self._send(200, cseq, [("Transport", answer), *self._session_header()])

    def _play(self, url: str, session_id: str | None, cseq: str) -> None:
        session = self.session
        if session is None:
            self._send(455, cseq)
            return
        if session_id is not None and session_id.split(";")[0].strip() != session.id:
            self._send(454, cseq)
            return
        track_url = url.rstrip("/") + "/" + f"trackID={self.track_id}"
        extra = [*self._session_header(), ("Range", "npt=0.000-"), ("RTP-Info", f"url={track_url};{session.rtp_info}")]
        self._send(200, cseq, extra)
        session.play()

    def _session_header(self) -> list[tuple[str, str]]:
        if self.session is None:
            return []
        return [("Session", f"{self.session.id};timeout={self.session.timeout_s:g}")]

    def _end_session(self) -> None:
        session, self.session = self.session, None
        if session is not None:
            session.stop()
            session.state.sessions.discard(session)

    def _send(self, code: int, cseq: str, headers: list[tuple[str, str]] | None = None, body: bytes = b"") -> None:
        if self.transport is None or self.transport.is_closing():
            return
        out = [f"RTSP/1.0 {code} {_PHRASES.get(code, 'Error')}", f"CSeq: {cseq}", "Server: videowall-sim"]
        out += [f"{name}: {value}" for name, value in headers or ()]
        if body:
            out.append(f"Content-Length: {len(body)}")
        self._write(("\r\n".join(out) + "\r\n\r\n").encode("utf-8") + body)


def _content_length(head: str) -> int:
    lower = head.lower()
    pos = lower.find("\r\ncontent-length:")
    if pos < 0:
        return 0
    value = lower[pos + 17 :].split("\r\n", 1)[0].strip()
    return int(value) if value.isdigit() else 0
