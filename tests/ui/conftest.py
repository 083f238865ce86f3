"""Fixtures for wall tests: a simulator serving solid-colour streams, a catalog of them,
and a wall window wired exactly as the app wires it (real libVLC, real X windows)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from viewer.sim.cameras import Behaviour, SimCamera

COLOUR_TOLERANCE = 60


def catalog_yaml(districts: dict[str, list[tuple[str, str]]], extra: str = "") -> str:
    """districts: id -> [(camera_id, url)]."""
    lines = ["version: 1", "districts:"]
    for d in districts:
        lines += [f"  - id: {d}", f"    name: District {d.upper()}"]
    lines.append("cameras:")
    for d, cams in districts.items():
        for cam_id, url in cams:
            lines += [f"  - id: {cam_id}", f"    name: Camera {cam_id}", f"    district: {d}", f"    url: {url}"]
    return "\n".join(lines) + "\n" + extra


def substream_catalog(main_url: str, sub_url: str, other_url: str | None = None) -> str:
    """Camera ``cam`` with a main stream and a grid sub-stream, and ``other`` beside it."""
    return f"""version: 1
districts:
  - {{id: d1, name: District 1}}
cameras:
  - {{id: cam, name: Cam, district: d1, url: '{main_url}', substream: '{sub_url}'}}
  - {{id: other, name: Other, district: d1, url: '{other_url or sub_url}'}}
"""


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
    from viewer.core.health import HealthConfig
    from viewer.core.journal import Journal
    from viewer.core.outage_rules import OutageRules
    from viewer.core.settings import Settings
    from viewer.core.views import ViewStore
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
        journal = Journal(tmp_path / "journal.sqlite3")
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


def grab_colour(tile) -> tuple[int, int, int]:
    """Mean colour of the centre of what is on screen inside the tile's video surface."""
    from PySide6.QtGui import QGuiApplication

    surface = tile.surface
    image = QGuiApplication.primaryScreen().grabWindow(int(surface.winId())).toImage()
    w, h = image.width(), image.height()
    points = [(fx, fy) for fx in (0.3, 0.5, 0.7) for fy in (0.3, 0.5, 0.7)]
    samples = [image.pixelColor(int(w * fx), int(h * fy)) for fx, fy in points]
    n = len(samples)
    return (
        sum(c.red() for c in samples) // n,
        sum(c.green() for c in samples) // n,
        sum(c.blue() for c in samples) // n,
    )


def close_to(rgb, expected, tolerance: int = COLOUR_TOLERANCE) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))


def save_screenshot(window, path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.primaryScreen().grabWindow(int(window.winId())).save(str(path))


def screen_colours(window) -> list[str]:
    """The colour name (``COLOURS_RGB``) each shown tile of ``window`` has on screen, in layout
    order; the measured RGB as text where it matches none."""
    from tests.conftest import COLOURS_RGB

    names = []
    for tile in window.grid.shown:
        rgb = grab_colour(tile)
        names.append(next((n for n, c in COLOURS_RGB.items() if close_to(rgb, c)), str(rgb)))
    return names
