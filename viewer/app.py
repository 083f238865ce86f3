"""Composition root: the one place that wires core, player and UI together.

``run_wall(options)`` takes the parsed command line (:class:`viewer.options.WallOptions`)
and runs the wall in named phases: prepare the process (signals, malloc, logging,
settings), start Qt, claim the single instance, load the catalog or ask for one (a loop
around the first-run screen), build the shared services (``viewer.ui.services``), start
the background jobs, open the windows, and shut everything down in order on exit.
Main thread only.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from viewer import __version__, paths
from viewer.core.catalog import load_catalog
from viewer.core.catalog_model import Catalog, CatalogError
from viewer.core.constants import SHUTDOWN_GRACE_S
from viewer.core.journal_port import record_event
from viewer.core.settings import Settings, load_settings, save_settings
from viewer.core.views import ViewStore
from viewer.exit_signals import post_exit_signal, stop_on_signals
from viewer.journal_upkeep import trim_journal, trim_stream_minutes
from viewer.log import log_startup, setup_logging
from viewer.options import WallOptions
from viewer.ui.services import Services

log = logging.getLogger(__name__)


def sampler_options(settings: Settings):
    """The wall's quality samples from the settings; None while ``sample_budget_mbps`` is 0."""
    if settings.sample_budget_mbps <= 0:
        return None
    from viewer.jobs.sampler import SamplerOptions

    return SamplerOptions(budget_mbps=settings.sample_budget_mbps, seconds=settings.sample_seconds,
                          concurrency=settings.sample_concurrency, every_s=settings.sample_every_s,
                          tcp=settings.rtsp_tcp)  # fmt: skip


def engine_options(settings: Settings, options: WallOptions):
    """The player options: a command-line flag, when given, overrides the setting
    (``--network-caching-ms 0`` included: 0 is a value, not "unset")."""
    from viewer.player.base import EngineOptions

    caching = options.network_caching_ms
    rtsp_tcp = options.rtsp_tcp
    return EngineOptions(
        network_caching_ms=max(0, settings.network_caching_ms if caching is None else caching),
        rtsp_tcp=settings.rtsp_tcp if rtsp_tcp is None else bool(rtsp_tcp),
        rtsp_client=options.rtsp_client or settings.rtsp_client,
        rtsps_ca_file=settings.rtsps_ca_file,
        software_output=settings.software_video_output,
        tile_decoder_threads=max(0, settings.tile_decoder_threads),
    )


def resolve_catalog_path(options: WallOptions, settings: Settings) -> Path | None:
    """``--catalog``, else the remembered catalog, else the default one: the first that exists."""
    for candidate in (options.catalog, settings.catalog_path, str(paths.default_catalog_path())):
        if candidate and Path(candidate).expanduser().is_file():
            return Path(candidate).expanduser()
    return None


def run_wall(options: WallOptions) -> int:
    """The wall, phase by phase: prepare the process, start Qt, claim the single instance,
    load the catalog (or ask for one on the first-run screen, as often as it takes), build
    the services, start the background jobs, open the windows, run, shut down in order."""
    settings_file = paths.settings_path()
    settings, raw_settings = _prepare_process(options, settings_file)
    app = _start_qt(options, settings)
    if options.selftest:
        from viewer.selftest import run_selftest

        return run_selftest(options.selftest_url, options.selftest_user)
    instance = _claim_single_instance(app, options)
    if instance is None:
        return 0  # the running wall was asked to come forward
    kiosk = settings.kiosk if options.kiosk is None else bool(options.kiosk)
    screens = _screens(options, settings)
    while True:  # until a catalog loads; the first-run screen may choose one
        engine = _create_engine(options, settings, kiosk)
        if engine is None:
            return 1
        catalog_path, catalog, problem = _load_catalog(options, settings, kiosk)
        if catalog is not None:
            break
        engine.release()
        if kiosk:
            # No dialog on an unattended wall: say it in the log and retry later (the supervisor
            # or the admin fixes the file); exit non-zero so a supervisor restarts us with backoff.
            log.critical("kiosk mode: no usable catalog (%s); exiting", problem or "none configured")
            return 3
        from viewer.ui.first_run import run_first_run

        chosen = run_first_run(app, problem)
        if chosen is None:
            return 0 if not problem else 2
        options = replace(options, catalog=str(chosen))

    if str(catalog_path) != settings.catalog_path and not options.no_remember_catalog:
        settings = replace(settings, catalog_path=str(catalog_path))
    services, skipped = _build_wall_services(app, options, settings, kiosk, engine, catalog, catalog_path)
    status_server = _start_background_jobs(app, options, services)
    window = _open_windows(app, options, services, screens, skipped)
    instance.activated.connect(lambda _argv: _come_forward(services))
    code = app.exec()
    _shut_down(services, status_server, window, settings, settings_file, raw_settings, code)
    return code


