"""What every wall window shares, and the one function that builds it.

:func:`build_services` is used by the app (``viewer.app``) and by the wall tests
(``tests/ui/conftest.make_wall``), so both wire a window the same way. Main thread only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from viewer import paths
from viewer.core.catalog_model import Catalog
from viewer.core.health_model import HealthConfig
from viewer.core.journal_port import JournalPort, record_event
from viewer.core.outage_rules import OutageRules
from viewer.core.reasons import Reason
from viewer.core.settings import Settings
from viewer.core.views import ViewStore
from viewer.player.base import PlayerEngine
from viewer.ui.outages import OutageReporter
from viewer.ui.picture_checker import PictureChecker
from viewer.ui.probe_runner import ProbeRunner
from viewer.ui.recorders import RecorderCoordinator
from viewer.ui.stream_recorder import StreamRecorder

if TYPE_CHECKING:
    from viewer.ui.fleet import FleetMonitor
    from viewer.ui.wall_window import WallWindow

log = logging.getLogger(__name__)


@dataclass
class Services:
    """Everything the wall windows share. Main thread only.

    ``recorders`` (the NVR open-slot coordinator) and ``pictures`` (the picture-check worker)
    are shared by all windows; ``streams`` collects the figures of the streams on screen and
    writes their per-minute rows; ``fleet`` is the background sweep, None when it is off.
    """

    catalog: Catalog
    catalog_label: str
    engine: PlayerEngine
    probes: ProbeRunner
    journal: JournalPort  # on the wall: viewer.jobs.journal_worker (its own thread)
    views: ViewStore
    settings: Settings
    health_config: HealthConfig
    outages: OutageReporter
    recorders: RecorderCoordinator
    pictures: PictureChecker
    streams: StreamRecorder
    kiosk: bool = False
    fleet: FleetMonitor | None = None
    windows: list[WallWindow] = field(default_factory=list)
    _flag_count_pending: bool = False

    def flagged_tiles(self) -> int:
        """Tiles flagged as not showing pictures (a degraded one still shows them: not counted)."""
        return sum(1 for w in self.windows for f in w.controller.active_feeds()
                   if f.flag is not None and f.flag.reason is not Reason.DEGRADED)

    def cameras_on_screen(self) -> set[str]:
        """Cameras shown or pre-rolled in any window (the quality sampler leaves them alone)."""
        return {f.camera.id for w in self.windows for f in w.controller.running_feeds()}

    def snapshots_dir(self) -> Path:
        return paths.snapshots_dir()

    def attach_feed(self, feed) -> None:
        """Record every outage of ``feed`` in the journal, the moment it starts and ends, and
        keep the status export's flagged-tile count current on every flag change."""
        self.outages.attach(feed)
        self.streams.attach(feed)
        feed.player_stuck.connect(self._journal_stuck_player)
        for signal in (feed.flag_raised, feed.flag_updated, feed.flag_cleared, feed.flag_detached):
            signal.connect(self._count_flags_soon)

    def _journal_stuck_player(self, _feed, camera_id: str, detail: str) -> None:
        record_event(self.journal, "player-stuck", f"camera {camera_id or '(none)'}: {detail}", time.time())

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

    def close(self) -> None:
        """Stop the shared workers (sweep, outage bookkeeping, stream figures, picture checks,
        probes), in that order, after the windows' controllers have closed. The engine and the journal belong
        to whoever built the services: they release and close them afterwards."""
        if self.fleet is not None:
            self.fleet.stop()
        self.outages.close()
        self.streams.close()
        self.pictures.shutdown()
        self.probes.shutdown()


def health_config_for(engine: PlayerEngine, settings: Settings) -> HealthConfig:
    """The feeds' health rules: what ``engine`` can play, the settings' degraded threshold."""
    return HealthConfig(player_supports_rtsp=engine.supports_scheme("rtsp"),
                        degraded_fps_ratio=settings.degraded_fps_percent / 100)


def build_services(
    catalog: Catalog,
    catalog_label: str,
    engine: PlayerEngine,
    journal: JournalPort,
    views: ViewStore,
    settings: Settings,
    *,
    kiosk: bool = False,
    health_config: HealthConfig | None = None,
    outage_rules: OutageRules | None = None,
) -> Services:
    """The services of a wall on ``catalog``: one probe runner, outage reporter, stream
    recorder, NVR coordinator and picture checker for all its windows. ``health_config``
    defaults to what ``engine`` can play and the settings' degraded threshold;
    ``outage_rules`` to the journal's rules with the settings' ``recovery_confirm_s``."""
    return Services(
        catalog=catalog,
        catalog_label=catalog_label,
        engine=engine,
        probes=ProbeRunner(),
        journal=journal,
        views=views,
        settings=settings,
        health_config=health_config or health_config_for(engine, settings),
        outages=OutageReporter(journal, outage_rules or OutageRules(confirm_s=settings.recovery_confirm_s)),
        recorders=RecorderCoordinator(),
        pictures=PictureChecker(),
        streams=StreamRecorder(journal),
        kiosk=kiosk,
    )
