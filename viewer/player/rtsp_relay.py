"""Cameras received by FFmpeg's client (PyAV), remuxed to MPEG-TS for libVLC: every RTSP
camera, and every HTTP/HTTPS camera that has credentials.

(The module keeps its historical name: it began as the RTSP path. HTTP joined it because
Debian's libVLC 3.0 cannot log in with HTTP Digest: against a camera that offers Digest it
retries the login without end, ~2,000 requests a second, and a stop during that loop
double-frees in ``vlc_http_auth_Deinit`` and aborts the process. FFmpeg's HTTP client does
Basic and Digest and gives up after one refused answer. ``vlc_backend`` routes.)

Debian's libVLC has no RTSP client (no live555), and Windows' live555 client was never
tested here, so every platform receives RTSP the same way: an :class:`RtspSession` opens
the camera with FFmpeg's RTSP demuxer (``rtsp_transport`` tcp = interleaved, or udp; Basic
and Digest authentication; only the video track is set up, audio is not received), reads
the compressed video packets and hands them, without decoding, to its subscribers
(:class:`~viewer.player.relay_output.RelayOutput`), each of which muxes MPEG-TS for one
libVLC input. libVLC decodes and renders as for any other tile.

HTTP cameras come the same way: MPEG-TS over HTTP and HLS (``.m3u8``, FFmpeg's HLS client
fetches playlist and segments with the same credentials) are remuxed like RTSP. A camera
whose video cannot be carried in MPEG-TS for libVLC (MJPEG over HTTP: ``multipart/x-mixed-
replace``) ends at once with ``unsupported`` and says why; it is never handed to libVLC.

One session per camera stream: tiles (or wall windows, or a pre-roll) showing the same URL
with the same credentials and transport share one session (recorders cap sessions per
channel). The session ends with its last subscriber; FFmpeg then sends TEARDOWN. While
read, FFmpeg's demuxer sends a keep-alive (GET_PARAMETER or OPTIONS) every half session
timeout. What the session says is the feed's health: its failure reason (auth, not_found,
refused, timeout, protocol, no_video, stalled, ended) goes to every subscriber's callback.

Threads: one per session, named ``relay-<n>``, daemon (a hung FFmpeg call never blocks the
app's exit), joined by :meth:`RtspRelay.release` with a deadline. A session thread never
calls libVLC; it only calls PyAV and the subscribers' ``feed``/``finish``. ``open_output``
and ``close_output`` are called on the Qt main thread and never block on the network: a
stopping session notices within one packet, or within ``RELAY_READ_TIMEOUT_S`` (FFmpeg's
socket timeout) when its server is silent, and then closes (TEARDOWN) on its own thread.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import av
import av.logging

from viewer.core import constants as C
from viewer.core.catalog_model import insert_credentials
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_url
from viewer.player.relay_output import RelayOutput
from viewer.player.rtsp_errors import reason_for_error, status_from_log, tls_problem_from_log

log = logging.getLogger(__name__)

# FFmpeg's error lines carry the RTSP status code its exceptions lump together (454, 455,
# 461 ... are all "4XX Client Error"). PyAV hands error-level lines to Python only when its
# log level is set (the level test runs in C, without the GIL, so other lines cost nothing);
# each session thread captures its own (``Capture(local=True)``), identical lines of two
# cameras must both arrive (no repeat skipping), and nothing of FFmpeg's reaches our log
# (its lines may name hosts; they never did before either).
av.logging.set_level(av.logging.ERROR)
av.logging.set_skip_repeated(False)
logging.getLogger("libav").setLevel(logging.CRITICAL + 1)
#: Captured FFmpeg error lines kept per session (the last few explain a failure).
_CAPTURED_LINES_MAX = 16

RTSP_RELAY_SCHEMES = frozenset({"rtsp", "rtsps"})
HTTP_RELAY_SCHEMES = frozenset({"http", "https"})
#: Video codecs libVLC decodes from MPEG-TS. Anything else (MJPEG above all) cannot be relayed.
RELAYABLE_CODECS = frozenset({"h264", "hevc", "mpeg2video", "mpeg4", "mpeg1video"})
_session_numbers = itertools.count(1)
#: A call that failed after this share of its deadline ran into the deadline.
TIMED_OUT_FRACTION = 0.9


@dataclass(frozen=True)
class SessionKey:
    """What makes two tiles share a session. The password never shows in ``repr``."""

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tcp: bool = True


@dataclass(frozen=True)
class RelayOptions:
    #: FFmpeg's socket timeout: no answer (handshake) or no data (stream) for this long.
    read_timeout_s: float = C.RELAY_READ_TIMEOUT_S
    #: libVLC's caching wish (ms); the relay adds what libVLC's fixed part does not cover.
    network_caching_ms: int = C.RELAY_LIBVLC_FIXED_CACHING_MS
    #: rtsps://: PEM certificates the camera's must chain to (and name its host); "": the
    #: certificate is not verified (FFmpeg's default; most cameras' are self-signed).
    tls_ca_file: str = ""

    @property
    def mux_delay_ms(self) -> int:
        return max(0, self.network_caching_ms - C.RELAY_LIBVLC_FIXED_CACHING_MS)


def ffmpeg_version() -> str:
    """FFmpeg's version as PyAV's wheel bundles it (e.g. "8.1.2"), for logs."""
    return f"{av.ffmpeg_version_info}, PyAV {av.__version__}"


def _frame_ticks(video) -> int:
    """One frame's duration in the stream's time base (25 fps when the rate is unknown)."""
    rate = video.guessed_rate or video.average_rate or 25
    ticks = int(1 / (rate * video.time_base)) if video.time_base else 0
    return max(1, ticks)


def _video_format(video) -> tuple[str, int, int, float | None]:
    """Codec, size and nominal frame rate as the SDP announces them (FFmpeg's stream info)."""
    context = video.codec_context
    rate = video.average_rate or context.framerate
    nominal = float(rate) if rate else None
    return context.name or "", int(context.width or 0), int(context.height or 0), nominal


def _time_before(untimed: list[av.Packet], first_timed: av.Packet, frame_ticks: int) -> None:
    """Give the packets that came before the first timed one (FFmpeg reports no timestamp
    until its RTP clock is set) timestamps one frame apart, ending one frame before it."""
    anchor = first_timed.pts if first_timed.dts is None else first_timed.dts
    count = len(untimed)
    for i, packet in enumerate(untimed):
        packet.pts = packet.dts = anchor - (count - i) * frame_ticks


class RtspSession:
    """One RTSP session (one thread) fanned out to its subscribers. See the module docstring."""

    def __init__(self, key: SessionKey, options: RelayOptions) -> None:
        self.key = key
        self._options = options
        self._lock = threading.Lock()
        self._outputs: list[RelayOutput] = []
        self._retired: list[RelayOutput] = []  # removed; the session thread releases their muxers
        self._gop: list[av.Packet] = []  # since the last keyframe, for late subscribers
        self._stop = threading.Event()
        self.ended = threading.Event()  # the thread finished (failure or stop)
        # Stream figures (viewer.core.stream_meter), written by the session thread only:
        # integer adds per packet; readers on other threads see a value at most one packet old.
        self.packets = 0  # video access units received
        self.bytes_in = 0  # their payload bytes
        self.keyframes_in = 0
        self.first_packet_s: float | None = None  # open → first video packet
        #: The last timed packet's decoding (or presentation) time, in ``time_base`` units:
        #: the delivered frame rate is pictures per second of the camera's own clock, so the
        #: burst FFmpeg queues while it opens is not mistaken for a higher rate.
        self.last_timestamp: int | None = None
        self.time_base = None
        #: (codec, width, height, nominal fps or None) from the SDP, once the session opened.
        self.video_format: tuple[str, int, int, float | None] | None = None
        self._final: tuple[Reason, str] | None = None  # why it ended, once it did
        self.thread = threading.Thread(
            target=self._run, name=f"relay-{next(_session_numbers)}", daemon=True
        )

    # --- any thread ----------------------------------------------------------------------
    def add(self, output: RelayOutput) -> None:
        """Subscribe ``output``; the session thread replays the current GOP into it first."""
        with self._lock:
            final = self._final
            if final is None:
                self._outputs.append(output)
        if final is not None:  # it ended meanwhile: this subscriber hears why at once
            output.finish(*final)

    def remove(self, output: RelayOutput) -> int:
        """Forget ``output``; returns how many subscribers remain."""
        with self._lock:
            if output in self._outputs:
                self._outputs.remove(output)
                self._retired.append(output)
            return len(self._outputs)

    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._outputs)

    def stop(self) -> None:
        """Ask the thread to end (TEARDOWN). Returns at once."""
        self._stop.set()

    # --- session thread ------------------------------------------------------------------
    def _run(self) -> None:
        with av.logging.Capture(local=True) as ffmpeg_lines:
            self._run_captured(ffmpeg_lines)

    def _run_captured(self, ffmpeg_lines: list) -> None:
        label = mask_url(self.key.url)
        container = None
        self._ffmpeg_lines = ffmpeg_lines
        self._waiting_since = time.monotonic()  # start of the blocking call in progress
        try:
            container = self._open()
            ffmpeg_lines.clear()  # what explains a later failure comes after the open
            video = container.streams.video[0] if container.streams.video else None
            if video is None:
                self._finish(Reason.NO_VIDEO, "the stream offers no video track")
                return
            codec = video.codec_context.name
            if codec not in RELAYABLE_CODECS:
                self._finish(Reason.UNSUPPORTED, f"{codec.upper()} video cannot be relayed to libVLC "
                             "(with a password only H.264/H.265/MPEG video plays)")
                return
            log.info("relay %s: %s %s, %s", self.thread.name, label, codec,
                     "tcp" if self.key.tcp else "udp")
            self.video_format = _video_format(video)
            self.time_base = video.time_base
            if self.key.url.lower().startswith("rtsps:") and not self._options.tls_ca_file:
                log.warning("relay %s: %s: TLS certificate NOT verified (setting rtsps_ca_file is empty)",
                            self.thread.name, label)
            self._pump(container, video)
        except Exception as exc:  # every failure becomes a reason, never a crash
            if self._stop.is_set():
                return
            limit_s = self._options.read_timeout_s
            timed_out = time.monotonic() - self._waiting_since >= TIMED_OUT_FRACTION * limit_s
            reason, detail = reason_for_error(exc, had_packets=self.packets > 0, timed_out=timed_out,
                                              status=status_from_log(ffmpeg_lines), tcp=self.key.tcp,
                                              tls_problem=tls_problem_from_log(ffmpeg_lines))
            if container is None and reason is Reason.PROTOCOL and self._offers_no_video():
                reason, detail = Reason.NO_VIDEO, "the stream offers no video track"
            self._finish(reason, detail)
        finally:
            if container is not None:
                log.debug("relay %s: closing (TEARDOWN) after %d packets", self.thread.name, self.packets)
                try:
                    container.close()  # TEARDOWN
                except Exception as exc:
                    log.debug("relay %s: close: %s", self.thread.name, type(exc).__name__)
            self._release_retired()
            with self._lock:
                leftover = list(self._outputs)
            for output in leftover:  # stopped with subscribers (the relay's release)
                output.release()
            self.ended.set()
            log.debug("relay %s: session thread ended", self.thread.name)

    def _options_for_ffmpeg(self, video_only: bool = True) -> dict[str, str]:
        # No PyAV ``timeout=``: its interrupt callback takes the GIL on every FFmpeg I/O
        # check (thousands a second for 16 cameras); FFmpeg's own socket timeout bounds
        # every wait instead.
        if urlsplit(self.key.url).scheme.lower() in HTTP_RELAY_SCHEMES:
            return {
                "timeout": str(int(self._options.read_timeout_s * 1_000_000)),  # socket I/O, µs
                # one refused login ends the session: the wall's backoff decides when to
                # try again (FFmpeg's default already; said so that it stays so)
                "reconnect": "0",
                "probesize": "262144",  # MPEG-TS/HLS: enough for the PMT and a keyframe
            }
        options = {
            "rtsp_transport": "tcp" if self.key.tcp else "udp",
            "timeout": str(int(self._options.read_timeout_s * 1_000_000)),  # socket I/O, µs
            # The SDP names the codec; waiting for FFmpeg to analyse packets only delays
            # the first picture (by ~1.2 s here). libVLC finds the rest in the stream.
            "analyzeduration": "0",
            "probesize": "32768",
        }
        if video_only:
            options["allowed_media_types"] = "video"  # audio is not set up, so not received
        if self.key.url.lower().startswith("rtsps:") and self._options.tls_ca_file:
            # FFmpeg hands these to its TLS layer (GnuTLS in PyAV's wheels): the chain and
            # the host name are checked, a self-signed certificate listed here is trusted.
            options.update(tls_verify="1", ca_file=self._options.tls_ca_file)
        return options

    def _open(self):
        url = insert_credentials(self.key.url, self.key.username, self.key.password)
        return av.open(url, options=self._options_for_ffmpeg())

    def _offers_no_video(self) -> bool:
        """After a failed open: is the SDP without video? With only video set up, FFmpeg
        sends PLAY without any SETUP for an audio-only camera and the server refuses it
        (454/455/459), so ask the camera's DESCRIBE once (the probe: no SETUP, no media)."""
        from viewer.core.probe import probe_sync

        result = probe_sync(self.key.url, self.key.username, self.key.password,
                            timeout_s=self._options.read_timeout_s)
        log.debug("relay %s: DESCRIBE says %s (%s)", self.thread.name, result.reason, result.detail)
        return result.reason is Reason.NO_VIDEO

    def _pump(self, container, video) -> None:
        frame_ticks = _frame_ticks(video)
        untimed: list[av.Packet] = []  # FFmpeg's first packets can come without timestamps
        opened_at = self._waiting_since
        for packet in container.demux(video):
            if self._stop.is_set():
                log.debug("relay %s: stop noticed", self.thread.name)
                return
            size = packet.size
            if size == 0:
                continue
            self._waiting_since = time.monotonic()
            if len(self._ffmpeg_lines) > _CAPTURED_LINES_MAX:
                del self._ffmpeg_lines[:-_CAPTURED_LINES_MAX]
            self.packets += 1
            self.bytes_in += size
            keyframe = packet.is_keyframe
            if keyframe:
                self.keyframes_in += 1
            if self.packets == 1:
                self.first_packet_s = self._waiting_since - opened_at
            pts, dts = packet.pts, packet.dts
            if dts is None:
                if pts is None:
                    if untimed or keyframe:  # keep the opening keyframe: a picture one GOP sooner
                        untimed = [*untimed, packet][-C.RELAY_GOP_CACHE_MAX_PACKETS:]
                    continue
                packet.dts = dts = pts
            self.last_timestamp = dts
            if untimed:
                _time_before(untimed, packet, frame_ticks)
                for early in untimed:
                    self._dispatch(early, early.is_keyframe, video)
                untimed = []
            self._dispatch(packet, keyframe, video)
        if not self._stop.is_set():
            self._finish(Reason.ENDED, "the camera ended the stream")

    def _dispatch(self, packet: av.Packet, keyframe: bool, video) -> None:
        """Hand one timed packet to every subscriber (and the GOP cache). Session thread."""
        with self._lock:
            backlog, backlog_count = self._gop, len(self._gop)  # the cache before this packet
            if keyframe:
                self._gop = [packet]
            elif self._gop and len(self._gop) < C.RELAY_GOP_CACHE_MAX_PACKETS:
                self._gop.append(packet)
            outputs = tuple(self._outputs)
            retired, self._retired = self._retired, []
        for output in retired:  # subscribers that left since the last packet
            output.release()
        for output in outputs:
            try:
                if output.needs_backlog:  # joined a running session: a picture at once
                    output.needs_backlog = False
                    if not keyframe:
                        for old in backlog[:backlog_count]:
                            output.feed(old, video)
                output.feed(packet, video)
            except Exception as exc:  # one bad subscriber never stops the others
                log.warning("relay %s: subscriber dropped: %s", self.thread.name, type(exc).__name__)
                output.finish(Reason.PROTOCOL, f"cannot remux the video: {type(exc).__name__}")
                self.remove(output)

    def _release_retired(self) -> None:
        """Release the muxers of subscribers that left (their players stopped). Session thread."""
        with self._lock:
            retired, self._retired = self._retired, []
        for output in retired:
            output.release()

    def _finish(self, reason: Reason, detail: str) -> None:
        log.info("relay %s: %s ended: %s (%s)", self.thread.name, mask_url(self.key.url), reason, detail)
        with self._lock:
            outputs, self._outputs = self._outputs, []
            self._final = (reason, detail)
        for output in outputs:
            output.finish(reason, detail)