def _prepare_process(options: WallOptions, settings_file: Path):
    """Exit signals, malloc tuning and logging (before any thread starts); the settings."""
    from viewer import shutdown_guard
    from viewer.memory_tuning import tune_malloc

    shutdown_guard.block_exit_signals()  # before any thread starts: all inherit the mask
    shutdown_guard.install(post_exit_signal)
    tune_malloc()  # before libVLC starts its threads
    setup_logging(paths.log_file_path(), logging.DEBUG if options.debug else logging.INFO)
    return load_settings(settings_file)


def _start_qt(options: WallOptions, settings: Settings):
    """The QApplication (the one there is, or a new one), its translators, icon and heartbeat."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from viewer.ui.i18n import install_translators

    install_translators(app, options.lang or settings.language)
    app.setApplicationName("videowall")
    app.setApplicationVersion(__version__)
    icon = paths.resource("icons", "videowall.png")
    if icon.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    app.setQuitOnLastWindowClosed(True)
    from viewer.ui.main_thread_gc import MainThreadGarbageCollector

    if app.findChild(MainThreadGarbageCollector) is None:  # closed windows freed here, never on a worker
        MainThreadGarbageCollector(app)
    from viewer.ui.heartbeat import start_heartbeat

    start_heartbeat(app)  # first, so a first-run dialog or a slow start counts as alive
    return app


def _claim_single_instance(app, options: WallOptions):
    """This process's SingleInstance, or None when another wall runs (it was asked forward)."""
    from viewer.single_instance import SingleInstance

    instance = app.findChild(SingleInstance)  # already ours when an earlier run_wall claimed it
    if instance is None:
        instance = SingleInstance(parent=app)
        if not instance.claim(list(options.argv)):
            return None
    return instance


def _screens(options: WallOptions, settings: Settings) -> tuple[int, ...]:
    """The monitors of a multi-monitor wall: ``--screens``, else the setting."""
    if not options.screens:
        return tuple(settings.screens)
    from viewer.core.settings import parse_screens

    try:
        return tuple(parse_screens(options.screens))
    except ValueError as exc:
        log.error("--screens: %s; opening one window", exc)
        return ()


def _create_engine(options: WallOptions, settings: Settings, kiosk: bool):
    """The libVLC engine, or None after telling a person why there is none."""
    from viewer.player.base import PlayerUnavailable, create_engine

    try:
        engine = create_engine(engine_options(settings, options))
    except PlayerUnavailable as exc:
        log_startup("missing")
        log.critical("%s", exc)
        _fatal(str(exc), kiosk)
        return None
    log_startup(engine.version)
    return engine


def _load_catalog(options: WallOptions, settings: Settings, kiosk: bool) -> tuple[Path | None, Catalog | None, str]:
    """(path, catalog, problem): the catalog to show, or None and what is wrong ("" when no
    catalog is configured at all). A kiosk loads leniently (broken entries skipped)."""
    catalog_path = resolve_catalog_path(options, settings)
    if catalog_path is not None:
        try:
            return catalog_path, load_catalog(catalog_path, lenient=kiosk), ""
        except CatalogError as exc:
            log.error("catalog %s has errors:\n%s", catalog_path, exc)
            return catalog_path, None, str(exc)
    if options.catalog:
        from PySide6.QtCore import QCoreApplication

        return None, None, QCoreApplication.translate("App", "{path}: no such file").format(path=options.catalog)
    return None, None, ""


