"""Composition root: the one place that wires core, player and UI together.

``run_wall(args)`` sets up paths and logging, loads settings and the catalog, creates the
QApplication, the libVLC engine, the probe runner, the journal and the first wall window,
and tears everything down in order on exit.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from viewer import __version__, paths
from viewer.core.catalog import Catalog, CatalogError, load_catalog
from viewer.core.constants import SHUTDOWN_GRACE_S
from viewer.core.health import HealthConfig
from viewer.core.journal import Journal
from viewer.core.settings import Settings, load_settings, save_settings
from viewer.core.views import ViewStore
from viewer.log import log_startup, setup_logging
from viewer.ui.outages import OutageRecorder

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the wall windows share. Main thread only."""

    catalog: Catalog
    catalog_label: str
    engine: object
    probes: object
    journal: Journal
    views: ViewStore
    settings: Settings
    health_config: HealthConfig
    outages: OutageRecorder
    kiosk: bool = False
    fleet: object = None  # FleetMonitor, when the background sweep runs
    recorders: object = None  # RecorderCoordinator shared by all windows (None: one per window)
    pictures: object = None  # PictureChecker shared by all windows (None: one per window)
    windows: list = field(default_factory=list)
    _flag_count_pending: bool = False

    def flagged_tiles(self) -> int:
        return sum(1 for w in self.windows for f in w.controller.active_feeds() if f.flag is not None)

    def snapshots_dir(self) -> Path:
        return paths.snapshots_dir()

    def attach_feed(self, feed) -> None:
        """Record every outage of ``feed`` in the journal, the moment it starts and ends, and
        keep the status export's flagged-tile count current on every flag change."""
        self.outages.attach(feed)
        feed.player_stuck.connect(self._journal_stuck_player)
        for signal in (feed.flag_raised, feed.flag_updated, feed.flag_cleared, feed.flag_detached):
            signal.connect(self._count_flags_soon)

    def _journal_stuck_player(self, _feed, camera_id: str, detail: str) -> None:
        self.journal.record_event("player-stuck", f"camera {camera_id or '(none)'}: {detail}", time.time())

    def _count_flags_soon(self, *_args) -> None:
        """Recount once the feed has finished its change (a zero timer; main thread)."""
        if self.fleet is None or self._flag_count_pending:
            return
        from PySide6.QtCore import QTimer

        self._flag_count_pending = True
        QTimer.singleShot(0, self._count_flags)

    def _count_flags(self) -> None:
        self._flag_count_pending = False
        if self.fleet is not None:
            self.fleet.set_flagged_tiles(self.flagged_tiles())

    def inform(self, parent, title: str, text: str) -> None:
        """A message: a dialog normally, the status bar and the log in kiosk mode."""
        log.info("%s: %s", title, text.replace("\n", " | "))
        if self.kiosk:
            parent.statusBar().showMessage(f"{title}: {text.splitlines()[0]}", 15000)
            return
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.information(parent, title, text)

    def show_about(self) -> None:
        from PySide6.QtCore import QCoreApplication

        from viewer.ui.about import about_text

        parent = self.windows[0] if self.windows else None
        self.inform(parent, QCoreApplication.translate("App", "About videowall"), about_text(self.engine.version))


def _health_config(engine) -> HealthConfig:
    return HealthConfig(player_supports_rtsp=engine.supports_scheme("rtsp"))


def engine_options(settings: Settings, args):
    """The player options: a command-line flag, when given, overrides the setting
    (``--network-caching-ms 0`` included: 0 is a value, not "unset")."""
    from viewer.player.base import EngineOptions

    caching = getattr(args, "network_caching_ms", None)
    rtsp_tcp = getattr(args, "rtsp_tcp", None)
    return EngineOptions(
        network_caching_ms=max(0, settings.network_caching_ms if caching is None else caching),
        rtsp_tcp=settings.rtsp_tcp if rtsp_tcp is None else bool(rtsp_tcp),
        rtsp_client=getattr(args, "rtsp_client", None) or settings.rtsp_client,
        software_output=settings.software_video_output,
        tile_decoder_threads=max(0, settings.tile_decoder_threads),
    )


