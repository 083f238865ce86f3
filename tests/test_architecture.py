"""Import rules that keep the architecture honest.

- ``viewer.core`` (and the simulator) load without Qt or vlc.
- Only ``viewer/player/vlc_backend.py`` imports ``vlc``.
- ``viewer/ui`` never imports vlc; ``viewer/core`` never imports Qt, vlc or other viewer layers.
- Only ``viewer/player`` imports the libVLC adapter module: everyone else gets its players
  through ``create_engine``, which wraps them so no blocking call runs on the Qt main thread.
- matplotlib only in ``viewer/reports`` (no pyplot, no GUI backend); reports without Qt; jobs never import the UI.
- Outages are written only through ``viewer/core/outage_writer.py`` (the journal's rules).
- In the UI, only ``viewer/ui/stream_recorder.py`` writes stream minutes (source "wall").
- The table ``stream_minutes`` is queried only by its store and the capacity reader.
- The headless monitor (``viewer/jobs/monitor.py``, ``viewer/cli/monitor.py`` and what they
  load) runs without Qt and without libVLC.
- ``videowall evaluate --prometheus`` (a server-side command) loads neither Qt, libVLC nor
  matplotlib.
- Folders say where things go: ``viewer/ui`` imports nothing from the top level but ``paths`` and
  the version (no ``app``, no command, no demo, no top-level module); nothing imports the
  command line (``viewer/cli``) but ``viewer/__main__.py`` and the commands themselves.
- A module loaded through ``importlib.import_module("viewer.x")`` counts as imported by every
  rule here, so a string cannot hide a layer break.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "viewer"
VLC_ADAPTER = PACKAGE / "player" / "vlc_backend.py"


def _imports(path: Path) -> set[str]:
    """Every module ``path`` imports: ``import a.b``, ``from a.b import c`` (as ``a.b``, and as
    ``a.b.c`` when ``c`` is a module of ours), and each ``"viewer.…"`` string of a module that
    uses ``importlib.import_module`` (command tables, lazy loads)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    loads_by_name = False
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names
                         if _is_our_module(f"{node.module}.{alias.name}"))
        elif (isinstance(node, ast.Attribute) and node.attr == "import_module") or (
                isinstance(node, ast.Name) and node.id == "import_module"):
            loads_by_name = True
    if loads_by_name:
        names.update(node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)
                     and isinstance(node.value, str) and _is_our_module(node.value))
    return names


def _is_our_module(name: str) -> bool:
    """``viewer.a.b`` names a module or package of the source tree."""
    if name != "viewer" and not name.startswith("viewer."):
        return False
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


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


def test_the_wall_writes_stream_minutes_only_through_its_recorder():
    """The wall's per-minute stream rows (source "wall") come from one place, on the thread of
    the wall's other journal writes: viewer/ui/stream_recorder.py. Widgets and feeds only hand
    samples over."""
    allowed = {PACKAGE / "ui" / "stream_recorder.py"}
    offenders = []
    for path in _modules(PACKAGE / "ui"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        calls = {n.func.attr for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)}
        if "add_stream_minutes" in calls and path not in allowed:
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_only_the_store_and_the_capacity_reader_query_stream_minutes():
    """The table ``stream_minutes`` is written and pruned by viewer/core/stream_minutes_store.py
    and summed for the evaluation by viewer/core/capacity_read.py (created by the schema);
    everyone else goes through them, so the evaluation's sums and the stored rows cannot drift."""
    import re

    sql = re.compile(r"""["'][^"']*\b(?:FROM|INTO|UPDATE|TABLE(?: IF NOT EXISTS)?)\s+stream_minutes\b""", re.I)
    allowed = {PACKAGE / "core" / n for n in ("stream_minutes_store.py", "capacity_read.py", "journal_schema.py")}
    offenders = [str(p.relative_to(ROOT)) for p in _modules(PACKAGE)
                 if p not in allowed and sql.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert sql.search((PACKAGE / "core" / "capacity_read.py").read_text(encoding="utf-8"))


def test_the_quality_sampler_loads_without_qt_or_vlc():
    """The off-screen samples run in the headless monitor and in ``videowall sweep``: FFmpeg
    (PyAV) through the player package's relay helpers, never libVLC or Qt."""
    sampler_modules = ("jobs/sampler.py", "jobs/sample_journal.py", "jobs/metrics_samples.py", "cli/sweep_sample.py",
                       "player/stream_sampler.py")  # fmt: skip
    for path in [PACKAGE / name for name in sampler_modules]:
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in ("PySide6", "shiboken6", "vlc")
                     or n.startswith(("viewer.ui", "viewer.app", "viewer.player.vlc_backend")))  # fmt: skip
        assert bad == [], f"{path.relative_to(ROOT)} imports {bad}"
    code = ("import sys, viewer.jobs.sampler, viewer.jobs.sample_journal, viewer.jobs.metrics_samples, "
            "viewer.cli.sweep_sample, viewer.player.stream_sampler\n")  # fmt: skip
    assert _qt_or_vlc_loaded_by(code) == ""