class RtspRelay:
    """The registry of running sessions: one per :class:`SessionKey`. Main thread API."""

    def __init__(self, options: RelayOptions | None = None) -> None:
        self.options = options or RelayOptions()
        self._lock = threading.Lock()
        self._sessions: dict[SessionKey, RtspSession] = {}
        self._threads: list[threading.Thread] = []  # every session started, for release()

    def open_output(self, key: SessionKey, on_failure: Callable[[Reason, str], None] | None) -> RelayOutput:
        """A new subscriber of ``key``'s session (started if none runs). ``on_failure`` is
        called on the session thread with the reason when the session ends by itself."""
        output = RelayOutput(on_failure, self.options.mux_delay_ms)
        with self._lock:
            session = self._sessions.get(key)
            if session is None or session.ended.is_set():
                session = RtspSession(key, self.options)
                self._sessions[key] = session
                self._threads = [t for t in self._threads if t.is_alive()]
                self._threads.append(session.thread)
            output.session = session
            session.add(output)
            log.debug("relay %s: %s subscribed (%d subscribers)", session.thread.name,
                      mask_url(key.url), session.subscriber_count())
            if not session.thread.is_alive() and not session.ended.is_set():
                session.thread.start()  # after the first subscriber: a quick failure reaches it
        return output

    def close_output(self, output: RelayOutput) -> None:
        """The player let go of ``output``: wake its reader; end the session if it was the
        last subscriber. Never blocks on the network."""
        output.close()
        session: RtspSession | None = getattr(output, "session", None)
        if session is None:
            return
        with self._lock:
            remaining = session.remove(output)
            log.debug("relay %s: %s unsubscribed (%d remain)", session.thread.name,
                      mask_url(session.key.url), remaining)
            if remaining == 0:
                session.stop()
                if self._sessions.get(session.key) is session:
                    del self._sessions[session.key]

    def session_count(self) -> int:
        with self._lock:
            return sum(1 for s in self._sessions.values() if not s.ended.is_set())

    def release(self, timeout_s: float = C.RELAY_JOIN_TIMEOUT_S) -> bool:
        """Stop every session and join their threads within ``timeout_s`` in total. True
        when all ended (a thread stuck in FFmpeg is left behind, logged, daemon)."""
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            threads = list(self._threads)
        for session in sessions:
            session.stop()
        deadline = time.monotonic() + timeout_s
        for thread in threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        stuck = [t.name for t in threads if t.is_alive()]
        if stuck:
            log.warning("relay threads still running after %.0f s: %s", timeout_s, stuck)
        return not stuck


def open_rtsp_container(key: SessionKey, options: RelayOptions | None = None):
    """Open ``key``'s stream exactly as a relay session does (same FFmpeg options, transport,
    credentials; video only) and return PyAV's container, for a caller that reads it itself
    (the off-screen quality sample, ``viewer.player.stream_sampler``). Blocks on the network
    (at most the read timeout per socket call): never call it on the Qt main thread. Failures
    raise PyAV's errors: map them with ``rtsp_errors.reason_for_error``."""
    return RtspSession(key, options or RelayOptions())._open()
