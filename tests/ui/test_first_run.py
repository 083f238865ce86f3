"""No catalog yet: the first-run screen's choice opens the wall (in the same process, with
the single-instance lock it already holds). Runs the app in a child process: a whole
``run_wall`` changes application-wide Qt state that other tests share."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.support.catalogs import catalog_yaml

CHILD = r"""
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from viewer.ui import first_run
offered = []
def choose(app, problem=""):
    offered.append(problem)
    return Path(sys.argv[1])
first_run.run_first_run = choose
seen = []
def look_and_quit():
    seen.extend(w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() == "wall")
    QApplication.instance().quit()
QTimer.singleShot(3000, look_and_quit)
from viewer.cli import run_cli
code = run_cli(["--no-sweep"])
print("RESULT", code, len(offered), len(seen))
"""


def test_catalog_chosen_on_the_first_run_screen_opens_the_wall(tmp_path, simulator, clips):
    from viewer import paths
    from viewer.core.settings import load_settings
    from viewer.sim.cameras import Behaviour, SimCamera

    url = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    chosen = tmp_path / "chosen.yaml"
    chosen.write_text(catalog_yaml({"d1": [("cam-red", url)]}), encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", CHILD, str(chosen)], capture_output=True, text=True, timeout=60,
                         env=dict(os.environ))
    result = [line for line in out.stdout.splitlines() if line.startswith("RESULT")]
    assert result == ["RESULT 0 1 1"], out.stdout + out.stderr  # exit 0, screen shown once, wall opened
    assert load_settings(paths.settings_path())[0].catalog_path == str(chosen)  # remembered for next time
