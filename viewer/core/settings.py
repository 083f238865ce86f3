"""User settings: declared defaults, tolerant loading, atomic writes, a schema version.

Unknown keys are kept (a newer version's settings survive an older one), wrong types fall
back to the default with a warning. The admin-owned catalog is separate; this file holds
only per-user preferences.
"""

from __future__ import annotations

import logging
import math
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

from viewer.core.constants import (
    DEGRADED_FPS_RATIO,
    NEIGHBOUR_PREROLL_TILES,
    RECOVERY_CONFIRM_S,
    SAMPLE_CONCURRENCY,
    SAMPLE_EVERY_S,
    SAMPLE_SECONDS,
    STREAM_MINUTES_RETENTION_DAYS,
)
from viewer.core.store import atomic_write_json, load_json

log = logging.getLogger(__name__)

SETTINGS_SCHEMA_VERSION = 1


@dataclass(frozen=True)
class Settings:
    catalog_path: str = ""
    network_caching_ms: int = 300
    rtsp_tcp: bool = True  # RTSP over TCP (interleaved); false: RTP over UDP
    rtsp_client: str = "relay"  # "relay": FFmpeg's RTSP client, every platform; "libvlc": live555 (untested)
    #: rtsps:// cameras: a PEM file of the certificates to trust (the cameras' own self-signed
    #: ones, or the CA that signed them); each must name the host of the camera's URL. Empty:
    #: rtsps is encrypted but the camera's certificate is NOT verified (any one is accepted).
    rtsps_ca_file: str = ""
    software_video_output: bool = True  # Linux without GPU: xcb_x11 instead of OpenGL
    tile_decoder_threads: int = 1  # per grid tile; a maximised main stream gets libVLC's choice; 0 = always
    language: str = ""  # "" = follow the system locale; "id" or "en"
    tour_idle_resume_s: float = 60.0
    kiosk: bool = False
    kiosk_exit_keys: str = "Ctrl+Shift+Q"  # the only way to close a kiosk wall from its keyboard
    screens: tuple[int, ...] = ()  # one wall window per listed monitor (0 = primary); () = one window
    #: Maximise: keep the grid tile's sub-stream playing, hidden, behind the main stream, so
    #: that Esc shows the grid picture at once (costs one sub-stream decode while maximised).
    keep_substream_when_maximised: bool = True
    #: Paging pre-rolls the neighbour pages within this many hidden players (0 = off).
    neighbour_preroll_tiles: int = NEIGHBOUR_PREROLL_TILES
    journal_retention_days: float = 365.0  # ended outages and events older than this are deleted; 0 = keep all
    #: An outage is closed (at the first good observation) once the camera has shown pictures or
    #: answered probes this long without a failure in between (seconds; the journal's hysteresis).
    recovery_confirm_s: float = RECOVERY_CONFIRM_S
    #: A stream delivering under this share of its nominal frame rate for DEGRADED_AFTER_S is
    #: flagged "degraded" (percent; 0 = never).
    degraded_fps_percent: float = 100 * DEGRADED_FPS_RATIO
    #: Quality samples of the cameras not on screen (README "Quality samples"): all samples
    #: together receive at most this many Mbit/s; 0 = off (the default: they cost bandwidth).
    sample_budget_mbps: float = 0.0
    sample_seconds: float = SAMPLE_SECONDS  # per sample, after its first packet
    sample_concurrency: int = SAMPLE_CONCURRENCY
    sample_every_s: float = SAMPLE_EVERY_S  # each stream at most this often
    #: Stream minutes (bitrate, frame rate ... per camera and minute) older than this are
    #: deleted; apart from journal_retention_days: they are far bigger. 0 = keep all.
    stream_minutes_retention_days: float = STREAM_MINUTES_RETENTION_DAYS
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()


def load_settings(path: Path) -> tuple[Settings, dict[str, Any]]:
    """Settings plus the raw dict (to keep unknown keys on save)."""
    raw = load_json(path, {})
    if not isinstance(raw, dict):
        log.warning("%s does not hold an object; using defaults", path)
        raw = {}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value = raw[f.name]
        default = f.default
        if isinstance(default, tuple):  # a list of whole numbers, e.g. "screens": [0, 1]
            ok = isinstance(value, list) and all(isinstance(x, int) and not isinstance(x, bool) for x in value)
            value = tuple(value) if ok else value
        elif isinstance(default, bool):
            ok = isinstance(value, bool)
        elif isinstance(default, (int, float)):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = type(default)(value) if ok else value
        else:
            ok = isinstance(value, type(default))
        if not ok:
            log.warning("setting %s=%r has the wrong type; using %r", f.name, value, default)
            continue
        problem = setting_problem(f.name, value)
        if problem:
            log.warning("setting %s=%r %s; using %r", f.name, value, problem, default)
            continue
        values[f.name] = value
    return Settings(**values), raw


#: name -> (lowest, highest) accepted value, both inclusive; finite numbers only.
SETTING_RANGES: dict[str, tuple[float, float]] = {
    "network_caching_ms": (0, 60_000),
    "tile_decoder_threads": (0, 64),
    "tour_idle_resume_s": (1.0, 24 * 3600.0),
    "journal_retention_days": (0.0, 100 * 365.0),
    "recovery_confirm_s": (1.0, 3600.0),
    "degraded_fps_percent": (0.0, 100.0),
    "sample_budget_mbps": (0.0, 10_000.0),
    "sample_seconds": (0.5, 60.0),
    "sample_concurrency": (1, 256),
    "sample_every_s": (0.0, 7 * 24 * 3600.0),
    "stream_minutes_retention_days": (0.0, 100 * 365.0),
}
LANGUAGES = ("", "id", "en")


def setting_problem(name: str, value: Any) -> str:
    """Why ``value`` is not acceptable for setting ``name`` ("" when it is). Pure."""
    if name in SETTING_RANGES:
        low, high = SETTING_RANGES[name]
        if not math.isfinite(value) or not low <= value <= high:
            return f"is out of range (expected {low:g} to {high:g})"
    elif name == "screens":
        if any(n < 0 for n in value) or len(set(value)) != len(value):
            return "must list distinct monitor numbers 0, 1, ..."
    elif name == "language" and value not in LANGUAGES:
        return "must be one of 'id', 'en' or '' (follow the system)"
    elif name == "kiosk_exit_keys" and not value.strip():
        return "must name a key sequence (a kiosk wall needs a way out)"
    return ""


def save_settings(path: Path, settings: Settings, raw: dict[str, Any] | None = None) -> None:
    data = dict(raw or {})
    data.update({k: list(v) if isinstance(v, tuple) else v for k, v in asdict(settings).items()})
    data["schema_version"] = SETTINGS_SCHEMA_VERSION
    atomic_write_json(path, data)


def updated(settings: Settings, **changes: Any) -> Settings:
    return replace(settings, **changes)


def parse_screens(text: str) -> tuple[int, ...]:
    """``"0,1"`` -> ``(0, 1)``: the monitors of a multi-monitor wall. ValueError when malformed."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    screens = tuple(int(p) for p in parts)
    if not screens or any(n < 0 for n in screens) or len(set(screens)) != len(screens):
        raise ValueError(f"expected distinct monitor numbers like 0,1 — got {text!r}")
    return screens