def _build_wall_services(app, options: WallOptions, settings: Settings, kiosk: bool, engine, catalog: Catalog,
                         catalog_path: Path):
    """The journal (on its own thread: started, trimmed) and the shared services; the
    catalog's skipped entries."""
    from viewer.jobs.journal_worker import JournalWorker
    from viewer.ui.services import build_services

    journal = JournalWorker(paths.journal_path())  # opens (creates, migrates) before returning
    record_event(journal, "start", f"videowall {__version__}, catalog {catalog_path}", time.time())
    trim_journal(app, journal, settings.journal_retention_days)
    trim_stream_minutes(app, journal, settings.stream_minutes_retention_days)
    services = build_services(catalog, catalog_path.name, engine, journal, ViewStore(paths.views_path()), settings,
                              kiosk=kiosk)
    skipped = [w for w in catalog.warnings if "skipped:" in str(w)]
    for issue in skipped:
        log.error("catalog problem (entry skipped): %s", issue)
    if skipped:
        record_event(journal, "catalog", f"{len(skipped)} broken entries skipped: {skipped[0]}", time.time())
    return services, skipped


def _start_background_jobs(app, options: WallOptions, services: Services):
    """The fleet sweep (unless ``--no-sweep``), its status server (``--status-port``) and the
    player watch. Returns the status server, or None."""
    status_server = None
    if not options.no_sweep:
        from viewer.ui.fleet import FleetMonitor

        services.fleet = FleetMonitor(services.catalog, services.journal, services.flagged_tiles,
                                      rules=services.outages.rules, sampling=sampler_options(services.settings),
                                      # (pruned by trim_stream_minutes, whatever wrote them)
                                      on_screen=services.cameras_on_screen)  # fmt: skip
        services.fleet.start()
        services.streams.publish_to = services.fleet.set_stream_figures
        if options.status_port is not None:
            from viewer.jobs.status_server import StatusServer

            status_server = StatusServer(options.status_port, services.fleet.snapshot)
            try:
                status_server.start()
                log.info("status on http://127.0.0.1:%d/status.json and /metrics", status_server.port)
            except OSError as exc:
                log.error("cannot serve status on port %s: %s", options.status_port, exc)
                status_server = None
    from viewer.ui.player_watch import PlayerWatch

    PlayerWatch(app, services.engine, services.journal,  # lives as long as the app (Qt parent)
                publish=services.fleet.set_process_figures if services.fleet is not None else None)
    if not services.engine.supports_scheme("rtsp") and any(
            c.scheme in ("rtsp", "rtsps") for c in services.catalog.cameras):
        log.warning("no RTSP client (PyAV missing and no live555 in libVLC): rtsp:// cameras will be "
                    "flagged 'unsupported'")
    return status_server


def _open_windows(app, options: WallOptions, services: Services, screens: tuple[int, ...], skipped: list):
    """The first wall window (and one per further monitor), placed, shown, on their first
    view; kiosk or fullscreen as asked. Returns the first window."""
    from viewer.ui.wall_window import WallWindow
    from viewer.ui.window_screens import follow_screens

    def open_window(key: str) -> WallWindow:
        window = WallWindow(services, key)
        window.new_window_requested.connect(lambda: open_window(str(len(services.windows))).show())
        services.windows.append(window)
        return window

    window = open_window("0")
    if screens:
        window.place_on_screen(screens[0])
    else:
        window.restore_geometry(services.settings.window_geometry)
        if options.screen is not None:
            window.place_on_screen(options.screen)
    window.show()
    initial_view(window, services, options)
    for n, screen_index in enumerate(screens[1:], start=1):  # a multi-monitor wall: one window each
        extra = open_window(str(n))
        extra.place_on_screen(screen_index)
        extra.show()
        initial_view(extra, services, WallOptions(), default_district=n)
    for w in services.windows:
        if services.kiosk:
            w.enter_kiosk()
        elif options.fullscreen or screens:
            w.toggle_fullscreen()
    if skipped:
        from PySide6.QtCore import QCoreApplication

        skipped_text = QCoreApplication.translate("App", "Catalog: {n} broken entries skipped (see the log): {first}")
        window.statusBar().showMessage(skipped_text.format(n=len(skipped), first=skipped[0]), 60_000)
    follow_screens(app, services)
    stop_on_signals(app, lambda: [w.allow_exit() for w in services.windows])
    return window


