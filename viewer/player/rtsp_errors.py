"""What an RTSP session said, as a :class:`~viewer.core.reasons.Reason`.

FFmpeg's RTSP client (through PyAV) raises typed errors built from the RTSP status line or
the socket error. Their text never goes out as is: PyAV appends the URL (with the password)
to ``str(exc)``, so the detail is built from ``exc.strerror`` only. The error types lump
every other 4xx together (454, 455, 461 ... are "4XX Client Error"), so the status code
comes from FFmpeg's own error line ("method PLAY failed: 454 (Session Not Found)"), which
the session thread captures (:func:`status_from_log`). Pure mapping, any thread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import av.error

from viewer.core.reasons import Reason

# Most specific first: several are subclasses of one another (HTTPNotFoundError < HTTPClientError).
_BY_TYPE: tuple[tuple[type[BaseException], Reason], ...] = (
    (av.error.HTTPUnauthorizedError, Reason.AUTH),  # 401
    (av.error.HTTPForbiddenError, Reason.AUTH),  # 403
    (av.error.HTTPNotFoundError, Reason.NOT_FOUND),  # 404
    (av.error.HTTPBadRequestError, Reason.PROTOCOL),  # 400
    (av.error.HTTPError, Reason.PROTOCOL),  # other 4xx (454, 455, 461 ...) and 5xx
    (av.error.ConnectionRefusedError, Reason.REFUSED),
    (av.error.TimeoutError, Reason.TIMEOUT),
    (av.error.EOFError, Reason.ENDED),  # BYE, or the server closed the connection
    (av.error.ConnectionResetError, Reason.ENDED),
    (av.error.ConnectionAbortedError, Reason.ENDED),
    (av.error.InvalidDataError, Reason.PROTOCOL),  # not RTSP, garbled SDP
)

_UNREACHABLE_ERRNOS = {101, 113, 110, -2, -3, -5}  # ENETUNREACH, EHOSTUNREACH, ETIMEDOUT, EAI_*

_STATUS_LINE_RE = re.compile(r"method (\w+) failed: (\d{3})(?: \(([^)]*)\))?")
#: Operator words for the RTSP status codes a camera gives when it is confused, not broken.
_STATUS_WORDS = {
    400: "bad request",
    405: "method not allowed",
    406: "not acceptable",
    453: "not enough bandwidth",
    454: "session not found",
    455: "method not valid in this state",
    457: "invalid range",
    459: "aggregate operation not allowed",
    461: "unsupported transport",
    500: "camera internal error",
    501: "not implemented by the camera",
    503: "service unavailable (camera busy or out of sessions)",
}
#: What the operator can do about it, where there is something.
_STATUS_HINTS = {
    454: "the camera dropped the session (rebooted or timed out); it is reopened",
    455: "the camera refused the request order; a firmware quirk",
    461: "try the other RTSP transport (setting rtsp_tcp / --rtsp-tcp / --no-rtsp-tcp)",
    503: "the recorder may cap sessions per channel",
}
_PHRASE_MAX_CHARS = 60


@dataclass(frozen=True)
class RtspStatus:
    """An RTSP status line FFmpeg reported: the method it answered, the code, the phrase."""

    method: str
    code: int
    phrase: str = ""

    def describe(self, tcp: bool | None = None) -> str:
        """Operator-readable, e.g. "session not found (454) on PLAY: the camera dropped …"."""
        words = _STATUS_WORDS.get(self.code) or (self.phrase[:_PHRASE_MAX_CHARS].lower() or "error")
        text = f"{words} ({self.code}) on {self.method}"
        hint = _STATUS_HINTS.get(self.code)
        if self.code == 461 and tcp is not None:
            hint = (f"the camera refuses {'TCP' if tcp else 'UDP'}: try "
                    f"{'UDP (--no-rtsp-tcp)' if tcp else 'TCP (--rtsp-tcp)'}, setting rtsp_tcp")
        return f"{text}: {hint}" if hint else text


def status_from_log(lines) -> RtspStatus | None:
    """The last RTSP status line among FFmpeg's captured log entries ``(level, name, message)``."""
    for entry in reversed(list(lines or ())):
        message = entry[2] if isinstance(entry, tuple) and len(entry) == 3 else str(entry)
        match = _STATUS_LINE_RE.search(message)
        if match:
            phrase = "".join(c for c in (match.group(3) or "") if c.isprintable())
            return RtspStatus(match.group(1).upper(), int(match.group(2)), phrase)
    return None


def error_detail(exc: BaseException) -> str:
    """The error's own words without the URL PyAV appends (it may hold the password)."""
    text = getattr(exc, "strerror", None) or type(exc).__name__
    return str(text)


def tls_problem_from_log(lines) -> str | None:
    """What FFmpeg's TLS layer last complained about (certificate refused, handshake failed),
    from captured log entries ``(level, name, message)``; None when it said nothing."""
    for entry in reversed(list(lines or ())):
        if isinstance(entry, tuple) and len(entry) == 3 and entry[1] == "tls":
            text = "".join(c for c in entry[2].strip() if c.isprintable())
            if text:
                return text[:120]
    return None


def reason_for_error(exc: BaseException, *, had_packets: bool, timed_out: bool = False,
                     status: RtspStatus | None = None, tcp: bool | None = None,
                     tls_problem: str | None = None) -> tuple[Reason, str]:
    """Map a PyAV/FFmpeg exception from open or read to ``(reason, detail)``.

    ``had_packets``: the session already delivered video; a timeout then means "stalled"
    (the stream stopped) rather than "timeout" (it never started). ``timed_out``: the call
    ran into PyAV's own deadline; FFmpeg's RTSP demuxer then often reports the interrupted
    handshake as "invalid data" instead of an exit. ``status``: the RTSP status line FFmpeg
    logged for this failure, if any (the detail then names it); ``tcp``: the transport used;
    ``tls_problem``: what FFmpeg's TLS layer said (rtsps: certificate refused, no TLS there).
    """
    detail = error_detail(exc)
    if status is not None and status.code not in (401, 403, 404):
        return Reason.PROTOCOL, status.describe(tcp)
    if tls_problem is not None and not had_packets:
        return Reason.PROTOCOL, f"TLS: {tls_problem} (rtsps; setting rtsps_ca_file)"
    if timed_out or isinstance(exc, (av.error.ExitError, av.error.TimeoutError, TimeoutError)):
        # PyAV's own timeout interrupts the blocking call: ExitError ("Immediate exit requested")
        if had_packets:
            return Reason.STALLED, "no video packet in time"
        return Reason.TIMEOUT, "no answer in time"
    for error_type, reason in _BY_TYPE:
        if isinstance(exc, error_type):
            return reason, detail
    errno = getattr(exc, "errno", None)
    if errno in _UNREACHABLE_ERRNOS or (isinstance(exc, OSError) and "resolve" in detail.lower()):
        return Reason.UNREACHABLE, detail
    return (Reason.ENDED if had_packets else Reason.PROTOCOL), detail
