"""The vocabulary of feed health: states, player events, actions, flags and thresholds.

Plain data for :mod:`viewer.core.health` (the state machine) and its callers. Pure Python,
immutable values: safe from any thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from viewer.core import constants as C
from viewer.core.reasons import Reason

#: Flags raised by picture checks while pictures keep coming (the player is not stopped).
PICTURE_REASONS = frozenset({Reason.FROZEN_IMAGE, Reason.BLANK_PICTURE})

#: Schemes that libVLC plays only with live555 (absent from Debian's build).
RTSP_SCHEMES = frozenset({"rtsp", "rtsps", "rtspt", "rtspu"})


class FeedState(str, Enum):
    IDLE = "idle"  # not started, or stopped by the operator
    CONNECTING = "connecting"  # OPEN issued, no picture yet
    PLAYING = "playing"  # pictures are being displayed
    STALLED = "stalled"  # was playing, no new picture for stall_timeout_s
    FAILED = "failed"  # player stopped after a failure; diagnosis probe outstanding
    WAITING = "waiting"  # player stopped; waiting for next_retry_at (or a return probe)

    def __str__(self) -> str:
        return self.value


class ActionKind(str, Enum):
    OPEN = "open"  # (re)open the player on the feed's URL
    STOP = "stop"  # stop the player
    PROBE = "probe"  # probe the camera, then call on_probe with the result
    FLAG = "flag"  # show / journal the outage; FeedHealth.flag has reason, since, detail
    UNFLAG = "unflag"  # pictures again (or operator stop): clear the flag, close the outage

    def __str__(self) -> str:
        return self.value


class PlayerEventKind(str, Enum):
    """What a player reported (``viewer.player.base.PlayerEvent.kind``); the one vocabulary of
    player events, shared by the player layer and the health machine."""

    OPENING = "opening"
    BUFFERING = "buffering"
    PLAYING = "playing"  # libVLC "Playing": NOT a picture yet
    VOUT = "vout"  # first picture displayed
    ERROR = "error"  # EncounteredError
    ENDED = "ended"  # EndReached
    STOPPED = "stopped"  # the result of our own STOP: ignored
    STUCK = "stuck"  # a player call never returned; the player was replaced

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    reason: Reason | None = None
    detail: str = ""


@dataclass(frozen=True)
class Flag:
    reason: Reason
    since: float  # outage start, same clock as ``now``
    detail: str = ""


@dataclass(frozen=True)
class HealthConfig:
    """Thresholds for one feed (seconds). Defaults come from :mod:`viewer.core.constants`.

    ``scheme`` is the feed URL's scheme (``http``, ``rtsp`` ...); ``stall_timeout_s`` is the
    catalog's per-camera override for low-fps cameras.
    """

    open_timeout_s: float = C.OPEN_TIMEOUT_S
    open_progress_timeout_s: float = C.OPEN_PROGRESS_TIMEOUT_S
    stall_timeout_s: float = C.STALL_TIMEOUT_S
    stall_progress_timeout_s: float = C.STALL_PROGRESS_TIMEOUT_S
    stall_reopen_s: float = C.STALL_REOPEN_S
    backoff_base_s: float = C.BACKOFF_BASE_S
    backoff_cap_s: float = C.BACKOFF_CAP_S
    backoff_floor_s: float = C.BACKOFF_FLOOR_S
    stable_play_reset_s: float = C.STABLE_PLAY_RESET_S
    return_probe_interval_s: float = C.RETURN_PROBE_INTERVAL_S
    return_probe_jitter_fraction: float = C.RETURN_PROBE_JITTER_FRACTION
    quick_return_probe_interval_s: float = C.QUICK_RETURN_PROBE_INTERVAL_S
    quick_return_window_s: float = C.QUICK_RETURN_WINDOW_S
    probe_result_timeout_s: float = C.PROBE_RESULT_TIMEOUT_S
    player_supports_rtsp: bool = True
    scheme: str = "http"
    #: The stream is a playlist of segments (HLS), not one live connection: a reopen after a
    #: stall would replay its old segments, so a stall is never reopened on a probe's OK alone.
    playlist: bool = False
    #: How often a playing feed's picture is checked for frozen/blank (see core/picture.py).
    picture_check_interval_s: float = C.PICTURE_CHECK_INTERVAL_S
    #: The ``degraded`` rule (viewer/core/degraded.py): under this share of the nominal frame
    #: rate (0 = off) for ``degraded_after_s``; cleared after ``degraded_clear_after_s`` above it.
    degraded_fps_ratio: float = C.DEGRADED_FPS_RATIO
    degraded_after_s: float = C.DEGRADED_AFTER_S
    degraded_clear_after_s: float = C.DEGRADED_CLEAR_AFTER_S

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if name.endswith("_s") and not value > 0:
                raise ValueError(f"HealthConfig.{name} must be > 0, got {value!r}")
        object.__setattr__(self, "scheme", self.scheme.lower())

    @classmethod
    def for_url(
        cls, url: str, *, stall_timeout_s: float | None = None, player_supports_rtsp: bool = True
    ) -> HealthConfig:
        """Defaults for a camera URL, with the catalog's optional stall override."""
        overrides = {} if stall_timeout_s is None else {"stall_timeout_s": stall_timeout_s}
        scheme = urlsplit(url).scheme or "http"
        return cls(scheme=scheme, player_supports_rtsp=player_supports_rtsp, playlist=is_playlist_url(url),
                   **overrides)  # fmt: skip

    @property
    def player_cannot_play_scheme(self) -> bool:
        return self.scheme in RTSP_SCHEMES and not self.player_supports_rtsp


#: URL path endings of HLS playlists (the probe also trusts an ``mpegurl`` content type).
PLAYLIST_SUFFIXES = (".m3u8", ".m3u")


def is_playlist_url(url: str) -> bool:
    """Whether ``url`` names an HLS playlist (by its path), not one live stream."""
    return urlsplit(url).path.lower().endswith(PLAYLIST_SUFFIXES)
