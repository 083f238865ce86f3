"""What an RTSP session said, as a :class:`~viewer.core.reasons.Reason`.

FFmpeg's RTSP client (through PyAV) raises typed errors built from the RTSP status line or
the socket error. Their text never goes out as is: PyAV appends the URL (with the password)
to ``str(exc)``, so the detail is built from ``exc.strerror`` only. Pure mapping, any thread.
"""

from __future__ import annotations

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


def error_detail(exc: BaseException) -> str:
    """The error's own words without the URL PyAV appends (it may hold the password)."""
    text = getattr(exc, "strerror", None) or type(exc).__name__
    return str(text)


def reason_for_error(exc: BaseException, *, had_packets: bool, timed_out: bool = False) -> tuple[Reason, str]:
    """Map a PyAV/FFmpeg exception from open or read to ``(reason, detail)``.

    ``had_packets``: the session already delivered video; a timeout then means "stalled"
    (the stream stopped) rather than "timeout" (it never started). ``timed_out``: the call
    ran into PyAV's own deadline; FFmpeg's RTSP demuxer then often reports the interrupted
    handshake as "invalid data" instead of an exit.
    """
    detail = error_detail(exc)
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