def resolve_catalog_path(args, settings: Settings) -> Path | None:
    for candidate in (getattr(args, "catalog", None), settings.catalog_path, str(paths.default_catalog_path())):
        if candidate and Path(candidate).expanduser().is_file():
            return Path(candidate).expanduser()
    return None


def run_wall(args) -> int:
    from viewer import shutdown_guard
    from viewer.memory_tuning import tune_malloc

    shutdown_guard.block_exit_signals()  # before any thread starts: all inherit the mask
    shutdown_guard.install(_post_exit_signal)
    tune_malloc()  # before libVLC starts its threads
    setup_logging(paths.log_file_path(), logging.DEBUG if getattr(args, "debug", False) else logging.INFO)
    settings_file = paths.settings_path()
    settings, raw_settings = load_settings(settings_file)

    from PySide6.QtWidgets import QApplication

    from viewer.player.base import PlayerUnavailable, create_engine

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from viewer.ui.i18n import install_translators

    install_translators(app, getattr(args, "lang", None) or settings.language)
    app.setApplicationName("videowall")
    app.setApplicationVersion(__version__)
    icon = paths.resource("icons", "videowall.png")
    if icon.is_file():
        from PySide6.QtGui import QIcon

        app.setWindowIcon(QIcon(str(icon)))
    app.setQuitOnLastWindowClosed(True)
    from viewer.ui.heartbeat import start_heartbeat

    start_heartbeat(app)  # first, so a first-run dialog or a slow start counts as alive

    if getattr(args, "selftest", False):
        from viewer.selftest import run_selftest

        return run_selftest(getattr(args, "selftest_url", None), getattr(args, "selftest_user", None))

    from viewer.single_instance import SingleInstance

    instance = app.findChild(SingleInstance)  # already ours when the first-run screen restarts us
    if instance is None:
        instance = SingleInstance(parent=app)
        if not instance.claim(list(getattr(args, "argv", None) or [])):
            return 0  # the running wall was asked to come forward
    kiosk = settings.kiosk if getattr(args, "kiosk", None) is None else bool(args.kiosk)
    screens = settings.screens
    if getattr(args, "screens", None):
        from viewer.core.settings import parse_screens

        try:
            screens = parse_screens(args.screens)
        except ValueError as exc:
            log.error("--screens: %s; opening one window", exc)
            screens = ()

    options = engine_options(settings, args)
    try:
        engine = create_engine(options)
    except PlayerUnavailable as exc:
        log_startup("missing")
        log.critical("%s", exc)
        _fatal(str(exc), kiosk)
        return 1
    log_startup(engine.version)

    catalog_path = resolve_catalog_path(args, settings)
    catalog: Catalog | None = None
    problem = ""
    if catalog_path is not None:
        try:
            catalog = load_catalog(catalog_path, lenient=kiosk)
        except CatalogError as exc:
            problem = str(exc)
            log.error("catalog %s has errors:\n%s", catalog_path, problem)
    elif getattr(args, "catalog", None):
        from PySide6.QtCore import QCoreApplication

        problem = QCoreApplication.translate("App", "{path}: no such file").format(path=args.catalog)
    if catalog is None and kiosk:
        # No dialog on an unattended wall: say it in the log and retry later (the supervisor
        # or the admin fixes the file); exit non-zero so a supervisor restarts us with backoff.
        log.critical("kiosk mode: no usable catalog (%s); exiting", problem or "none configured")
        engine.release()
        return 3
    if catalog is None:
        from viewer.ui.first_run import run_first_run

        chosen = run_first_run(app, problem)
        engine.release()
        if chosen is None:
            return 0 if not problem else 2
        args = replace_catalog(args, chosen)
        return run_wall(args)

    if str(catalog_path) != settings.catalog_path and not getattr(args, "no_remember_catalog", False):
        settings = replace(settings, catalog_path=str(catalog_path))

    from viewer.ui.picture_checker import PictureChecker
    from viewer.ui.probe_runner import ProbeRunner
    from viewer.ui.recorders import RecorderCoordinator
    from viewer.ui.wall_window import WallWindow

    journal = Journal(paths.journal_path())
    journal.record_event("start", f"videowall {__version__}, catalog {catalog_path}", time.time())
    trim_journal(app, journal, settings.journal_retention_days)
    services = Services(
        catalog=catalog,
        catalog_label=catalog_path.name,
        engine=engine,
        probes=ProbeRunner(),
        journal=journal,
        views=ViewStore(paths.views_path()),
        settings=settings,
        health_config=_health_config(engine),
        outages=OutageRecorder(journal, catalog),
        kiosk=kiosk,
        recorders=RecorderCoordinator(),
        pictures=PictureChecker(),
    )
    skipped = [w for w in catalog.warnings if "skipped:" in str(w)]
    for issue in skipped:
        log.error("catalog problem (entry skipped): %s", issue)
    if skipped:
        journal.record_event("catalog", f"{len(skipped)} broken entries skipped: {skipped[0]}", time.time())
    status_server = None
    if not getattr(args, "no_sweep", False):
        from viewer.ui.fleet import FleetMonitor

        services.fleet = FleetMonitor(catalog, journal, services.flagged_tiles, rules=services.outages.rules)
        services.fleet.start()
        if getattr(args, "status_port", None) is not None:
            from viewer.jobs.status_server import StatusServer

            status_server = StatusServer(args.status_port, services.fleet.snapshot)
            try:
                status_server.start()
                log.info("status on http://127.0.0.1:%d/status.json and /metrics", status_server.port)
            except OSError as exc:
                log.error("cannot serve status on port %s: %s", args.status_port, exc)
                status_server = None
    from viewer.ui.player_watch import PlayerWatch

    player_watch = PlayerWatch(app, engine, journal,  # noqa: F841 - lives as long as the app (Qt parent)
                               publish=services.fleet.set_process_figures if services.fleet is not None else None)
    if not engine.supports_scheme("rtsp") and any(c.scheme in ("rtsp", "rtsps") for c in catalog.cameras):
        log.warning("no RTSP client (PyAV missing and no live555 in libVLC): rtsp:// cameras will be "
                    "flagged 'unsupported'")

    def open_window(key: str) -> WallWindow:
        window = WallWindow(services, key)
        window.new_window_requested.connect(lambda: open_window(str(len(services.windows))).show())
        services.windows.append(window)
        return window

    window = open_window("0")
    if screens:
        window.place_on_screen(screens[0])
    else:
        window.restore_geometry(settings.window_geometry)
        if args.screen is not None:
            window.place_on_screen(args.screen)
    window.show()
    initial_view(window, services, args)
    for n, screen_index in enumerate(screens[1:], start=1):  # a multi-monitor wall: one window each
        extra = open_window(str(n))
        extra.place_on_screen(screen_index)
        extra.show()
        initial_view(extra, services, argparse.Namespace(), default_district=n)
    for w in services.windows:
        if kiosk:
            w.enter_kiosk()
        elif args.fullscreen or screens:
            w.toggle_fullscreen()
    if skipped:
        from PySide6.QtCore import QCoreApplication

        skipped_text = QCoreApplication.translate("App", "Catalog: {n} broken entries skipped (see the log): {first}")
        window.statusBar().showMessage(skipped_text.format(n=len(skipped), first=skipped[0]), 60_000)
    instance.activated.connect(lambda _argv: _come_forward(services))
    follow_screens(app, services)
    stop_on_signals(app, lambda: [w.allow_exit() for w in services.windows])
    code = app.exec()
    settings = replace(settings, window_geometry=window.saved_geometry())
    try:
        save_settings(settings_file, settings, raw_settings)
    except OSError as exc:
        log.error("cannot save settings: %s", exc)
    for w in list(services.windows):
        w.controller.close()
    if status_server is not None:
        status_server.stop()
    if services.fleet is not None:
        services.fleet.stop()
    services.outages.close()
    services.pictures.shutdown()
    services.probes.shutdown()
    engine.release()
    journal.record_event("exit", f"exit code {code}", time.time())
    journal.close()
    log.info("videowall exits with %d", code)
    shutdown_guard.exit_soon(SHUTDOWN_GRACE_S, "the journal closed", code)  # no stuck thread keeps it alive
    return code


