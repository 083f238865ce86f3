"""Wire helpers shared by the RTSP and HTTP probes: targets, connections, response parsing.

Everything here runs on the caller's asyncio event loop; no threads, no clock. Sizes are in
bytes. A ``ProbeFailure`` carries the verdict (a ``Reason`` and a short detail without secrets)
from deep inside a probe up to ``viewer.core.probe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import re
import socket
import ssl
import threading
from dataclasses import dataclass, field
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

from viewer import __version__
from viewer.core.catalog_model import host_name_problem
from viewer.core.digest import Authorizer, choose_challenge, parse_challenges
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)

USER_AGENT = f"videowall/{__version__}"
MAX_HEAD_BYTES = 16 * 1024  # status line + headers
MAX_REDIRECTS = 3
REDIRECT_STATUSES = frozenset({301, 302, 303, 305, 307, 308})
DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "http": 80, "https": 443}
TLS_SCHEMES = {"rtsps", "https"}
_STATUS_RE = re.compile(r"^(RTSP|HTTP)/(\d)\.(\d)\s+(\d{3})(?:\s+(.*))?$")


class ProbeFailure(Exception):
    """The probe reached a verdict other than ok; ``detail`` never holds a password."""

    def __init__(self, reason: Reason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


@dataclass
class Progress:
    """What the probe is doing now, for a timeout's detail (``"connecting"``, ``"DESCRIBE"``)."""

    stage: str = "connecting"


@dataclass(frozen=True)
class Target:
    """A parsed camera URL. ``url`` and ``path`` never contain the userinfo."""

    scheme: str
    host: str
    port: int
    url: str  # what an RTSP request line carries: scheme://host:port/path?query
    path: str  # what an HTTP request line carries: /path?query
    username: str | None = None  # from the URL's userinfo, percent-decoded
    password: str | None = None

    @property
    def tls(self) -> bool:
        return self.scheme in TLS_SCHEMES

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port == DEFAULT_PORTS.get(self.scheme) else f"{host}:{self.port}"

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url.strip())
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            raise ProbeFailure(Reason.PROTOCOL, f"unsupported URL scheme {scheme or '(none)'!r}")
        try:
            port = parts.port or DEFAULT_PORTS[scheme]
        except ValueError:
            raise ProbeFailure(Reason.PROTOCOL, "invalid port in URL") from None
        if not parts.hostname:
            raise ProbeFailure(Reason.PROTOCOL, "URL has no host")
        problem = host_name_problem(parts.hostname)
        if problem:
            raise ProbeFailure(Reason.PROTOCOL, f"invalid host name: {problem}")
        netloc = parts.netloc.rpartition("@")[2]
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        clean = SplitResult(scheme, netloc, parts.path or "/", parts.query, "").geturl()
        user = unquote(parts.username) if parts.username is not None else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(scheme, parts.hostname, port, clean, path, user, password)


@dataclass
class Response:
    """A parsed RTSP/HTTP response head plus the body bytes read so far (maybe a prefix)."""

    protocol: str  # "RTSP" or "HTTP"
    status: int
    phrase: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    rest: bytes = b""  # bytes read after the head and not yet consumed as body

    def header(self, name: str, default: str | None = None) -> str | None:
        name = name.lower()
        for key, value in self.headers:
            if key == name:
                return value
        return default

    def header_all(self, name: str) -> list[str]:
        name = name.lower()
        return [value for key, value in self.headers if key == name]

    @property
    def content_length(self) -> int | None:
        value = self.header("content-length")
        try:
            return max(0, int(value)) if value is not None else None
        except ValueError:
            return None

    @property
    def status_text(self) -> str:
        return f"{self.protocol} {self.status} {self.phrase}".strip()


_TLS_CONTEXT: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """A client TLS context that does not verify: CCTV devices use self-signed certificates."""
    global _TLS_CONTEXT
    if _TLS_CONTEXT is None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with contextlib.suppress(ssl.SSLError):  # old cameras: small keys, old ciphers
            ctx.set_ciphers("DEFAULT:@SECLEVEL=1")
        _TLS_CONTEXT = ctx
    return _TLS_CONTEXT


