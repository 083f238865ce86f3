"""HTTP/HTTPS probe: one GET (plus auth retry and up to three redirects), then a peek at the body.

Runs on the caller's asyncio loop; the caller owns the deadline. Reads the head and at most a
few KiB of body (``TS_PREFIX_BYTES`` of a live stream, ``MAX_PLAYLIST_BYTES`` of a playlist) and
closes: a live stream is never read to its end. Returns ``(Reason, detail)`` or raises
``ProbeFailure``/socket errors for ``viewer.core.probe`` to classify.
"""

from __future__ import annotations

import asyncio
import logging
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from viewer.core.constants import HLS_STALL_TARGET_DURATIONS
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
    read_body,
    read_head,
    status_failure,
)
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)

TS_PACKET_BYTES = 188
TS_SYNC_BYTE = 0x47
TS_PREFIX_BYTES = 4 * TS_PACKET_BYTES
MAX_PLAYLIST_BYTES = 16 * 1024
VIDEO_CODEC_PREFIXES = ("avc1", "avc3", "hvc1", "hev1", "dvh1", "dvhe", "vp08", "vp09", "av01", "mp4v")


async def probe_http(
    target: Target,
    username: str | None,
    password: str | None,
    progress: Progress,
    follow_variant: bool = True,
) -> tuple[Reason, str]:
    """GET the URL and classify: status, then MPEG-TS sync bytes, HLS playlist or content type.

    With ``follow_variant`` a master playlist's first variant is probed too.
    """
    authorizer: Authorizer | None = None
    answered = hops = 0
    while True:
        progress.stage = "connecting"
        reader, writer = await connect(target)
        try:
            progress.stage = "GET"
            writer.write(_request(target, authorizer))
            response = await read_head(reader, "HTTP")
            if response.status == 401:
                authorizer = authorizer_for(response, username, password, answered)
                answered += 1
                continue
            if response.status in REDIRECT_STATUSES:
                hops += 1
                if hops > MAX_REDIRECTS:
                    raise ProbeFailure(Reason.PROTOCOL, f"more than {MAX_REDIRECTS} redirects")
                target, username, password = follow_redirect(target, response, username, password)
                authorizer, answered = None, 0
                continue
            if response.status >= 300:
                raise status_failure(response)
            progress.stage = "reading the body"
            reason, detail, variant = await _classify_body(reader, response, target)
        finally:
            close(writer)
        if variant is None or not follow_variant:
            return reason, detail
        variant_target = Target.parse(urljoin(target.url, variant))
        same_host = variant_target.host == target.host
        v_user = variant_target.username or (username if same_host else None)
        v_pass = variant_target.password or (password if same_host else None)
        try:
            v_reason, v_detail = await probe_http(variant_target, v_user, v_pass, progress, False)
        except ProbeFailure as failure:
            raise ProbeFailure(failure.reason, f"first variant: {failure.detail}") from None
        if v_reason is not Reason.OK:
            return v_reason, f"first variant: {v_detail}"
        return reason, f"{detail}; first variant: {v_detail}"


def _request(target: Target, authorizer: Authorizer | None) -> bytes:
    lines = [
        f"GET {target.path} HTTP/1.1",
        f"Host: {target.host_header}",
        f"User-Agent: {USER_AGENT}",
        "Accept: */*",
        "Connection: close",
    ]
    if authorizer is not None:
        lines.append("Authorization: " + authorizer.header("GET", target.path))
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


async def _classify_body(
    reader: asyncio.StreamReader, response: Response, target: Target
) -> tuple[Reason, str, str | None]:
    """The verdict for a 2xx answer, and the first variant's URI for a master playlist."""
    ctype = (response.header("content-type") or "").split(";")[0].strip().lower()
    path = urlsplit(target.url).path.lower()
    if "mpegurl" in ctype or path.endswith((".m3u8", ".m3u")):
        body = await read_body(reader, response, MAX_PLAYLIST_BYTES)
        reason, detail, variant = classify_playlist(body, truncated=len(body) >= MAX_PLAYLIST_BYTES)
        if reason is Reason.OK and variant is None:
            age_s = playlist_age_s(response.header("date"), response.header("last-modified"))
            reason, detail = check_playlist_fresh(body, age_s, reason, detail)
        return reason, detail, variant
    if ctype.startswith("audio/"):
        return Reason.NO_VIDEO, f"audio-only stream ({ctype})", None
    if "mp2t" in ctype or path.endswith(".ts"):
        body = await read_body(reader, response, TS_PREFIX_BYTES)
        return (*check_ts(body), None)
    return Reason.OK, f"HTTP {response.status} ({ctype or 'no content type'})", None