def _shut_down(services: Services, status_server, window, settings: Settings, settings_file: Path, raw_settings,
               code: int) -> None:
    """Save the settings, close the windows' players, stop the jobs and workers, release
    libVLC, close the journal; the process then ends within ``SHUTDOWN_GRACE_S``."""
    from viewer import shutdown_guard

    settings = replace(settings, window_geometry=window.saved_geometry())
    try:
        save_settings(settings_file, settings, raw_settings)
    except OSError as exc:
        log.error("cannot save settings: %s", exc)
    services.streams.close()  # the last samples while every feed still has its camera
    for w in list(services.windows):
        w.controller.close()
    if status_server is not None:
        status_server.stop()
    services.close()
    services.engine.release()
    record_event(services.journal, "exit", f"exit code {code}", time.time())
    services.journal.close()  # writes what is queued (at most JOURNAL_CLOSE_TIMEOUT_S)
    log.info("videowall exits with %d", code)
    shutdown_guard.exit_soon(SHUTDOWN_GRACE_S, "the journal closed", code)  # no stuck thread keeps it alive


def _come_forward(services: Services) -> None:
    """A second start: show the running wall instead of opening every stream twice."""
    for window in services.windows:
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()


def initial_view(window, services: Services, options: WallOptions, default_district: int = 0) -> None:
    """--view / --district / --layout, else this window's last tour or view, else a district
    (the first; window N of a multi-monitor wall: the N-th)."""
    controller = window.controller
    catalog = services.catalog
    layout = options.layout
    if options.tour:
        if layout:
            controller.set_layout(layout)
        if window.start_tour(options.tour):
            return
        log.error("unknown tour %s; opening the first district", options.tour)
    if options.view and window.open_view(options.view):
        if layout:
            controller.set_layout(layout)
        return
    district = options.district
    if district:
        try:
            catalog.district(district)
        except KeyError:
            log.error("unknown district %s", district)
            district = None
    last_tour = services.views.last_tour(window.window_key)
    if district is None and last_tour and window.start_tour(last_tour):
        if layout:
            controller.set_layout(layout)
        return
    last = services.views.last_session(window.window_key)
    if district is None and last is not None and all(
        c is None or _known(catalog, c) for c in last.cameras
    ):
        controller.show_view(last)
        if layout:
            controller.set_layout(layout)
        return
    if district is None and catalog.districts:
        district = catalog.districts[min(default_district, len(catalog.districts) - 1)].id
    if district is not None:
        controller.show_district(district, 0, layout or None)


def _known(catalog: Catalog, camera_id: str) -> bool:
    try:
        catalog.camera(camera_id)
    except KeyError:
        return False
    return True


def _fatal(text: str, kiosk: bool = False) -> None:
    """Tell a person that the wall cannot start (a dialog if a screen exists; never in kiosk
    mode, where nobody may be there to close it and the supervisor must see the exit)."""
    print(f"videowall: {text}", file=sys.stderr)
    log.critical("cannot start: %s", text)
    if os.environ.get("VIDEOWALL_NO_DIALOGS") or kiosk:
        return
    try:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.critical(None, "videowall", text)
    except Exception:
        pass
