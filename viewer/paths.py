"""Every directory and resource path of the app, in one place.

Per-user directories come from platformdirs. ``VIDEOWALL_HOME`` redirects all of them
under one folder (portable installs, tests). Resources are found next to the package in a
source checkout and inside the bundle in a frozen (PyInstaller) app.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import PlatformDirs

from viewer import APP_AUTHOR, APP_NAME

HOME_ENV = "VIDEOWALL_HOME"


def _dirs() -> PlatformDirs:
    return PlatformDirs(APP_NAME, APP_AUTHOR, roaming=False)


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def _ensure(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_dir() -> Path:
    """Settings, saved views and the default catalog (``catalog.yaml``)."""
    home = _home()
    return _ensure(home / "config" if home else Path(_dirs().user_config_dir))


def data_dir() -> Path:
    """Outage journal and snapshots."""
    home = _home()
    return _ensure(home / "data" if home else Path(_dirs().user_data_dir))


def log_dir() -> Path:
    home = _home()
    return _ensure(home / "logs" if home else Path(_dirs().user_log_dir))


def cache_dir() -> Path:
    home = _home()
    return _ensure(home / "cache" if home else Path(_dirs().user_cache_dir))


def default_catalog_path() -> Path:
    return config_dir() / "catalog.yaml"


def settings_path() -> Path:
    return config_dir() / "settings.json"


def views_path() -> Path:
    return config_dir() / "views.json"


def journal_path() -> Path:
    return data_dir() / "journal.sqlite3"


def snapshots_dir() -> Path:
    return _ensure(data_dir() / "snapshots")


def log_file_path() -> Path:
    return log_dir() / "videowall.log"


def demo_home() -> Path:
    """Where ``videowall demo`` keeps its own config, journal and logs (never the real ones)."""
    return _ensure(data_dir() / "demo")


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def resources_dir() -> Path:
    """The shipped ``resources/`` folder (source checkout, installed wheel or frozen bundle)."""
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent)) / "resources"
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "resources", here / "resources"):
        if candidate.is_dir():
            return candidate
    return here.parent / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
