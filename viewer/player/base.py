"""The player interface the UI programs against, independent of libVLC.

Threading contract:
- Every method of :class:`FeedPlayer` and :class:`PlayerEngine` is called on the Qt main
  thread (never from a player callback) — for the players of ``create_engine`` the
  blocking work then happens on the player's worker thread (``viewer.player.guarded``) —
  except :meth:`FeedPlayer.thumbnail_png`, which blocks for a picture and is called on the
  picture-check worker thread (``picture-check``, ``viewer.ui.picture_checker``), at most
  one call per player at a time; the guarded player keeps it apart from a release.
- The ``listener`` given to :meth:`FeedPlayer.set_listener` is called on a **libVLC
  thread** (or, for a relayed RTSP camera, on its ``relay-<n>`` session thread). It must
  only translate and hand the event over (see ``viewer.ui.bridge``); it must never call
  back into the player or touch a widget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from viewer.core.health_model import PlayerEventKind
from viewer.core.reasons import Reason

DEFAULT_NETWORK_CACHING_MS = 300
#: Size of the thumbnails taken for the picture checks (pixels; 16:9, 4x4 pixels per cell
#: of the 16x9 fingerprint grid in ``viewer.core.picture``).
THUMBNAIL_WIDTH_PX = 64
THUMBNAIL_HEIGHT_PX = 36


@dataclass(frozen=True)
class PlayerEvent:
    kind: PlayerEventKind
    generation: int  # which play() call this belongs to: stale events are ignored
    #: ERROR/ENDED only: why, when the source itself said so (the RTSP session's status:
    #: auth, not_found, refused ...); None for libVLC's own events, which carry no reason.
    reason: Reason | None = None
    detail: str = ""  # the source's words for it (an RTSP status line); never a password


@dataclass(frozen=True)
class PlayerStats:
    """Cumulative counters since the current media was opened."""

    displayed_pictures: int = 0
    lost_pictures: int = 0
    decoded_video: int = 0
    read_bytes: int = 0
    # --- stream figures (viewer.core.stream_meter) -------------------------------------
    #: What the camera delivered: a relayed RTSP stream counts at the relay (video payload
    #: bytes, access units, key pictures, since the session opened — shared by the tiles of
    #: one session); a stream libVLC opens itself counts at libVLC (bytes its input read,
    #: pictures shown plus pictures dropped; no key pictures).
    received_bytes: int = 0
    received_frames: int = 0
    received_keyframes: int = 0
    codec: str = ""  # "h264", "hevc" … ("" until known)
    width: int = 0
    height: int = 0
    nominal_fps: float = 0.0  # announced by the SDP / stream (0: unknown)
    first_packet_s: float | None = None  # relay: open → first video packet
    #: relay: the last packet's timestamp in seconds of the camera's clock (None: unknown)
    stream_time_s: float | None = None
    relayed: bool = False


#: ``EngineOptions.rtsp_client`` values: FFmpeg's RTSP client relayed to libVLC (every
#: platform, tested), or libVLC's own live555 client (only where libVLC has it; not tested).
RTSP_CLIENTS = ("relay", "libvlc")


@dataclass(frozen=True)
class EngineOptions:
    network_caching_ms: int = DEFAULT_NETWORK_CACHING_MS
    rtsp_tcp: bool = True  # RTSP over TCP (interleaved); False: RTP over UDP
    rtsp_client: str = "relay"  # one of RTSP_CLIENTS
    rtsps_ca_file: str = ""  # relay: PEM certificates rtsps cameras must chain to; "": not verified
    #: Linux without a GPU: bypass OpenGL (llvmpipe) for the xcb_x11 output, ~4x cheaper.
    software_output: bool = True
    audio: bool = False
    #: Decoder threads per grid tile. Many small streams parallelise across tiles already;
    #: libVLC's own choice (cores + 1, up to 16, with as many frames in flight) costs ~4 MiB
    #: and 3 threads per 640x360 tile here and grows with the core count. 0: libVLC decides.
    tile_decoder_threads: int = 1
    extra_args: tuple[str, ...] = ()


class FeedPlayer(Protocol):
    generation: int

    def set_listener(self, listener: Callable[[PlayerEvent], None] | None) -> None: ...
    def set_window(self, win_id: int) -> None: ...
    def play(self, url: str, username: str | None = None, password: str | None = None,
             full_decoder: bool = False) -> int:
        """Open ``url`` (replacing whatever played) and return the new generation.
        ``full_decoder``: a maximised main stream, decoded with as many threads as libVLC
        likes instead of ``EngineOptions.tile_decoder_threads``."""
        ...
    def stop(self) -> None: ...
    def stats(self) -> PlayerStats: ...
    def is_playing(self) -> bool: ...
    def video_size(self) -> tuple[int, int]: ...
    def snapshot(self, path: Path, width: int = 0, height: int = 0) -> bool:
        """Write the current picture as PNG; blocks (up to ~0.5 s for a picture). Only the
        inner players implement it, called on their worker; the Qt main thread uses
        :meth:`snapshot_later`."""
        ...
    def snapshot_later(self, path: Path, done: Callable[[bool], None], width: int = 0, height: int = 0) -> None:
        """Queue a snapshot on the player's worker and return at once; ``done(ok)`` is called
        exactly once, on another thread (``viewer.player.guarded``): hand it over."""
        ...
    def thumbnail_png(self) -> bytes | None:
        """The current picture scaled to THUMBNAIL_WIDTH_PX x THUMBNAIL_HEIGHT_PX, as the PNG
        bytes libVLC wrote (the picture checker decodes them with Qt), or None when there is
        no picture (not playing, no video output yet). Blocks until the video output hands
        over its next picture (libVLC 3: ~10-70 ms wall time, ~1 ms CPU). Called on the
        picture-check worker thread, not the main thread (see the module docstring)."""
        ...
    def release(self) -> None: ...


class PlayerEngine(Protocol):
    version: str
    rtsp_description: str  # how RTSP is received: "relay (FFmpeg …)", "libVLC live555", "NOT available"

    def new_player(self) -> FeedPlayer: ...
    def supports_scheme(self, scheme: str) -> bool: ...
    def release(self) -> None: ...


class PlayerUnavailable(RuntimeError):
    """libVLC (or another backend) is missing; the message says what to install."""


def create_engine(options: EngineOptions | None = None) -> PlayerEngine:
    """The libVLC engine, imported lazily so that a missing libVLC is a clear error.

    Its players run every blocking libVLC call on a worker with a deadline
    (:mod:`viewer.player.guarded`): the Qt main thread never waits for libVLC.
    """
    from viewer.player.guarded import GuardedEngine
    from viewer.player.vlc_backend import VlcEngine

    return GuardedEngine(VlcEngine(options or EngineOptions()))
