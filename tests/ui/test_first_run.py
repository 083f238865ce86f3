"""No catalog yet: the first-run screen's choice opens the wall (in the same process, with
the single-instance lock it already holds)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import catalog_yaml


def test_catalog_chosen_on_the_first_run_screen_opens_the_wall(qapp, tmp_path, monkeypatch, simulator, clips):
    from viewer.sim.cameras import Behaviour, SimCamera
    from viewer.ui import first_run

    url = simulator.add_http(SimCamera("/red", Behaviour.HEALTHY, clip=clips["red"]))
    chosen = tmp_path / "chosen.yaml"
    chosen.write_text(catalog_yaml({"d1": [("cam-red", url)]}), encoding="utf-8")
    offered = []

    def choose(app, problem=""):
        offered.append(problem)
        return chosen

    monkeypatch.setattr(first_run, "run_first_run", choose)
    seen = []

    def look_and_quit() -> None:
        seen.extend(w for w in QApplication.topLevelWidgets() if w.isVisible() and w.objectName() == "wall")
        QApplication.instance().quit()

    QTimer.singleShot(3000, look_and_quit)
    from viewer.cli import run_cli

    assert run_cli(["--no-sweep"]) == 0
    assert offered == [""]  # no catalog configured: the first-run screen was shown once
    assert seen, "the wall window did not open after the first-run choice"
    from viewer import paths
    from viewer.core.settings import load_settings

    assert load_settings(paths.settings_path())[0].catalog_path == str(chosen)  # remembered for next time
