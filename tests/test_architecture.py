"""Import rules that keep the architecture honest.

- ``viewer.core`` (and the simulator) load without Qt or vlc.
- Only ``viewer/player/vlc_backend.py`` imports ``vlc``.
- ``viewer/ui`` never imports vlc; ``viewer/core`` never imports Qt, vlc or other viewer layers.
- Only ``viewer/player`` imports the libVLC adapter module: everyone else gets its players
  through ``create_engine``, which wraps them so no blocking call runs on the Qt main thread.
- matplotlib only in ``viewer/reports`` (no pyplot, no GUI backend); reports without Qt; jobs never import the UI.
- Outages are written only through ``viewer/core/outage_writer.py`` (the journal's rules).
- The headless monitor (``viewer/jobs/monitor.py``, ``viewer/cli/monitor.py`` and what they
  load) runs without Qt and without libVLC.
- ``videowall evaluate --prometheus`` (a server-side command) loads neither Qt, libVLC nor
  matplotlib.
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


def test_core_and_sim_load_without_qt_or_vlc_in_a_fresh_interpreter():
    code = (
        "import sys, pkgutil, importlib, viewer.core, viewer.sim\n"
        "for pkg in (viewer.core, viewer.sim):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        if m.name != '__main__':\n"
        "            importlib.import_module(pkg.__name__ + '.' + m.name)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('PySide6', 'shiboken6', 'vlc'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""


def test_only_the_player_package_reaches_the_adapter():
    offenders = [
        str(p.relative_to(ROOT))
        for p in _modules(PACKAGE)
        if p.parent != PACKAGE / "player" and "viewer.player.vlc_backend" in _imports(p)
    ]
    assert offenders == []


def test_engines_for_the_wall_are_guarded():
    """``create_engine`` hands out players whose blocking calls run on worker threads."""
    source = (PACKAGE / "player" / "base.py").read_text(encoding="utf-8")
    assert "return GuardedEngine(VlcEngine(" in source
    assert not any(n.startswith(("PySide6", "vlc")) for n in _imports(PACKAGE / "player" / "guarded.py"))
def test_matplotlib_only_in_reports_and_never_pyplot_or_a_gui_backend():
    """Charts are drawn by viewer/reports with the SVG/Agg canvases: core stays stdlib + yaml,
    and nothing selects a GUI backend (which would pull in Tk/Qt event loops)."""
    offenders = {}
    for path in _modules(PACKAGE):
        names = _imports(path)
        bad = sorted(n for n in names if n == "matplotlib.pyplot" or n.startswith("matplotlib.backends.backend_q")
                     or n.startswith("matplotlib.backends.backend_tk"))
        inside_reports = path.is_relative_to(PACKAGE / "reports")
        if not inside_reports:
            bad += sorted(n for n in names if n.split(".")[0] == "matplotlib")
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}
    assert "matplotlib.figure" in _imports(PACKAGE / "reports" / "charts.py")


def test_reports_and_jobs_layers():
    """viewer/reports renders without Qt; viewer/jobs never reaches up into the UI."""
    qt = ("PySide6", "shiboken6", "viewer.ui", "viewer.app", "vlc", "viewer.player")
    reports = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.startswith(qt))
               for p in _modules(PACKAGE / "reports")}
    assert {k: v for k, v in reports.items() if v} == {}
    jobs = {str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n.startswith(("viewer.ui", "viewer.app")))
            for p in _modules(PACKAGE / "jobs")}
    assert {k: v for k, v in jobs.items() if v} == {}


def test_only_the_journal_rules_writer_opens_and_closes_outages():
    """Every source (wall, pre-roll, sweep, monitor) goes through viewer.core.outage_rules and
    its writer, so one camera has one outage whoever saw it: nobody else writes outages."""
    writers = {"open_outage", "close_outage", "update_reason"}
    allowed = {PACKAGE / "core" / "journal.py", PACKAGE / "core" / "outage_writer.py"}
    offenders = []
    for path in _modules(PACKAGE):
        if path in allowed:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if calls & writers:
            offenders.append(f"{path.relative_to(ROOT)}: {sorted(calls & writers)}")
    assert offenders == []


def test_only_the_player_and_the_simulator_import_pyav():
    """FFmpeg (PyAV) is the RTSP relay's business (and the simulator's, which reads its clips
    with it): core and ui never touch it."""
    offenders = [
        str(p.relative_to(ROOT))
        for p in _modules(PACKAGE)
        if p.parent.name not in ("player", "sim") and any(n == "av" or n.startswith("av.") for n in _imports(p))
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


#: The headless monitor's own modules (``viewer/jobs`` also holds the app's Qt jobs).
MONITOR_MODULES = (
    "jobs/monitor.py", "jobs/catalog_loader.py", "cli/monitor.py", "jobs/metrics.py", "jobs/metrics_cache.py",
)


def test_the_headless_monitor_loads_without_qt_or_vlc():
    for path in [PACKAGE / name for name in MONITOR_MODULES]:
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in ("PySide6", "shiboken6", "vlc")
                     or n.startswith(("viewer.ui", "viewer.player", "viewer.app")))  # fmt: skip
        assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"
    code = (
        "import sys, viewer.jobs.monitor, viewer.jobs.catalog_loader, viewer.cli.monitor, viewer.cli\n"
        "viewer.cli.command_parser()\n"
    )
    assert _qt_or_vlc_loaded_by(code) == ""


def test_evaluate_prometheus_runs_on_a_server_without_qt_vlc_or_matplotlib():
    code = (
        "import sys, viewer.cli.evaluate, viewer.cli.evaluate_prometheus, viewer.core.prometheus_evaluation\n"
        "assert not any(n.split('.')[0] == 'matplotlib' for n in sys.modules), 'matplotlib loaded'\n"
    )
    assert _qt_or_vlc_loaded_by(code) == ""