def _come_forward(services: Services) -> None:
    """A second start: show the running wall instead of opening every stream twice."""
    for window in services.windows:
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()


def follow_screens(app, services: Services) -> None:
    """Monitors unplugged or added: move each wall to a remaining screen, and back to its own
    monitor when it returns. Windows move; their players keep playing."""
    from PySide6.QtCore import QTimer

    from viewer.core.placement import choose_screen

    def rearrange(*_args) -> None:
        screens = {s.name(): s for s in app.screens()}
        primary = app.primaryScreen().name() if app.primaryScreen() else ""
        for window in services.windows:
            # Where the window really is: when its monitor goes, Qt re-parents it to another
            # QScreen at once but leaves it where it was, off every remaining monitor.
            centre = window.frameGeometry().center()
            current = next((name for name, s in screens.items() if s.geometry().contains(centre)), "")
            if not window.preferred_screen:
                window.preferred_screen = current
            target = choose_screen(window.preferred_screen, current, list(screens), primary)
            if target != current and target in screens:
                log.info("display change: wall window moves from %s to %s", current or "?", target)
                window.move_to_screen(screens[target])

    app.screenAdded.connect(lambda _screen: rearrange())
    app.screenRemoved.connect(lambda _screen: QTimer.singleShot(0, rearrange))


