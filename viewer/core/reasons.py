"""The one vocabulary of feed-failure reasons, shared by the UI, journal, report and sweep."""

from __future__ import annotations

from enum import Enum


class Reason(str, Enum):
    """Why a feed is not showing pictures. The value is the stable, exported spelling."""

    OK = "ok"  # sweep/probe only: the camera answered properly
    REFUSED = "refused"  # TCP connection refused (nothing listening)
    UNREACHABLE = "unreachable"  # no route / host down / DNS failure
    TIMEOUT = "timeout"  # connected or not, no usable answer in time
    AUTH = "auth"  # 401 / 403: missing or wrong credentials
    NOT_FOUND = "not_found"  # 404: wrong path or channel
    NO_VIDEO = "no_video"  # the stream has no video track (audio only)
    PROTOCOL = "protocol"  # the answer is not valid RTSP/HTTP/HLS
    ENDED = "ended"  # the stream ended (server closed it)
    STALLED = "stalled"  # playing, but no new picture for too long
    ERROR = "error"  # libVLC failed and the probe found nothing more specific
    UNSUPPORTED = "unsupported"  # this libVLC cannot play the scheme (e.g. RTSP without live555)
    FROZEN_IMAGE = "frozen_image"  # pictures keep coming but show the same image (picture check)
    BLANK_PICTURE = "blank_picture"  # pictures keep coming but are uniform: black, grey, one colour
    DEGRADED = "degraded"  # pictures keep coming, but far fewer than the stream's nominal frame rate

    def __str__(self) -> str:
        return self.value


#: Short English descriptions for captions and reports (the UI translates them).
REASON_TEXT: dict[Reason, str] = {
    Reason.OK: "online",
    Reason.REFUSED: "connection refused",
    Reason.UNREACHABLE: "unreachable",
    Reason.TIMEOUT: "no answer (timeout)",
    Reason.AUTH: "authentication failed",
    Reason.NOT_FOUND: "stream not found",
    Reason.NO_VIDEO: "no video track",
    Reason.PROTOCOL: "protocol error",
    Reason.ENDED: "stream ended",
    Reason.STALLED: "stalled / frozen",
    Reason.ERROR: "playback error",
    Reason.UNSUPPORTED: "not supported by this libVLC",
    Reason.FROZEN_IMAGE: "picture frozen",
    Reason.BLANK_PICTURE: "blank picture",
    Reason.DEGRADED: "degraded (low frame rate)",
}
