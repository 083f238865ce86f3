"""Protocol probes: is a camera URL answering properly, and if not, why (a ``Reason``).

Used by feed-health diagnosis, return detection and the fleet sweep. No video decoding: RTSP is
OPTIONS + DESCRIBE (SDP), HTTP is one GET and a peek at the body (see ``probe_rtsp`` and
``probe_http``). ``probe`` and ``probe_many`` are coroutines for one asyncio loop (no thread per
probe); ``probe_sync`` wraps ``probe`` for a worker thread without a loop. Every probe has one
overall deadline (``timeout_s``, seconds) and never raises: failures become a ``ProbeResult``.
Latencies are in milliseconds. ``detail`` never contains a password.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import ssl
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from viewer.core.probe_http import PlaylistMemory, probe_http
from viewer.core.probe_io import ProbeFailure, Progress, Target
from viewer.core.probe_rtsp import probe_rtsp
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_secret, mask_url, mask_urls_in_text

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 4.0
DEFAULT_CONCURRENCY = 256
_UNREACHABLE_ERRNOS = {
    getattr(errno, name)
    for name in ("EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN")
    if hasattr(errno, name)
} | {10065, 10051, 10064, 10050}  # Windows: WSAEHOSTUNREACH, WSAENETUNREACH, WSAEHOSTDOWN, WSAENETDOWN
_LOCAL_ERRNOS = {
    getattr(errno, name)
    for name in ("EMFILE", "ENFILE", "ENOBUFS", "ENOMEM", "EADDRNOTAVAIL")
    if hasattr(errno, name)
}

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class ProbeResult:
    """The verdict on one URL: ``reason`` (``Reason.OK`` when fine), time taken in ms, and a
    short human detail such as ``"RTSP 454 Session Not Found"`` (never a password)."""

    reason: Reason
    latency_ms: float
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is Reason.OK


async def probe(
    url: str,
    username: str | None = None,
    password: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    playlists: PlaylistMemory | None = None,
) -> ProbeResult:
    """Probe ``url`` within ``timeout_s`` seconds in total (connect, auth retries, redirects).
    ``playlists``: earlier HLS playlists of this prober, to tell a stalled one (see
    :class:`viewer.core.probe_http.PlaylistMemory`).

    Credentials come from the arguments (already decoded), else from the URL's percent-encoded
    userinfo; the URL sent on the wire never carries the userinfo. Never raises (except
    ``CancelledError``).
    """
    loop = asyncio.get_running_loop()
    started = loop.time()
    progress = Progress()
    secret = password
    try:
        target = Target.parse(url) if not url.lower().startswith("file:") else None
        if target is not None:
            if username is None and password is None:
                username, password = target.username, target.password
            secret = password
            work = _probe_target(target, username, password, progress, playlists)
            reason, detail = await asyncio.wait_for(work, timeout_s)
        else:
            reason, detail = _probe_file(url)
    except ProbeFailure as failure:
        reason, detail = failure.reason, failure.detail
    except (asyncio.TimeoutError, TimeoutError):
        reason, detail = Reason.TIMEOUT, f"no answer within {timeout_s:g} s ({progress.stage})"
    except OSError as exc:
        reason, detail = classify_os_error(exc)
    except Exception:
        log.exception("probe of %s failed unexpectedly", mask_url(url))
        reason, detail = Reason.ERROR, "internal probe error (see log)"
    latency_ms = (loop.time() - started) * 1000.0
    detail = _scrub(detail, secret, url)
    log.debug("probe %s -> %s in %.0f ms (%s)", mask_url(url), reason, latency_ms, detail)
    return ProbeResult(reason, latency_ms, detail)


async def _probe_target(
    target: Target, username: str | None, password: str | None, progress: Progress,
    playlists: PlaylistMemory | None = None,
) -> tuple[Reason, str]:  # fmt: skip
    if target.scheme in ("rtsp", "rtsps"):
        return await probe_rtsp(target, username, password, progress)
    return await probe_http(target, username, password, progress, playlists=playlists)


def _probe_file(url: str) -> tuple[Reason, str]:
    parts = urlsplit(url)
    path = Path(url2pathname(unquote(parts.path)))
    if parts.netloc and parts.netloc != "localhost":
        path = Path(f"//{parts.netloc}{url2pathname(unquote(parts.path))}")  # UNC share
    if path.is_file():
        return Reason.OK, "file exists"
    return Reason.NOT_FOUND, "file does not exist"


def classify_os_error(exc: OSError) -> tuple[Reason, str]:
    """Map a socket-level error to a reason: refused, unreachable, timeout, protocol or error."""
    if isinstance(exc, ConnectionRefusedError):
        return Reason.REFUSED, "connection refused"
    if isinstance(exc, socket.gaierror):
        return Reason.UNREACHABLE, "cannot resolve host name"
    if isinstance(exc, TimeoutError):
        return Reason.TIMEOUT, "connection timed out"
    if isinstance(exc, ssl.SSLError):
        return Reason.PROTOCOL, f"TLS error: {exc.reason or exc.__class__.__name__}"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return Reason.PROTOCOL, "connection reset by the server"
    if exc.errno in _UNREACHABLE_ERRNOS:
        return Reason.UNREACHABLE, exc.strerror or "host unreachable"
    if exc.errno in _LOCAL_ERRNOS:
        return Reason.ERROR, f"local resource exhausted: {exc.strerror}"
    return Reason.UNREACHABLE, exc.strerror or exc.__class__.__name__


def _scrub(detail: str, password: str | None, url: str) -> str:
    """Last line of defence: no password (plain or percent-encoded) survives in a detail."""
    secrets = [password or ""]
    if "@" in url:
        url_password = urlsplit(url).password or ""
        secrets += [url_password, unquote(url_password)]
    return mask_urls_in_text(mask_secret(detail, secrets))


def probe_sync(
    url: str,
    username: str | None = None,
    password: str | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> ProbeResult:
    """``probe`` for a thread that has no running event loop (runs its own with asyncio.run)."""
    return asyncio.run(probe(url, username, password, timeout_s))


async def probe_many(
    targets: Iterable[tuple[K, str, str | None, str | None]],
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_result: Callable[[K, ProbeResult], None] | None = None,
) -> dict[K, ProbeResult]:
    """Probe ``(key, url, username, password)`` targets, at most ``concurrency`` at a time.

    A semaphore bounds the probes in flight; each probe's deadline starts when it gets its slot.
    ``on_result(key, result)`` is called on this loop as each one finishes (an exception in it is
    logged, not raised). Returns results keyed by ``key``. Cancelling cancels every probe.
    """
    slots = asyncio.Semaphore(max(1, concurrency))
    results: dict[K, ProbeResult] = {}

    async def one(key: K, url: str, user: str | None, pw: str | None) -> None:
        async with slots:
            result = await probe(url, user, pw, timeout_s)
        results[key] = result
        if on_result is not None:
            try:
                on_result(key, result)
            except Exception:
                log.exception("on_result callback failed for a probe result")

    loop = asyncio.get_running_loop()
    started = loop.time()
    tasks = [asyncio.ensure_future(one(*target)) for target in targets]
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
    log.info(
        "probed %d targets in %.1f s (concurrency %d, timeout %g s)",
        len(tasks),
        loop.time() - started,
        concurrency,
        timeout_s,
    )
    return results
