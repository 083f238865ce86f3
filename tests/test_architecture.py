"""Import rules that keep the architecture honest.

- ``viewer.core`` (and the simulator) load without Qt or vlc.
- Only ``viewer/player/vlc_backend.py`` imports ``vlc``.
- ``viewer/ui`` never imports vlc; ``viewer/core`` never imports Qt, vlc or other viewer layers.
- The headless monitor (``viewer/jobs``, ``viewer/cli_monitor.py`` and what they load) runs
  without Qt and without libVLC.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "viewer"
VLC_ADAPTER = PACKAGE / "player" / "vlc_backend.py"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_only_the_adapter_imports_vlc():
    offenders = [
        str(p.relative_to(ROOT))
        for p in _modules(PACKAGE)
        if p != VLC_ADAPTER and any(n == "vlc" or n.startswith("vlc.") for n in _imports(p))
    ]
    assert offenders == []
    assert "vlc" in _imports(VLC_ADAPTER)


def test_core_imports_no_qt_no_vlc_no_upper_layers():
    forbidden = ("PySide6", "shiboken6", "vlc", "viewer.ui", "viewer.player", "viewer.app", "viewer.sim")
    offenders = {
        str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.startswith(forbidden))
        for p in _modules(PACKAGE / "core")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_ui_never_imports_vlc():
    offenders = [
        str(p.relative_to(ROOT)) for p in _modules(PACKAGE / "ui") if any(n.split(".")[0] == "vlc" for n in _imports(p))
    ]
    assert offenders == []


def _qt_or_vlc_loaded_by(code: str) -> str:
    """Run ``code`` in a fresh interpreter; the Qt/vlc modules it left in sys.modules, comma-joined."""
    code += (
        "\nbad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'vlc'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.strip()


def test_core_and_sim_load_without_qt_or_vlc_in_a_fresh_interpreter():
    code = (
        "import sys, pkgutil, importlib, viewer.core, viewer.sim\n"
        "for pkg in (viewer.core, viewer.sim):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        if m.name != '__main__':\n"
        "            importlib.import_module(pkg.__name__ + '.' + m.name)\n"
    )
    assert _qt_or_vlc_loaded_by(code) == ""


def test_the_headless_monitor_loads_without_qt_or_vlc():
    for path in [*_modules(PACKAGE / "jobs"), PACKAGE / "cli_monitor.py", PACKAGE / "metrics.py"]:
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in ("PySide6", "shiboken6", "vlc")
                     or n.startswith(("viewer.ui", "viewer.player", "viewer.app")))  # fmt: skip
        assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"
    code = (
        "import sys, pkgutil, importlib, viewer.jobs, viewer.cli_monitor, viewer.cli\n"
        "for m in pkgutil.iter_modules(viewer.jobs.__path__):\n"
        "    importlib.import_module('viewer.jobs.' + m.name)\n"
        "viewer.cli.command_parser()\n"
    )
    assert _qt_or_vlc_loaded_by(code) == ""
