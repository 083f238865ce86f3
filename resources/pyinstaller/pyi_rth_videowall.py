"""PyInstaller runtime hook: make python-vlc load the libVLC inside the bundle.

Runs in the frozen app before any of its modules is imported (so before ``import vlc``),
on the main thread. Standard library only; no logging yet (logging is set up later), so
what it did is left in ``VIDEOWALL_BUNDLED_VLC`` for the self-test and the log to report.

- ``PYTHON_VLC_LIB_PATH`` is set only when the bundled library exists: python-vlc calls
  ``sys.exit(1)`` at import, silently, when that variable points at nothing loadable.
- Plugins. libvlccore scans its default folder (Windows: ``plugins`` next to
  libvlccore.dll; Linux: ``vlc/plugins`` under libvlccore's folder), then every folder in
  ``VLC_PLUGIN_PATH`` (python-vlc sets that from ``PYTHON_VLC_MODULE_PATH``); a folder
  named twice is scanned twice. Windows: the default is our ``vlc/plugins``, so both
  variables are removed (an installed VLC must not add its plugins: mixed versions crash).
  Linux: the default, ``vlc/vlc/plugins``, does not exist, so both variables point at
  ``vlc/plugins``.
- Linux: ``libvlc.so.5`` finds ``libvlccore.so.9`` through the library search path, not
  next to itself, so the bundled libvlccore is loaded first (by full path, RTLD_GLOBAL);
  the dynamic linker then reuses it. Windows finds it next to libvlc.dll by itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path

BUNDLE_VLC_DIR = "vlc"
STATUS_ENV = "VIDEOWALL_BUNDLED_VLC"
PLUGIN_PATH_ENV = ("PYTHON_VLC_MODULE_PATH", "VLC_PLUGIN_PATH")


def _library_names(platform: str) -> tuple[str, str]:
    if platform.startswith("win"):
        return "libvlc.dll", "libvlccore.dll"
    return "libvlc.so.5", "libvlccore.so.9"


def _preload(path: Path) -> None:
    import ctypes

    ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL)


def configure_bundled_vlc(
    bundle_root: Path,
    environ: MutableMapping[str, str],
    platform: str = sys.platform,
    preload: Callable[[Path], None] = _preload,
) -> dict[str, str]:
    """Set the libVLC variables for the bundle at ``bundle_root``; return what was set."""
    vlc_dir = bundle_root / BUNDLE_VLC_DIR
    windows = platform.startswith("win")
    lib_name, core_name = _library_names(platform)
    library, core, plugins = vlc_dir / lib_name, vlc_dir / core_name, vlc_dir / "plugins"
    if not (library.is_file() and core.is_file()):
        environ[STATUS_ENV] = f"not bundled (no {library})"
        return {}
    if not windows:
        try:
            preload(core)
        except OSError as exc:  # leave python-vlc to find a system libVLC instead of exiting
            environ[STATUS_ENV] = f"bundled libvlccore failed to load: {exc}"
            return {}
    changes = {"PYTHON_VLC_LIB_PATH": str(library)}
    for name in PLUGIN_PATH_ENV:
        environ.pop(name, None)
    if not windows and plugins.is_dir():
        changes.update(dict.fromkeys(PLUGIN_PATH_ENV, str(plugins)))
    environ.update(changes)
    environ[STATUS_ENV] = str(vlc_dir)
    return changes

if getattr(sys, "frozen", False) and hasattr(sys, "_MEIPASS"):
    configure_bundled_vlc(Path(sys._MEIPASS), os.environ)