def check_ts(data: bytes) -> tuple[Reason, str]:
    """MPEG-TS if sync bytes repeat every 188 bytes from some offset in the first packet."""
    if len(data) < TS_PACKET_BYTES + 1:
        return Reason.PROTOCOL, f"MPEG-TS stream ended after {len(data)} bytes"
    for offset in range(min(TS_PACKET_BYTES, len(data) - TS_PACKET_BYTES)):
        positions = range(offset, len(data), TS_PACKET_BYTES)
        if all(data[p] == TS_SYNC_BYTE for p in positions):
            where = "" if offset == 0 else f" (aligned at byte {offset})"
            return Reason.OK, f"MPEG-TS{where}"
    return Reason.PROTOCOL, "no MPEG-TS sync bytes (0x47 every 188 bytes)"


def classify_playlist(body: bytes, truncated: bool = False) -> tuple[Reason, str, str | None]:
    """Check an HLS playlist; for a master playlist also return its first variant's URI."""
    text = body.decode("utf-8", "replace").lstrip("\ufeff \t\r\n")
    if not text.startswith("#EXTM3U"):
        return Reason.PROTOCOL, "playlist does not start with #EXTM3U", None
    lines = [line.strip() for line in text.splitlines()]
    if truncated and lines:
        lines.pop()  # possibly cut in the middle
    variants: list[tuple[str, str]] = []  # (attributes, uri)
    pending: str | None = None
    for line in lines:
        if line.startswith("#EXT-X-STREAM-INF"):
            pending = line.partition(":")[2]
        elif pending is not None and line and not line.startswith("#"):
            variants.append((pending, line))
            pending = None
    if pending is not None or any(line.startswith("#EXT-X-STREAM-INF") for line in lines):
        if not variants:
            return Reason.PROTOCOL, "master playlist without variants", None
        if all(_is_audio_only(attrs) for attrs, _ in variants):
            return Reason.NO_VIDEO, "HLS master playlist: audio-only variants", None
        return Reason.OK, f"HLS master playlist, {len(variants)} variants", variants[0][1]
    segments = sum(1 for line in lines if line.startswith("#EXTINF"))
    if segments:
        return Reason.OK, f"HLS playlist, {segments} segments", None
    if any(line.startswith("#EXT-X-TARGETDURATION") for line in lines):
        return Reason.OK, "HLS playlist, no segments yet", None
    return Reason.PROTOCOL, "HLS playlist without segments", None


def playlist_age_s(date: str | None, last_modified: str | None) -> float | None:
    """Seconds since the server last changed the playlist, by the server's own clock (its
    ``Date`` minus its ``Last-Modified``, so a skewed camera clock does not matter); None when
    the server sends neither or garbage. HTTP dates have a resolution of one second."""
    if not date or not last_modified:
        return None
    try:
        return (parsedate_to_datetime(date) - parsedate_to_datetime(last_modified)).total_seconds()
    except (TypeError, ValueError, IndexError):
        return None


def check_playlist_fresh(body: bytes, age_s: float | None, reason: Reason, detail: str) -> tuple[Reason, str]:
    """A live media playlist (no ``#EXT-X-ENDLIST``) not rewritten for more than
    ``HLS_STALL_TARGET_DURATIONS`` target durations (plus the date's one-second resolution)
    is a stalled camera: its encoder stopped and the server keeps serving the old list."""
    text = body.decode("utf-8", "replace")
    if age_s is None or "#EXT-X-ENDLIST" in text:
        return reason, detail
    target_s = None
    for line in text.splitlines():
        if line.strip().startswith("#EXT-X-TARGETDURATION:"):
            try:
                target_s = float(line.split(":", 1)[1].strip())
            except ValueError:
                return reason, detail
    if target_s is None or target_s <= 0:
        return reason, detail
    if age_s > HLS_STALL_TARGET_DURATIONS * target_s + 1.0:
        return Reason.STALLED, f"HLS playlist not updated for {age_s:.0f} s (segments of {target_s:g} s)"
    return reason, detail


def _is_audio_only(attributes: str) -> bool:
    upper = attributes.upper()
    if "RESOLUTION=" in upper or "CODECS=" not in upper:
        return False
    codecs = attributes[upper.index("CODECS=") + 7 :].split('"')
    listed = codecs[1] if len(codecs) > 1 else codecs[0].split(",")[0]
    names = [c.strip().lower() for c in listed.split(",") if c.strip()]
    return bool(names) and not any(n.startswith(VIDEO_CODEC_PREFIXES) for n in names)
