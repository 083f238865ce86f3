"""End to end: ``run --supervise`` with a real wall child whose players get stuck. Three
players whose libVLC call never returns are quarantined by the GuardedEngine's deadline, the
wall's PlayerWatch waits for a quiet moment and exits with 75, and the real supervisor starts
a new wall at once and logs and journals why. Only the hanging libVLC call is simulated
(tests/support/stuck_wall_site/sitecustomize.py, loaded through the child's PYTHONPATH;
nothing in the product can turn it on); everything after it is the product's own path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.support.catalogs import catalog_yaml
from tests.ui.test_round_the_clock import _children, _stop, _wait
from viewer import paths
from viewer.core.journal import Journal
from viewer.sim.cameras import SimCamera

SITE = Path(__file__).resolve().parent.parent / "support" / "stuck_wall_site"
WAIT_S = 40.0


def test_three_stuck_players_make_the_supervisor_restart_the_wall(qapp, tmp_path, simulator, clips):
    urls = [simulator.add_http(SimCamera(f"/stuck-{n}", clip=clips["red"])) for n in range(3)]
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(catalog_yaml({"d1": [(f"cam-{n}", url) for n, url in enumerate(urls)]}), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(SITE), os.environ.get("PYTHONPATH")])))
    command = [sys.executable, "-m", "viewer", "run", "--supervise", "--catalog", str(catalog),
               "--district", "d1", "--layout", "2x2"]  # fmt: skip
    supervisor = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True)  # fmt: skip
    try:
        _wait(lambda: _children(supervisor.pid), "the wall process", supervisor, WAIT_S)
        first = _children(supervisor.pid)[0]
        _wait(lambda: [p for p in _children(supervisor.pid) if p != first], "a restarted wall", supervisor, WAIT_S)
        journal = Journal(paths.journal_path())
        events = journal.events()
        journal.close()
        kinds = [kind for kind, *_ in events]
        assert "players-stuck" in kinds and "restart-requested" in kinds, kinds
        restarts = [detail for kind, detail, *_ in events if kind == "restart"]
        assert restarts and "wall asked for a clean restart (stuck players)" in restarts[0], restarts
        wall_log = paths.log_file_path().read_text(encoding="utf-8")
        assert "asking the supervisor for a clean restart" in wall_log and "videowall exits with 75" in wall_log
        supervisor_log = (paths.log_dir() / "supervisor.log").read_text(encoding="utf-8")
        assert "supervisor: wall asked for a clean restart (stuck players)" in supervisor_log
    finally:
        assert _stop(supervisor) == 0
    assert _children(supervisor.pid) == []
