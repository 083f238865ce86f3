"""Fixtures for wall tests: solid-colour streams from the simulator and a wall window wired
as the app wires it (``build_services``; real libVLC, real X windows). Helpers (catalog
text, screen colours) live in ``tests/support``."""

from __future__ import annotations

import time

import pytest

from viewer.sim.cameras import Behaviour, SimCamera


@pytest.fixture
def colour_streams(simulator, clips):
    """name -> http URL of a live stream of that solid colour (or pattern)."""

    def add(name: str, path: str | None = None) -> str:
        cam = SimCamera(path or f"/{name}-{time.monotonic_ns()}", Behaviour.HEALTHY, clip=clips[name])
        return simulator.add_http(cam)

    return add


@pytest.fixture
def make_wall(qtbot, tmp_path):
    """Build a WallWindow for a catalog text; closes it (and its players) afterwards."""
    from viewer.core.catalog import load_catalog
    from viewer.core.health_model import HealthConfig
    from viewer.core.outage_rules import OutageRules
    from viewer.core.settings import Settings
    from viewer.core.views import ViewStore
    from viewer.jobs.journal_worker import JournalWorker
    from viewer.player.base import create_engine
    from viewer.ui.services import build_services
    from viewer.ui.wall_window import WallWindow

    created = []

    def build(
        text: str,
        health: HealthConfig | None = None,
        sweep_interval_s: float | None = None,
        recovery_confirm_s: float = 2.0,
        engine=None,
        settings: Settings | None = None,
    ) -> WallWindow:
        """``recovery_confirm_s``: the journal's hysteresis (short, so tests need not wait the
        production ``RECOVERY_CONFIRM_S``). ``engine``: another PlayerEngine (e.g. a
        GuardedEngine around a player double). ``settings``: instead of the defaults."""
        path = tmp_path / "catalog.yaml"
        path.write_text(text, encoding="utf-8")
        catalog = load_catalog(path)
        engine = engine or create_engine()
        journal = JournalWorker(tmp_path / "journal.sqlite3")  # the wall's: its own thread
        services = build_services(
            catalog, path.name, engine, journal, ViewStore(tmp_path / "views.json"), settings or Settings(),
            kiosk=True,  # no modal dialogs in tests
            health_config=health, outage_rules=OutageRules(confirm_s=recovery_confirm_s),
        )
        if sweep_interval_s is not None:
            from viewer.ui.fleet import FleetMonitor

            services.fleet = FleetMonitor(catalog, journal, services.flagged_tiles, interval_s=sweep_interval_s,
                                          rules=services.outages.rules)
            services.fleet.start()
            services.streams.publish_to = services.fleet.set_stream_figures
        window = WallWindow(services)
        services.windows.append(window)
        qtbot.addWidget(window)
        window.resize(1000, 700)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # window shortcuts (PgDn, Esc …) need an active window
        created.append((window, services))
        return window

    yield build
    for window, services in created:
        window.allow_exit()  # kiosk windows ignore a plain close
        window.close()
        services.close()
        services.engine.release()
        services.journal.close()
