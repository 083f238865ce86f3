"""libVLC adapter: the ONLY module that imports ``vlc``.

One :class:`VlcEngine` holds the shared ``vlc.Instance``; each tile owns one
:class:`VlcFeedPlayer` for its whole life (players are reused, never created per retry:
create/release loops grow RSS). Video goes into the tile's native window handle.

Threading: all methods run on the Qt main thread, except ``VlcFeedPlayer.thumbnail_png``, which
the picture-check thread calls. A snapshot waits up to ~0.5 s for the next picture, so the
main thread never waits for it: play/stop run beside it (libVLC holds its own references to
the input and video output it snapshots); only ``release`` waits, so the player is never
freed under a snapshot.
libVLC event callbacks run on libVLC threads and only call the listener with a
:class:`PlayerEvent`; they never call libVLC.

RTSP (``rtsp_client`` "relay", the default) and every HTTP/HTTPS camera with credentials
never reach libVLC as a URL: the camera is received by :mod:`viewer.player.rtsp_relay`
(FFmpeg) and libVLC reads MPEG-TS through its media callbacks
(``libvlc_media_new_callbacks``). On Linux the relay output is a socket that FFmpeg's muxer
writes and the read callback is libc's ``read`` on its descriptor (no Python per packet:
see relay_socket); on Windows it is a Python callback that blocks on the relay output's
buffer. Either way it runs on libVLC's input (prefetch) thread; ``stop``/``play`` close the
output first, so the read returns at once and libVLC's stop never waits on the network. The
socket's read end is closed by libVLC's close callback, or by the player once the input that
never opened it stopped.
libVLC 3.0's HTTP access must never log in: it cannot do Digest, retries a refused login
without end (measured: 10,336 requests in 4 s) and double-frees when stopped meanwhile.
Anonymous HTTP cameras still play straight in libVLC: a 401 without credentials fails at
once (measured: 2 requests, then EncounteredError), whether the server offers Basic or Digest.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import itertools
import logging
import os
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

from viewer.core.catalog_model import has_credentials, insert_credentials
from viewer.core.health_model import PlayerEventKind
from viewer.core.reasons import Reason
from viewer.player.base import (
    RTSP_CLIENTS,
    THUMBNAIL_HEIGHT_PX,
    THUMBNAIL_WIDTH_PX,
    EngineOptions,
    PlayerEvent,
    PlayerStats,
    PlayerUnavailable,
)

log = logging.getLogger(__name__)

try:
    import vlc
except (ImportError, OSError) as exc:  # python-vlc missing, or libvlc not found
    vlc = None
    _IMPORT_ERROR: Exception | None = exc
else:
    _IMPORT_ERROR = None

_EVENTS: dict[str, PlayerEventKind] = {
    "MediaPlayerOpening": PlayerEventKind.OPENING,
    "MediaPlayerBuffering": PlayerEventKind.BUFFERING,
    "MediaPlayerPlaying": PlayerEventKind.PLAYING,
    "MediaPlayerVout": PlayerEventKind.VOUT,
    "MediaPlayerEncounteredError": PlayerEventKind.ERROR,
    "MediaPlayerEndReached": PlayerEventKind.ENDED,
    "MediaPlayerStopped": PlayerEventKind.STOPPED,
}


# --- media callbacks: libVLC reads a relay output (libVLC input threads) -----------------
_RELAY_SCHEMES = ("rtsp", "rtsps")
_HTTP_SCHEMES = ("http", "https")
_UNKNOWN_SIZE = 2**64 - 1
_outputs: dict[int, object] = {}  # opaque token -> RelayOutput; dict ops are atomic
_tokens = itertools.count(1)
_GIL_STATE_LOCKED = 0  # PyGILState_STATE: the calling thread already held the GIL


def _media_open(opaque, datap, sizep):
    datap[0] = opaque
    sizep[0] = _UNKNOWN_SIZE
    return 0


#: libVLC's reading thread keeps one Python thread state while it reads (see _media_read).
_reader_state = threading.local()


def _media_read(opaque, buf, size):
    # ctypes creates and destroys a Python thread state around every call from a thread
    # Python did not start (mmap/munmap of its frame stack each time: ~a third of this
    # callback's CPU at 15 reads/s per tile). One extra PyGILState_Ensure keeps it for the
    # reading thread's whole stream; the matching release comes with the end of the stream.
    if not getattr(_reader_state, "pinned", False):
        ctypes.pythonapi.PyGILState_Ensure()
        _reader_state.pinned = True
    output = _outputs.get(opaque or 0)
    data = output.read(size) if output is not None else b""
    if data:
        ctypes.memmove(buf, data, len(data))
    else:  # end of stream (closed or failed): the thread state goes with this call
        _reader_state.pinned = False
        ctypes.pythonapi.PyGILState_Release(_GIL_STATE_LOCKED)
    return len(data)


def _media_close(opaque):
    _outputs.pop(opaque or 0, None)


# --- the same through a pipe (POSIX): libVLC reads with libc's read(fd, buf, size) --------
_pipe_lock = threading.Lock()
_pipe_fds: dict[int, int] = {}  # token -> read end, until closed
_pipe_tokens: dict[int, int] = {}  # read end -> token, while libVLC has it open


def _pipe_open(opaque, datap, sizep):  # libVLC input thread, once per media
    token = opaque or 0
    with _pipe_lock:
        fd = _pipe_fds.get(token)
        if fd is None:
            return -1
        _pipe_tokens[fd] = token
    datap[0] = fd  # the opaque of every read and of the close: the descriptor itself
    sizep[0] = _UNKNOWN_SIZE
    return 0


def _pipe_close(opaque):  # libVLC input thread, once per opened media
    fd = opaque or 0
    with _pipe_lock:
        token = _pipe_tokens.pop(fd, None)
        if token is None:
            return
        del _pipe_fds[token]
    os.close(fd)


def _release_pipe(token: int | None) -> None:
    """Close the read end of ``token`` unless libVLC did: call once the libVLC input that
    may read it has stopped (``stop`` and ``set_media`` join it), so it never reads again."""
    if token is None:
        return
    with _pipe_lock:
        fd = _pipe_fds.pop(token, None)
        if fd is None:
            return
        _pipe_tokens.pop(fd, None)
    os.close(fd)


if vlc is not None:  # ctypes thunks, kept alive for the process
    _MEDIA_OPEN = vlc.CallbackDecorators.MediaOpenCb(_media_open)
    _MEDIA_READ = vlc.CallbackDecorators.MediaReadCb(_media_read)
    _MEDIA_CLOSE = vlc.CallbackDecorators.MediaCloseCb(_media_close)
    if os.name == "posix":  # ssize_t read(int, void *, size_t): libVLC's read callback as is
        _PIPE_OPEN = vlc.CallbackDecorators.MediaOpenCb(_pipe_open)
        _PIPE_READ = ctypes.cast(ctypes.CDLL(None).read, vlc.CallbackDecorators.MediaReadCb)
        _PIPE_CLOSE = vlc.CallbackDecorators.MediaCloseCb(_pipe_close)


def _relay_module():
    """The relay, or None when PyAV is missing (RTSP then cannot play)."""
    try:
        from viewer.player import rtsp_relay
    except ImportError as exc:
        log.warning("RTSP relay unavailable (PyAV missing?): %s", exc)
        return None
    return rtsp_relay


def _video_track(player, media) -> tuple[str, int, int, float] | None:
    """The video's codec (the media's first video track), size and frame rate (the player's),
    or None until libVLC knows the size. Worker thread. Only the track's type and fourcc are
    read: python-vlc's layout of the track's video details does not match libVLC 3's (reading
    them crashed here), and ``libvlc_media_tracks_release`` is left to python-vlc, which skips
    it (a few hundred bytes per media; this runs until the size is known)."""
    width, height = player.video_get_size(0) or (0, 0)
    if not width:
        return None
    codec = ""
    try:
        for track in media.tracks_get() or ():
            if track.type == vlc.TrackType.video:
                fourcc = int(track.codec).to_bytes(4, "little").decode("ascii", "replace").strip().lower()
                codec = _CODEC_NAMES.get(fourcc, fourcc)
                break
    except (ValueError, OSError):  # no tracks yet
        pass
    return codec, int(width), int(height), float(player.get_fps() or 0.0)


#: libVLC fourccs under the names FFmpeg (the relay) uses.
_CODEC_NAMES = {"h264": "h264", "hevc": "hevc", "h265": "hevc", "mp4v": "mpeg4", "mjpg": "mjpeg", "mpgv": "mpeg2video"}


def libvlc_version() -> str:
    if vlc is None:
        return "not available"
    raw = vlc.libvlc_get_version()
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _plugin_dirs() -> list[Path]:
    dirs = [Path(p) for p in os.environ.get("VLC_PLUGIN_PATH", "").split(os.pathsep) if p]
    plugin_path = getattr(vlc, "plugin_path", None) if vlc else None
    if plugin_path:
        dirs.append(Path(plugin_path))
    lib = getattr(getattr(vlc, "dll", None), "_name", None) if vlc else None
    if lib and os.path.isabs(lib):
        base = Path(lib).resolve().parent
        dirs += [base / "plugins", base / "vlc" / "plugins"]
    dirs += [Path(p) for p in glob.glob("/usr/lib/*/vlc/plugins")] + [Path("/usr/lib/vlc/plugins")]
    return [d for d in dirs if d.is_dir()]


def rtsp_supported() -> bool:
    """Whether this libVLC has an RTSP client (the live555 module).

    Debian and Ubuntu build VLC without live555, so ``rtsp://`` fails at once there.
    Where no plugin folder can be found we assume a standard (Windows/macOS) build.
    """
    dirs = _plugin_dirs()
    if not dirs:
        return True
    return any(glob.glob(str(d / "**" / "*live555*"), recursive=True) for d in dirs)


def instance_args(options: EngineOptions) -> list[str]:
    """The libVLC instance options of the wall. The benchmarks' bare-player baseline takes
    them from here too, so both sides run the same libVLC configuration."""
    args = [
        "--quiet",
        "--no-xlib",
        "--no-video-title-show",
        "--no-snapshot-preview",
        "--no-osd",
        "--stats",
        "--keystore=memory",  # a 401 fails at once instead of waiting on a desktop keyring
        "--no-sub-autodetect-file",
        "--drop-late-frames",
        "--skip-frames",
    ]
    if not options.audio:
        args.append("--no-audio")
    if options.software_output and sys.platform.startswith("linux"):
        args += ["--gl=none", "--gles2=none"]
    return args + list(options.extra_args)


def media_options(options: EngineOptions, full_decoder: bool = False) -> list[str]:
    """Per-media options of a tile (``full_decoder``: a maximised main stream)."""
    threads = 0 if full_decoder else options.tile_decoder_threads
    opts = [f":network-caching={options.network_caching_ms}", f":avcodec-threads={threads}"]
    if options.rtsp_tcp:
        opts.append(":rtsp-tcp")
    return opts


class VlcEngine:
    """The shared libVLC instance. Create one per process, on the main thread."""

    def __init__(self, options: EngineOptions) -> None:
        if vlc is None:
            raise PlayerUnavailable(
                "libVLC could not be loaded "
                f"({_IMPORT_ERROR}). Install VLC 3 (Debian: apt install libvlc5 vlc-plugin-base "
                "vlc-plugin-video-output) or use the Windows installer, which bundles it."
            )
        self.options = options
        args = instance_args(options)
        self._instance = vlc.Instance(args)
        if self._instance is None:
            raise PlayerUnavailable(f"libVLC refused its options: {' '.join(args)}")
        self.version = libvlc_version()
        if options.rtsp_client not in RTSP_CLIENTS:
            log.warning("rtsp_client %r unknown; using 'relay'", options.rtsp_client)
        self._live555 = rtsp_supported()
        #: RtspRelay: FFmpeg (PyAV) receives, remuxed for libVLC. Always there when PyAV is:
        #: HTTP cameras with credentials need it whatever ``rtsp_client`` says.
        self.relay = None
        module = _relay_module()
        if module is not None:
            self.relay = module.RtspRelay(module.RelayOptions(network_caching_ms=options.network_caching_ms,
                                                              tls_ca_file=options.rtsps_ca_file))
        self.rtsp_via_relay = self.relay is not None and options.rtsp_client != "libvlc"
        if self.rtsp_via_relay:
            #: How RTSP is received, for the log and the self-test.
            self.rtsp_description = (f"relay (FFmpeg {module.ffmpeg_version()}, "
                                     f"{'TCP' if options.rtsp_tcp else 'UDP'})")
        else:
            self.rtsp_description = "libVLC live555" if self._live555 else "NOT available"
        log.info("libVLC %s ready (RTSP %s)", self.version, self.rtsp_description)

    def supports_scheme(self, scheme: str) -> bool:
        if scheme in _RELAY_SCHEMES:
            return self.rtsp_via_relay or self._live555
        return scheme in ("http", "https", "file", "udp", "rtp")

    def new_player(self) -> VlcFeedPlayer:
        return VlcFeedPlayer(self)

    def media_options(self, full_decoder: bool = False) -> list[str]:
        return media_options(self.options, full_decoder)

    def release(self) -> None:
        if self.relay is not None:
            self.relay.release()
        if self._instance is not None:
            self._instance.release()
            self._instance = None


def _locked(method):
    """Keep snapshots (picture-check thread) and ``release`` apart; play/stop never wait."""

    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


class VlcFeedPlayer:
    """One reusable libVLC media player rendering into a native window."""

    def __init__(self, engine: VlcEngine) -> None:
        self._engine = engine
        self._player = engine._instance.media_player_new()
        self._player.video_set_mouse_input(False)  # let Qt receive clicks and keys
        self._player.video_set_key_input(False)
        self._media = None
        self._listener: Callable[[PlayerEvent], None] | None = None
        self._lock = threading.RLock()  # thumbnail_png() (picture-check thread) vs release()
        self._thumb_dir: str | None = None  # made on the first thumbnail, removed on release
        self._relay_output = None  # RelayOutput libVLC reads from, while an RTSP camera plays
        self._track: tuple[str, int, int, float] | None = None  # video track info of the media
        self._pipe_token: int | None = None  # its pipe's read end, until the input stopped
        self.generation = 0
        manager = self._player.event_manager()
        for name, kind in _EVENTS.items():
            manager.event_attach(getattr(vlc.EventType, name), self._on_vlc_event, kind)

    # Runs on a libVLC thread: translate and hand over, nothing else.
    def _on_vlc_event(self, _event, kind: PlayerEventKind) -> None:
        listener = self._listener
        if listener is not None:
            listener(PlayerEvent(kind, self.generation))

    def set_listener(self, listener: Callable[[PlayerEvent], None] | None) -> None:
        self._listener = listener

    def set_window(self, win_id: int) -> None:
        if sys.platform.startswith("linux"):
            self._player.set_xwindow(int(win_id))
        elif sys.platform == "win32":
            self._player.set_hwnd(int(win_id))
        elif sys.platform == "darwin":
            self._player.set_nsobject(int(win_id))

    def play(self, url: str, username: str | None = None, password: str | None = None,
             full_decoder: bool = False) -> int:
        # The generation moves on only once libVLC has stopped the old input (set_media or
        # stop joins its thread): the old media's last events (an error or end when its relay
        # output closes) still carry the old generation and are dropped as stale.
        generation = self.generation + 1
        self._close_relay_output()  # before libVLC stops the old input: its read returns now
        old_pipe, self._pipe_token = self._pipe_token, None
        scheme = urlsplit(url).scheme.lower()
        if scheme in _HTTP_SCHEMES and has_credentials(url, username, password):
            if self._engine.relay is None:  # libVLC must not log in (module docstring)
                _release_pipe(old_pipe)
                return self._refuse(generation, "an HTTP camera with a password needs FFmpeg (PyAV), "
                                                "which is missing")
            media = self._relay_media(url, username, password, generation)
        elif scheme in _RELAY_SCHEMES and self._engine.rtsp_via_relay:
            media = self._relay_media(url, username, password, generation)
        elif scheme in _RELAY_SCHEMES and not self._engine._live555:
            # Never hand rtsp:// to a libVLC without live555 (its Real-RTSP fallback can
            # hang the input thread for good): report it instead.
            _release_pipe(old_pipe)
            return self._refuse(generation, "this libVLC has no RTSP client")
        else:
            media = self._engine._instance.media_new(insert_credentials(url, username, password))
        for option in self._engine.media_options(full_decoder):
            media.add_option(option)
        self._player.set_media(media)  # stops (joins) the old input
        _release_pipe(old_pipe)
        self.generation = generation
        self._track = None
        if self._media is not None:
            self._media.release()
        self._media = media
        self._player.play()
        return generation

    def _refuse(self, generation: int, detail: str) -> int:
        """Stop what played and report ``unsupported`` for the new generation."""
        self._player.stop()
        self.generation = generation
        self._report(generation, Reason.UNSUPPORTED, detail)
        return generation

    def stop(self) -> None:
        self._close_relay_output()
        self._player.stop()
        self.generation += 1  # after libVLC's stop: the old media's last events are stale
        _release_pipe(self._pipe_token)
        self._pipe_token = None

    def _relay_media(self, url: str, username: str | None, password: str | None, generation: int):
        """A libVLC media reading this camera's relay session (shared with other tiles);
        its verdict is reported for ``generation``."""
        from viewer.player.rtsp_relay import SessionKey

        key = SessionKey(url, username, password, tcp=self._engine.options.rtsp_tcp)
        output = self._engine.relay.open_output(
            key, lambda reason, detail: self._report(generation, reason, detail)
        )
        token = next(_tokens)
        self._relay_output = output
        read_fd = output.handoff.take_read_fd()  # -1 where libVLC reads through Python (BufferHandoff)
        if read_fd >= 0:
            with _pipe_lock:
                _pipe_fds[token] = read_fd
            self._pipe_token = token
            media = self._engine._instance.media_new_callbacks(
                _PIPE_OPEN, _PIPE_READ, None, _PIPE_CLOSE, ctypes.c_void_p(token)
            )
        else:
            _outputs[token] = output
            media = self._engine._instance.media_new_callbacks(
                _MEDIA_OPEN, _MEDIA_READ, None, _MEDIA_CLOSE, ctypes.c_void_p(token)
            )
        media.add_option(":demux=ts")  # no probing: it is MPEG-TS
        return media

    def _close_relay_output(self) -> None:
        output, self._relay_output = self._relay_output, None
        if output is not None:
            self._engine.relay.close_output(output)

    # Runs on a relay session thread (or the main thread): hand over, nothing else.
    def _report(self, generation: int, reason: Reason, detail: str) -> None:
        listener = self._listener
        if listener is not None:
            kind = PlayerEventKind.ENDED if reason is Reason.ENDED else PlayerEventKind.ERROR
            listener(PlayerEvent(kind, generation, reason, detail))

    def stats(self) -> PlayerStats:
        """libVLC's media stats plus the stream figures (the guarded player's worker thread):
        a relayed stream's from its relay session's counters (plain integer reads), any
        other's from libVLC's stats and its video track."""
        if self._media is None:
            return PlayerStats()
        raw = vlc.MediaStats()
        if not self._media.get_stats(raw):
            return PlayerStats()
        stats = PlayerStats(
            displayed_pictures=int(raw.displayed_pictures),
            lost_pictures=int(raw.lost_pictures),
            decoded_video=int(raw.decoded_video),
            read_bytes=int(raw.read_bytes),
        )
        session = getattr(self._relay_output, "session", None)
        if session is not None:
            codec, width, height, fps = session.video_format or ("", 0, 0, None)
            stamp, time_base = session.last_timestamp, session.time_base
            stream_time_s = None if stamp is None or time_base is None else float(stamp * time_base)
            return replace(stats, received_bytes=session.bytes_in, received_frames=session.packets,
                           received_keyframes=session.keyframes_in, codec=codec, width=width, height=height,
                           nominal_fps=fps or 0.0, first_packet_s=session.first_packet_s,
                           stream_time_s=stream_time_s, relayed=True)
        if self._track is None:
            self._track = _video_track(self._player, self._media)
        codec, width, height, fps = self._track or ("", 0, 0, 0.0)
        # pictures shown or dropped: libVLC 3's decoded_video counts blocks (~2 per picture here)
        frames = stats.displayed_pictures + stats.lost_pictures
        return replace(stats, received_bytes=stats.read_bytes, received_frames=frames,
                       codec=codec, width=width, height=height, nominal_fps=fps)

    def is_playing(self) -> bool:
        return bool(self._player.is_playing())

    def video_size(self) -> tuple[int, int]:
        size = self._player.video_get_size(0)
        return (int(size[0]), int(size[1])) if size else (0, 0)

    @_locked  # libVLC passes the snapshot path through per-player variables: one at a time
    def snapshot(self, path: Path, width: int = 0, height: int = 0) -> bool:
        """Write the current picture as PNG (libVLC encodes it). True on success."""
        return self._player.video_take_snapshot(0, str(path), width, height) == 0

    @_locked
    def thumbnail_png(self) -> bytes | None:
        """The picture-check thumbnail as libVLC encoded it (PNG bytes), or None.

        libVLC 3 can only hand a snapshot over as a PNG file: it is written into this
        player's own temp folder, read back and deleted. libVLC reports success even when no
        picture came in time, so the file is deleted before and after: a missing file means
        no picture, a stale one is never read.
        """
        if self._thumb_dir is None:
            self._thumb_dir = tempfile.mkdtemp(prefix="videowall-thumb-")
        path = os.path.join(self._thumb_dir, "thumb.png")
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        if not self.snapshot(Path(path), THUMBNAIL_WIDTH_PX, THUMBNAIL_HEIGHT_PX):
            return None  # no video output
        try:
            with open(path, "rb") as file:
                data = file.read()
            os.remove(path)
        except OSError:  # no picture in time, or the video output went away meanwhile
            return None
        return data

    @_locked
    def release(self) -> None:
        self._listener = None
        manager = self._player.event_manager()
        for name in _EVENTS:
            manager.event_detach(getattr(vlc.EventType, name))
        self._close_relay_output()
        self._player.stop()
        _release_pipe(self._pipe_token)
        self._pipe_token = None
        self._player.release()
        if self._media is not None:
            self._media.release()
            self._media = None
        if self._thumb_dir is not None:
            shutil.rmtree(self._thumb_dir, ignore_errors=True)
            self._thumb_dir = None