async def connect(
    target: Target, progress: Progress | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open a TCP (or TLS) connection; socket errors propagate to the caller's classifier.

    The host name is resolved by :func:`resolve` (a daemon thread, never the loop's default
    executor), so the caller's deadline bounds a slow DNS server too.
    """
    if progress is not None:
        progress.stage = "resolving the host name"
    addresses = await resolve(target.host, target.port)
    if progress is not None:
        progress.stage = "connecting"
    tls = {"ssl": tls_context(), "server_hostname": target.host} if target.tls else {}
    last_error: OSError | None = None
    for address in addresses:
        try:
            return await asyncio.open_connection(address, target.port, **tls)
        except OSError as exc:  # the next address (IPv4 after IPv6, a second A record)
            last_error = exc
    raise last_error or OSError("no address")


#: Lookups in flight at once; more wait (within their probe's deadline) for a free one.
MAX_DNS_THREADS = 32
_dns_slots = threading.BoundedSemaphore(MAX_DNS_THREADS)


async def resolve(host: str, port: int) -> list[str]:
    """The IP addresses of ``host`` (an IP literal is returned as is).

    ``getaddrinfo`` runs on a daemon thread named ``probe-dns``: cancelling the await (the
    probe's deadline) returns at once, and neither ``asyncio.run`` nor the interpreter's
    exit waits for a lookup that hangs. Raises ``socket.gaierror`` like ``getaddrinfo``.
    """
    with contextlib.suppress(ValueError):
        return [str(ipaddress.ip_address(host))]
    loop = asyncio.get_running_loop()
    future: asyncio.Future[list[str]] = loop.create_future()

    def deliver(result: list[str] | None, error: BaseException | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result or [])

    def lookup() -> None:
        result, error = None, None
        try:
            with _dns_slots:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
            result = list(dict.fromkeys(str(info[4][0]) for info in infos))
        except BaseException as exc:  # handed to the awaiting probe
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits any more
            loop.call_soon_threadsafe(deliver, result, error)

    threading.Thread(target=lookup, name="probe-dns", daemon=True).start()
    return await future


def close(writer: asyncio.StreamWriter | None) -> None:
    """Close at once, without a TLS goodbye: a probe never lingers on a slow peer."""
    if writer is not None:
        writer.transport.abort()


async def read_head(reader: asyncio.StreamReader, protocol: str, buffered: bytes = b"") -> Response:
    """Read a response head. The first bytes are checked at once, so a garbage answer fails
    fast instead of waiting for a blank line that never comes."""
    buf = bytearray(buffered)
    prefix = f"{protocol}/".encode()
    while True:
        if buf[: len(prefix)] != prefix[: len(buf)]:
            raise ProbeFailure(Reason.PROTOCOL, f"answer is not {protocol} ({_preview(bytes(buf))})")
        end, sep = _find_blank_line(buf)
        if end >= 0:
            break
        if len(buf) > MAX_HEAD_BYTES:
            raise ProbeFailure(Reason.PROTOCOL, f"{protocol} head longer than {MAX_HEAD_BYTES} bytes")
        chunk = await reader.read(4096)
        if not chunk:
            what = "before answering" if not buf else "in the middle of its answer"
            raise ProbeFailure(Reason.PROTOCOL, f"server closed the connection {what}")
        buf += chunk
    lines = bytes(buf[:end]).decode("latin-1").splitlines()
    match = _STATUS_RE.match(lines[0].strip()) if lines else None
    if match is None or match.group(1) != protocol:
        raise ProbeFailure(Reason.PROTOCOL, f"malformed status line ({_preview(bytes(buf[:end]))})")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((name.strip().lower(), value.strip()))
    phrase = (match.group(5) or "").strip()
    return Response(protocol, int(match.group(4)), phrase, headers, rest=bytes(buf[end + sep :]))


def _find_blank_line(buf: bytearray) -> tuple[int, int]:
    crlf, lf = buf.find(b"\r\n\r\n"), buf.find(b"\n\n")
    if crlf >= 0 and (lf < 0 or crlf <= lf):
        return crlf, 4
    return (lf, 2) if lf >= 0 else (-1, 0)


def _preview(data: bytes, limit: int = 24) -> str:
    text = data[:limit].decode("latin-1")
    printable = "".join(ch if 32 <= ord(ch) < 127 else "." for ch in text)
    return f"first bytes {printable!r}" if data else "empty"


async def read_body(reader: asyncio.StreamReader, response: Response, max_bytes: int) -> bytes:
    """Read up to ``max_bytes`` of body: the Content-Length, the chunked stream, or until EOF.

    Stores the body in ``response.body`` and returns it. Never reads past ``max_bytes`` of payload,
    so a live stream is never read to the end. A chunked body is decoded incrementally (each
    byte once) and its framing may not exceed ``MAX_CHUNK_OVERHEAD_BYTES``.
    """
    length = response.content_length
    chunked = "chunked" in (response.header("transfer-encoding") or "").lower()
    raw = bytes(response.rest)
    response.rest = b""
    want = max_bytes if length is None or chunked else min(length, max_bytes)
    if chunked:
        decoder = ChunkedDecoder()
        decoder.feed(raw)
        while len(decoder.body) < want and not decoder.done:
            chunk = await reader.read(max(4096, want - len(decoder.body)))
            if not chunk:
                break
            decoder.feed(chunk)
        response.body = bytes(decoder.body[:want])
        return response.body
    buf = bytearray(raw)
    while len(buf) < want:
        chunk = await reader.read(max(4096, want - len(buf)))
        if not chunk:
            break
        buf += chunk
    response.rest = bytes(buf[want:])
    response.body = bytes(buf[:want])
    return response.body


MAX_CHUNK_OVERHEAD_BYTES = 64 * 1024  # chunk-size lines and CRLFs of one body, beyond ...
CHUNK_OVERHEAD_PER_BYTE = 8  # ... this many framing bytes per payload byte
MAX_CHUNK_LINE_BYTES = 1024


class ChunkedDecoder:
    """Incremental ``Transfer-Encoding: chunked`` decoder: ``feed`` bytes as they come.

    Keeps only undecoded bytes between calls (linear time). ``body`` grows with payload,
    ``done`` is True after the last (zero-size) chunk. Raises ``ProbeFailure`` (protocol) for
    malformed framing, or framing beyond ``MAX_CHUNK_OVERHEAD_BYTES`` plus
    ``CHUNK_OVERHEAD_PER_BYTE`` per payload byte (endless chunk extensions, empty chunks).
    """

    def __init__(self) -> None:
        self.body = bytearray()
        self.done = False
        self._pending = bytearray()  # undecoded input
        self._left = 0  # payload bytes still due in the current chunk
        self._crlf_due = False  # the CRLF after a chunk's payload
        self._overhead = 0

    def feed(self, data: bytes) -> None:
        self._pending += data
        pending = self._pending
        pos = 0
        while not self.done:
            if self._left:
                take = min(self._left, len(pending) - pos)
                if take <= 0:
                    break
                self.body += pending[pos : pos + take]
                pos += take
                self._left -= take
                if self._left:
                    break
                self._crlf_due = True
            if self._crlf_due:
                if len(pending) - pos < 2:
                    break
                pos += 2
                self._count(2)
                self._crlf_due = False
            eol = pending.find(b"\r\n", pos, pos + MAX_CHUNK_LINE_BYTES)
            if eol < 0:
                if len(pending) - pos >= MAX_CHUNK_LINE_BYTES:
                    raise ProbeFailure(Reason.PROTOCOL, "malformed chunked encoding (chunk-size line too long)")
                break
            try:
                size = int(bytes(pending[pos:eol]).split(b";")[0].strip() or b"x", 16)
            except ValueError:
                raise ProbeFailure(Reason.PROTOCOL, "malformed chunked encoding") from None
            self._count(eol + 2 - pos)
            pos = eol + 2
            if size == 0:
                self.done = True
            self._left = size
        del pending[:pos]

    def _count(self, n: int) -> None:
        self._overhead += n
        if self._overhead > MAX_CHUNK_OVERHEAD_BYTES + CHUNK_OVERHEAD_PER_BYTE * len(self.body):
            raise ProbeFailure(Reason.PROTOCOL, f"chunked framing over {MAX_CHUNK_OVERHEAD_BYTES} bytes (tiny chunks)")


def status_failure(response: Response) -> ProbeFailure:
    """The verdict for an error status: 401/403 auth, 404 not_found, others protocol."""
    if response.status in (401, 403):
        return ProbeFailure(Reason.AUTH, response.status_text)
    if response.status == 404:
        return ProbeFailure(Reason.NOT_FOUND, response.status_text)
    return ProbeFailure(Reason.PROTOCOL, response.status_text)


def authorizer_for(
    response: Response, username: str | None, password: str | None, answered: int
) -> Authorizer:
    """How to answer a 401, given how many challenges were already answered; raises ``auth``
    when there are no credentials, no usable scheme, or the credentials were just rejected
    (a ``stale=true`` nonce earns one more try)."""
    if username is None:
        raise ProbeFailure(Reason.AUTH, f"{response.status_text} (no credentials)")
    challenges = parse_challenges(response.header_all("www-authenticate"))
    challenge = choose_challenge(challenges)
    if challenge is None:
        schemes = ", ".join(sorted({c.scheme for c in challenges})) or "none"
        raise ProbeFailure(Reason.AUTH, f"{response.status_text} (unsupported scheme: {schemes})")
    stale = challenge.params.get("stale", "").lower() == "true"
    if answered and not (stale and answered < 2):
        raise ProbeFailure(Reason.AUTH, f"{response.status_text} (credentials rejected)")
    return Authorizer(challenge, username, password or "")


def follow_redirect(
    target: Target, response: Response, username: str | None, password: str | None
) -> tuple[Target, str | None, str | None]:
    """The redirect's target and the credentials to use there (none for another host)."""
    location = response.header("location")
    if not location:
        raise ProbeFailure(Reason.PROTOCOL, f"{response.status_text} without Location")
    new = Target.parse(urljoin(target.url, location))
    if new.username is not None:
        return new, new.username, new.password
    if new.host != target.host:
        return new, None, None  # never hand credentials to another host
    return new, username, password
