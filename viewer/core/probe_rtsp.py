"""RTSP/RTSPS probe: OPTIONS then DESCRIBE on one connection, answering Basic/Digest challenges.

Runs on the caller's asyncio loop; the caller owns the deadline. Reads only response heads and
the SDP (at most ``MAX_SDP_BYTES``); never sets up media. Returns ``(Reason, detail)`` or raises
``ProbeFailure``/socket errors for ``viewer.core.probe`` to classify.
"""

from __future__ import annotations

import asyncio
import logging

from viewer.core.digest import Authorizer
from viewer.core.probe_io import (
    MAX_REDIRECTS,
    REDIRECT_STATUSES,
    USER_AGENT,
    ProbeFailure,
    Progress,
    Response,
    Target,
    authorizer_for,
    close,
    connect,
    follow_redirect,
    read_head,
    status_failure,
)
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)

MAX_SDP_BYTES = 64 * 1024


class _ConnectionDropped(Exception):
    """The server closed a reused connection before answering; worth one reconnect."""


class _Session:
    """One RTSP control connection with its CSeq counter and authorizer. Not thread-safe."""

    def __init__(
        self, target: Target, username: str | None, password: str | None, progress: Progress
    ) -> None:
        self.target = target
        self.progress = progress
        self.username = username
        self.password = password
        self.authorizer: Authorizer | None = None
        self.cseq = 0
        self.requests_on_connection = 0
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.pending = b""

    def close(self) -> None:
        close(self.writer)
        self.reader = self.writer = None
        self.pending = b""

    async def request(self, method: str, extra_headers: tuple[str, ...] = ()) -> Response:
        """Send ``method`` and return the answer, after answering at most one 401 challenge
        (two when the server marks the nonce stale). A final 401 raises an ``auth`` failure."""
        answered = 0
        while True:
            response = await self._exchange(method, extra_headers)
            if response.status != 401:
                return response
            self.authorizer = authorizer_for(response, self.username, self.password, answered)
            answered += 1

    async def _exchange(self, method: str, extra_headers: tuple[str, ...]) -> Response:
        try:
            return await self._exchange_once(method, extra_headers)
        except _ConnectionDropped:
            self.close()  # the server closed a kept-alive connection: one fresh try
        try:
            return await self._exchange_once(method, extra_headers)
        except _ConnectionDropped:
            raise ProbeFailure(Reason.PROTOCOL, "server closed the connection before answering") from None

    async def _exchange_once(self, method: str, extra_headers: tuple[str, ...]) -> Response:
        if self.writer is None:
            self.progress.stage = "connecting"
            self.reader, self.writer = await connect(self.target, self.progress)
            self.requests_on_connection = 0
        assert self.reader is not None
        self.progress.stage = method
        reused = self.requests_on_connection > 0
        self.requests_on_connection += 1
        self.cseq += 1
        url = self.target.url
        lines = [f"{method} {url} RTSP/1.0", f"CSeq: {self.cseq}", f"User-Agent: {USER_AGENT}"]
        lines += extra_headers
        if self.authorizer is not None:
            lines.append("Authorization: " + self.authorizer.header(method, url))
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("utf-8"))
        try:
            response = await read_head(self.reader, "RTSP", self.pending)
        except (ConnectionResetError, BrokenPipeError):
            if reused:
                raise _ConnectionDropped() from None
            raise
        except ProbeFailure as failure:
            if reused and failure.detail.endswith("before answering"):
                raise _ConnectionDropped() from None
            raise
        length = response.content_length or 0
        body = bytearray(response.rest)
        while len(body) < min(length, MAX_SDP_BYTES):
            chunk = await self.reader.read(65536)
            if not chunk:
                break
            body += chunk
        response.body = bytes(body[:length])
        self.pending = bytes(body[length:])
        if length > MAX_SDP_BYTES:
            self.close()  # the rest of an oversized body would confuse the next answer
        return response


async def probe_rtsp(
    target: Target, username: str | None, password: str | None, progress: Progress
) -> tuple[Reason, str]:
    """OPTIONS, then DESCRIBE; classify the DESCRIBE answer and its SDP."""
    for _hop in range(MAX_REDIRECTS + 1):
        session = _Session(target, username, password, progress)
        try:
            response = await session.request("OPTIONS")
            if response.status not in REDIRECT_STATUSES:
                response = await session.request("DESCRIBE", ("Accept: application/sdp",))
            if response.status in REDIRECT_STATUSES:
                target, username, password = follow_redirect(target, response, username, password)
                continue
            if response.status != 200:
                raise status_failure(response)
            return _classify_sdp(response)
        finally:
            session.close()
    raise ProbeFailure(Reason.PROTOCOL, f"more than {MAX_REDIRECTS} redirects")


def _classify_sdp(response: Response) -> tuple[Reason, str]:
    text = response.body.decode("utf-8", "replace")
    media = [line[2:].split(" ", 1)[0].strip() for line in text.splitlines() if line.startswith("m=")]
    if not media:
        kind = response.header("content-type") or "no content type"
        what = "empty" if not text.strip() else f"not SDP ({kind})"
        raise ProbeFailure(Reason.PROTOCOL, f"DESCRIBE answer is {what}")
    summary = "SDP: " + ", ".join(media)
    if "video" not in media:
        return Reason.NO_VIDEO, summary
    return Reason.OK, summary