#: How often a long-running wall trims its journal to the retention (settings).
JOURNAL_TRIM_INTERVAL_S = 24 * 3600


def trim_journal(app, journal, retention_days: float) -> None:
    """Delete ended outages and events older than ``retention_days`` now and once a day
    (0: keep everything). Main thread, like every other journal write."""
    if retention_days <= 0:
        return
    from PySide6.QtCore import QTimer

    def trim() -> None:
        try:
            journal.prune(time.time() - retention_days * 86400)
        except Exception:  # a locked or damaged journal must not stop the wall
            log.exception("journal: trimming to %g days failed", retention_days)

    trim()
    timer = QTimer(app)
    timer.setInterval(int(JOURNAL_TRIM_INTERVAL_S * 1000))
    timer.timeout.connect(trim)
    timer.start()


_exit_relay = None  # the QObject that carries a SIGTERM/SIGINT to the main thread


def _post_exit_signal(signum: int) -> None:
    """``signal-watch`` thread: only post to the main thread (the exit watchdog is armed)."""
    relay = _exit_relay
    if relay is not None:
        relay.requested.emit(signum)


def stop_on_signals(app, allow_exit=lambda: None) -> None:
    """SIGTERM (systemd, ``kill``) and SIGINT (Ctrl-C) close the wall cleanly: players
    stopped, journal closed, settings saved. The signals are taken by a thread
    (:mod:`viewer.shutdown_guard`), so they work even while the main thread is stuck in C,
    and the process ends within ``SHUTDOWN_GRACE_S`` whatever happens."""
    global _exit_relay
    from PySide6.QtCore import QObject, Qt, QTimer, Signal

    from viewer import shutdown_guard

    class ExitRelay(QObject):
        requested = Signal(int)

    def quit_app(signum: int) -> None:
        log.info("signal %d: closing the wall", signum)
        allow_exit()  # kiosk windows refuse a plain close; Qt 6's quit() asks every window
        QTimer.singleShot(0, app.quit)  # also works when the signal lands before app.exec()

    relay = ExitRelay(app)
    relay.requested.connect(quit_app, Qt.ConnectionType.QueuedConnection)
    _exit_relay = relay
    if not shutdown_guard.install(_post_exit_signal):  # Windows: Python's handlers, as before
        import signal

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: quit_app(number))
        timer = QTimer(app)  # lets Python run its signal handlers while Qt's loop is in C++
        timer.setInterval(250)
        timer.timeout.connect(lambda: None)
        timer.start()


def initial_view(window, services: Services, args, default_district: int = 0) -> None:
    """--view / --district / --layout, else this window's last tour or view, else a district
    (the first; window N of a multi-monitor wall: the N-th)."""
    controller = window.controller
    catalog = services.catalog
    layout = getattr(args, "layout", None)
    if getattr(args, "tour", None):
        if layout:
            controller.set_layout(layout)
        if window.start_tour(args.tour):
            return
        log.error("unknown tour %s; opening the first district", args.tour)
    if getattr(args, "view", None) and window.open_view(args.view):
        if layout:
            controller.set_layout(layout)
        return
    district = getattr(args, "district", None)
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


def replace_catalog(args, path: Path):
    args.catalog = str(path)
    return args


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
