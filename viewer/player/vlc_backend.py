"""libVLC adapter: the ONLY module that imports ``vlc``.

One :class:`VlcEngine` holds the shared ``vlc.Instance``; each tile owns one
:class:`VlcFeedPlayer` for its whole life (players are reused, never created per retry:
create/release loops grow RSS). Video goes into the tile's native window handle.

Threading: all methods run on the Qt main thread, except ``VlcFeedPlayer.thumbnail``, which
the picture-check thread calls. A snapshot waits up to ~0.5 s for the next picture, so the
main thread never waits for it: play/stop run beside it (libVLC holds its own references to
the input and video output it snapshots); only ``release`` waits, so the player is never
freed under a snapshot.
libVLC event callbacks run on libVLC threads and only call the listener with a
:class:`PlayerEvent`; they never call libVLC.

RTSP (``rtsp_client`` "relay", the default) never reaches libVLC as a URL: the camera is
received by :mod:`viewer.player.rtsp_relay` and libVLC reads MPEG-TS through its media
callbacks (``libvlc_media_new_callbacks``, the same on every platform). The read callback
runs on libVLC's input thread and blocks on the relay output; ``stop``/``play`` close the
output first, so the read returns at once and libVLC's stop never waits on the network.
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
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from viewer.core.health import PlayerEventKind
from viewer.core.png import PngError, decode_png
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
_UNKNOWN_SIZE = 2**64 - 1
_outputs: dict[int, object] = {}  # opaque token -> RelayOutput; dict ops are atomic
_tokens = itertools.count(1)


def _media_open(opaque, datap, sizep):
    datap[0] = opaque
    sizep[0] = _UNKNOWN_SIZE
    return 0


def _media_read(opaque, buf, size):
    output = _outputs.get(opaque or 0)
    if output is None:
        return 0  # closed: end of stream
    data = output.read(size)
    if data:
        ctypes.memmove(buf, data, len(data))
    return len(data)


def _media_close(opaque):
    _outputs.pop(opaque or 0, None)


if vlc is not None:  # ctypes thunks, kept alive for the process
    _MEDIA_OPEN = vlc.CallbackDecorators.MediaOpenCb(_media_open)
    _MEDIA_READ = vlc.CallbackDecorators.MediaReadCb(_media_read)
    _MEDIA_CLOSE = vlc.CallbackDecorators.MediaCloseCb(_media_close)


def _relay_module():
    """The relay, or None when PyAV is missing (RTSP then cannot play)."""
    try:
        from viewer.player import rtsp_relay
    except ImportError as exc:
        log.warning("RTSP relay unavailable (PyAV missing?): %s", exc)
        return None
    return rtsp_relay


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


def url_with_credentials(url: str, username: str | None, password: str | None) -> str:
    """Put percent-encoded credentials into the URL for libVLC only (never logged)."""
    if not username and not password:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    userinfo = quote(username or "", safe="")
    if password:
        userinfo += ":" + quote(password, safe="")
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, parts.fragment))


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
        self.relay = None  # RtspRelay: RTSP through FFmpeg (PyAV), remuxed for libVLC
        if options.rtsp_client != "libvlc":
            module = _relay_module()
            if module is not None:
                self.relay = module.RtspRelay(module.RelayOptions(network_caching_ms=options.network_caching_ms))
        if self.relay is not None:
            #: How RTSP is received, for the log and the self-test.
            self.rtsp_description = (f"relay (FFmpeg {module.ffmpeg_version()}, "
                                     f"{'TCP' if options.rtsp_tcp else 'UDP'})")
        else:
            self.rtsp_description = "libVLC live555" if self._live555 else "NOT available"
        log.info("libVLC %s ready (RTSP %s)", self.version, self.rtsp_description)

    def supports_scheme(self, scheme: str) -> bool:
        if scheme in _RELAY_SCHEMES:
            return self.relay is not None or self._live555
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
        self._lock = threading.RLock()  # thumbnail() (picture-check thread) vs release()
        self._thumb_dir: str | None = None  # made on the first thumbnail, removed on release
        self._relay_output = None  # RelayOutput libVLC reads from, while an RTSP camera plays
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
        self.generation += 1
        self._close_relay_output()  # before libVLC stops the old input: its read returns now
        scheme = urlsplit(url).scheme.lower()
        if scheme in _RELAY_SCHEMES and self._engine.relay is not None:
            media = self._relay_media(url, username, password)
        elif scheme in _RELAY_SCHEMES and not self._engine._live555:
            # Never hand rtsp:// to a libVLC without live555 (its Real-RTSP fallback can
            # hang the input thread for good): report it instead.
            self._report(self.generation, Reason.UNSUPPORTED, "this libVLC has no RTSP client")
            self._player.stop()
            return self.generation
        else:
            media = self._engine._instance.media_new(url_with_credentials(url, username, password))
        for option in self._engine.media_options(full_decoder):
            media.add_option(option)
        self._player.set_media(media)
        if self._media is not None:
            self._media.release()
        self._media = media
        self._player.play()
        return self.generation

    def stop(self) -> None:
        self.generation += 1  # events of the old media are stale from now on
        self._close_relay_output()
        self._player.stop()

    def _relay_media(self, url: str, username: str | None, password: str | None):
        """A libVLC media reading this camera's relay session (shared with other tiles)."""
        from viewer.player.rtsp_relay import SessionKey

        generation = self.generation
        key = SessionKey(url, username, password, tcp=self._engine.options.rtsp_tcp)
        output = self._engine.relay.open_output(
            key, lambda reason, detail: self._report(generation, reason, detail)
        )
        token = next(_tokens)
        _outputs[token] = output
        self._relay_output = output
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
        if self._media is None:
            return PlayerStats()
        raw = vlc.MediaStats()
        if not self._media.get_stats(raw):
            return PlayerStats()
        return PlayerStats(
            displayed_pictures=int(raw.displayed_pictures),
            lost_pictures=int(raw.lost_pictures),
            decoded_video=int(raw.decoded_video),
            read_bytes=int(raw.read_bytes),
        )

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
    def thumbnail(self) -> tuple[int, int, bytes] | None:
        """A tiny RGB picture for the picture checks (see ``FeedPlayer.thumbnail``).

        libVLC 3 can only hand a snapshot over as a PNG file: it is written into this
        player's own temp folder, read back, deleted and decoded with ``viewer.core.png``.
        libVLC reports success even when no picture came in time, so the file is deleted
        before and after: a missing file means no picture, a stale one is never read.
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
        try:
            image = decode_png(data)
        except PngError as exc:
            log.warning("unreadable thumbnail from libVLC: %s", exc)
            return None
        return image.width, image.height, image.rgb()

    @_locked
    def release(self) -> None:
        self._listener = None
        manager = self._player.event_manager()
        for name in _EVENTS:
            manager.event_detach(getattr(vlc.EventType, name))
        self._close_relay_output()
        self._player.stop()
        self._player.release()
        if self._media is not None:
            self._media.release()
            self._media = None
        if self._thumb_dir is not None:
            shutil.rmtree(self._thumb_dir, ignore_errors=True)
            self._thumb_dir = None
