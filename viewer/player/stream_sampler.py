"""The off-screen quality sample: a few seconds of a camera's stream, counted, not decoded.

:func:`sample_stream` opens one stream through FFmpeg (PyAV), the client the wall's RTSP relay
uses: RTSP through :func:`viewer.player.rtsp_relay.open_rtsp_container` (the relay's options,
transport and credentials), HTTP MPEG-TS and HLS through PyAV's own HTTP client. It reads the
compressed video packets without decoding them for ``seconds`` after the first one (HLS,
which arrives a segment at a time: ``seconds`` of the stream's own timestamps), counts
bytes, pictures and key pictures (:class:`~viewer.core.sample_report.SampleTally`), takes the
nominal frame rate, codec and size from the stream information, then closes (RTSP TEARDOWN).
Any failure becomes a :class:`~viewer.core.reasons.Reason` through the relay's error mapping
(``viewer.player.rtsp_errors``), never an exception; no text carries the password.

Threading: blocks on the network (up to ``read_timeout_s`` per socket call, plus the sample):
call it on a worker thread (``viewer.jobs.sampler``), never on the Qt main thread or an
event loop. ``on_bytes(n)`` is called on that thread after every packet and returns how long
to pause reading (the bandwidth cap's backstop); ``stop`` ends the sample early.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace

import av

from viewer.core import constants as C
from viewer.core.catalog_model import insert_credentials
from viewer.core.reasons import Reason
from viewer.core.sample_report import SampleResult, SampleTally
from viewer.core.sample_schedule import SampleTarget
from viewer.core.secrets import mask_url
from viewer.player.rtsp_errors import reason_for_error
from viewer.player.rtsp_relay import RTSP_RELAY_SCHEMES, RelayOptions, SessionKey, open_rtsp_container

log = logging.getLogger(__name__)

#: A failed call that took at least this share of its timeout ran into the timeout.
TIMED_OUT_FRACTION = 0.9


def _open(target: SampleTarget, read_timeout_s: float, tcp: bool):
    scheme = target.url.split(":", 1)[0].lower()
    if scheme in RTSP_RELAY_SCHEMES:
        key = SessionKey(target.url, target.username, target.password, tcp)
        return open_rtsp_container(key, RelayOptions(read_timeout_s=read_timeout_s))
    url = insert_credentials(target.url, target.username, target.password)
    # HTTP MPEG-TS / HLS: FFmpeg's own client; ``timeout`` bounds every socket call (µs).
    return av.open(url, options={"timeout": str(int(read_timeout_s * 1_000_000))})


def _offers_no_video(target: SampleTarget, timeout_s: float) -> bool:
    """After a failed RTSP open, as the relay does: an audio-only camera refuses FFmpeg's
    video-only PLAY (454/455/459); its DESCRIBE (the probe: no SETUP, no media) says why."""
    if target.url.split(":", 1)[0].lower() not in RTSP_RELAY_SCHEMES:
        return False
    from viewer.core.probe import probe_sync

    return probe_sync(target.url, target.username, target.password, timeout_s=timeout_s).reason is Reason.NO_VIDEO


def _nominal_fps(video) -> float | None:
    rate = video.guessed_rate or video.average_rate
    try:
        value = float(rate) if rate else None
    except (TypeError, ZeroDivisionError):
        return None
    return value if value and value < 1000 else None


def sample_stream(
    target: SampleTarget,
    seconds: float = C.SAMPLE_SECONDS,
    *,
    read_timeout_s: float = C.RELAY_READ_TIMEOUT_S,
    tcp: bool = True,
    stop: threading.Event | None = None,
    on_bytes: Callable[[int], float] | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall_clock: Callable[[], float] = time.time,
) -> SampleResult:
    """Sample ``target`` for ``seconds`` after its first video packet; see the module docstring."""
    stop = stop or threading.Event()
    tally = SampleTally(clock(), wall_clock(), seconds)
    label = mask_url(target.url)
    container = None
    waiting_since = tally.opened_at
    try:
        container = _open(target, read_timeout_s, tcp)
        video = container.streams.video[0] if container.streams.video else None
        if video is None:
            return SampleResult(target, Reason.NO_VIDEO, wall_clock(), None, "the stream offers no video track")
        context = video.codec_context
        figures = dict(nominal_fps=_nominal_fps(video), codec=context.name or "",
                       width=context.width or None, height=context.height or None)  # fmt: skip
        deadline = tally.opened_at + read_timeout_s + seconds + read_timeout_s
        # HLS arrives a segment at a time, faster than real time: count it on the stream's
        # own clock (media seconds), keeping the wall clock for the time to first packet.
        media = container.format.name == "hls" and video.time_base is not None
        first_wall: float | None = None
        media_at = 0.0
        window_full = False
        longest_gap_s = 0.0  # the longest wait for a video packet inside the window (s)
        for packet in container.demux(video):
            now = clock()
            if packet.size:
                if media and packet.pts is None:
                    continue
                first_wall = now if first_wall is None else first_wall
                media_at = float(packet.pts * video.time_base) if media else now
                if tally.window_at is not None:
                    longest_gap_s = max(longest_gap_s, now - waiting_since)
                if not tally.packet(packet.size, packet.is_keyframe, media_at):
                    window_full = True
                    break  # the window is over: this packet belongs after it
                waiting_since = now
                pause_s = on_bytes(packet.size) if on_bytes is not None else 0.0
                if pause_s > 0 and stop.wait(pause_s):
                    break
            if stop.is_set() or now > deadline:  # a trickle: the pictures so far are the sample
                break
        if stop.is_set() and tally.first_at is None:
            return SampleResult(target, Reason.ERROR, wall_clock(), None, "stopped")
        if tally.window_at is None:
            return SampleResult(target, Reason.ENDED, wall_clock(), None, "the stream ended too soon to count")
        silent_s = max(longest_gap_s, 0.0 if window_full else clock() - waiting_since)
        if not media and not stop.is_set() and silent_s >= TIMED_OUT_FRACTION * read_timeout_s:
            # A camera that stops sending mid-sample: FFmpeg's demuxer ends quietly at its read
            # timeout (after handing over the picture its parser held back), so no exception
            # says so. Pictures that stopped for a read timeout are a stalled stream, not a
            # slow one (HLS arrives a segment at a time: not judged on gaps).
            log.info("sample %s (%s): stalled (no video packet for %.1f s)", target.camera_id, label, silent_s)
            return SampleResult(target, Reason.STALLED, wall_clock(), None,
                                f"no video packet for {silent_s:.1f} s during the sample")
        sample = tally.sample(target, media_at if media else clock(), **figures)
        if media and first_wall is not None:
            sample = replace(sample, first_packet_s=first_wall - tally.opened_at,
                             started_at=tally.started_at + (first_wall - tally.opened_at))  # fmt: skip
        return SampleResult(target, Reason.OK, wall_clock(), sample)
    except Exception as exc:  # every failure is a reason, never a crash
        had_packets = tally.first_at is not None
        timed_out = clock() - waiting_since >= TIMED_OUT_FRACTION * read_timeout_s
        reason, detail = reason_for_error(exc, had_packets=had_packets, timed_out=timed_out)
        if container is None and reason is Reason.PROTOCOL and _offers_no_video(target, read_timeout_s):
            reason, detail = Reason.NO_VIDEO, "the stream offers no video track"
        log.info("sample %s (%s): %s (%s)", target.camera_id, label, reason.value, detail)
        return SampleResult(target, reason, wall_clock(), None, detail)
    finally:
        if container is not None:
            try:
                container.close()  # RTSP: TEARDOWN
            except Exception as exc:
                log.debug("sample %s: close: %s", target.camera_id, type(exc).__name__)