#: What the UI may take from the top of the package: the version and the paths module.
UI_TOP_LEVEL_ALLOWED = {"viewer", "viewer.paths"}
#: The layers below the UI, which it may use.
UI_MAY_USE = ("viewer.ui", "viewer.core", "viewer.player", "viewer.jobs", "viewer.reports")


def test_the_ui_takes_nothing_from_the_top_level_but_paths_and_the_version():
    """Top-level modules (app, log, selftest, …), the commands and the demo sit ABOVE the UI."""
    offenders = {}
    for path in _modules(PACKAGE / "ui"):
        bad = sorted(n for n in _imports(path) if (n == "viewer" or n.startswith("viewer."))
                     and n not in UI_TOP_LEVEL_ALLOWED and not n.startswith(UI_MAY_USE))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        bad += sorted(f"viewer.{alias.name}" for node in ast.walk(tree)
                      if isinstance(node, ast.ImportFrom) and node.module == "viewer" and node.level == 0
                      for alias in node.names if alias.name not in ("__version__", "paths"))
        if bad:
            offenders[str(path.relative_to(ROOT))] = bad
    assert offenders == {}


def test_nothing_imports_the_command_line_but_main():
    """``viewer/cli`` is the outermost layer: the wall, jobs and UI never reach into it."""
    offenders = {
        str(p.relative_to(ROOT)): sorted(n for n in _imports(p) if n == "viewer.cli" or n.startswith("viewer.cli."))
        for p in _modules(PACKAGE)
        if not p.is_relative_to(PACKAGE / "cli") and p != PACKAGE / "__main__.py"
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert "viewer.cli" in _imports(PACKAGE / "__main__.py")


def test_modules_loaded_by_name_count_as_imported(tmp_path):
    """The command table's strings are seen as imports (so the rules above cover them)."""
    assert "viewer.cli.monitor" in _imports(PACKAGE / "cli" / "__init__.py")
    assert "viewer.reports.evaluation_html" in _imports(PACKAGE / "cli" / "evaluate.py")
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text('import importlib\nimportlib.import_module("viewer.app")\n', encoding="utf-8")
    assert "viewer.app" in _imports(sneaky)


TESTS = ROOT / "tests"


def test_test_modules_have_docstrings_and_import_nothing_from_a_conftest():
    """Every test module says what it tests; shared helpers live in tests/support, so no
    module imports from a ``conftest.py`` (pytest loads those itself, for fixtures)."""
    undocumented, from_conftest = [], {}
    for path in sorted(TESTS.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if path.name.startswith("test_") and ast.get_docstring(tree) is None:
            undocumented.append(str(path.relative_to(ROOT)))
        bad = sorted(n for n in _imports(path) if n.split(".")[-1] == "conftest" or ".conftest." in n)
        if bad:
            from_conftest[str(path.relative_to(ROOT))] = bad
    assert undocumented == []
    assert from_conftest == {}


def test_tests_mirror_the_package():
    """A test folder for every package folder of viewer/ that has tests (tests/X for viewer/X)."""
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    folders = {p.name for p in TESTS.iterdir() if (p / "__init__.py").is_file()}
    assert folders - packages <= {"support", "benchmarks"}, "a test folder with no viewer/ package beside it"
    assert {"core", "player", "ui", "jobs", "cli", "demo", "reports", "sim"} <= folders


def test_model_names_are_imported_from_their_model_modules_only():
    """One import path per name: the data types of ``core.catalog_model`` and
    ``core.health_model`` are never taken through ``core.catalog`` / ``core.health`` (which
    use them but do not re-export them)."""
    models = {"viewer.core.catalog": "viewer.core.catalog_model", "viewer.core.health": "viewer.core.health_model"}
    offenders = []
    for path in [*_modules(PACKAGE), *sorted((ROOT / "tests").rglob("*.py"))]:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in models:
                model = importlib.import_module(models[node.module])
                offenders += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                              if hasattr(model, a.name) and not a.name.startswith("_")
                              and a.name not in importlib.import_module(node.module).__all__]
    assert offenders == []
