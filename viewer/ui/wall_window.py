"""A wall window: the tile grid, the district tree with search, toolbar, menus, status bar.

Several windows can run at once (one per monitor), each with its own view; they share
the catalog, the libVLC engine, the probe runner and the journal. Main thread only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QStyle,
    QWidget,
)

from viewer.core.layouts import MENU_LAYOUTS
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_url
from viewer.core.tour import BUILTIN_TOUR_ID
from viewer.ui.ack_editor import AckEditor
from viewer.ui.captions import bandwidth_text, figures_lines
from viewer.ui.flag_panel import FlagPanel
from viewer.ui.navigator import Navigator
from viewer.ui.reason_strings import reason_text, state_text, storm_text
from viewer.ui.status_board import StatusBoard
from viewer.ui.tour_controller import TourController
from viewer.ui.wall_controller import WallController
from viewer.ui.wall_grid import WallGrid
from viewer.ui.window_screens import WindowScreens

log = logging.getLogger(__name__)


class WallWindow(WindowScreens, QMainWindow):
    """``services`` is the app's :class:`viewer.app.Services` bundle (catalog, engine …).
    Monitors, fullscreen, kiosk and saved geometry: :class:`WindowScreens`."""

    closed = Signal(object)
    new_window_requested = Signal()

    def __init__(self, services, window_key: str = "0", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.window_key = window_key
        self.setObjectName("wall")
        self.setWindowTitle(self.tr("videowall — {name}").format(name=services.catalog_label))
        self.grid = WallGrid(self)
        self.setCentralWidget(self.grid)
        self.controller = WallController(
            self.grid,
            services.catalog,
            services.engine,
            services.probes,
            services.health_config,
            on_feed_created=services.attach_feed,
            known_flag=services.outages.known_flag,
            recorders=services.recorders,
            pictures=services.pictures,
            parent=self,
        )
        self.controller.maximiser.keep_substream = services.settings.keep_substream_when_maximised
        self.controller.neighbours.max_tiles = services.settings.neighbour_preroll_tiles
        self.tour = TourController(
            self.controller, services.views, idle_resume_s=services.settings.tour_idle_resume_s,
            window_key=window_key, parent=self,
        )
        self.preferred_screen = ""  # the monitor this wall belongs on (it returns there after an unplug)
        self._exit_allowed = False
        self.navigator = Navigator(services.catalog, self)
        self.nav_dock = QDockWidget(self.tr("Cameras"), self)
        self.nav_dock.setObjectName("cameras")
        self.nav_dock.setWidget(self.navigator)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.nav_dock)
        self.flag_panel = FlagPanel(services, self)
        self.flag_dock = QDockWidget(self.tr("Flagged feeds"), self)
        self.flag_dock.setObjectName("flagged")
        self.flag_dock.setWidget(self.flag_panel)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.flag_dock)
        self.board = None
        self._fleet_shown: dict = {}  # district id -> the DistrictSummary on screen
        if services.fleet is not None:
            self.board = StatusBoard(self)
            self.board_dock = QDockWidget(self.tr("Districts at a glance"), self)
            self.board_dock.setObjectName("districts")
            self.board_dock.setWidget(self.board)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.board_dock)
            self.tabifyDockWidget(self.flag_dock, self.board_dock)
            self.flag_dock.raise_()
            self.board.district_clicked.connect(self.open_district)
            services.fleet.summaries_changed.connect(self._fleet_summaries)
            self._fleet_summaries(services.fleet.summaries)
        self.resizeDocks([self.flag_dock], [160], Qt.Orientation.Vertical)
        self.status_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.status_label)
        self.bandwidth_label = QLabel(self)  # the wall's incoming bandwidth (stream figures)
        self.bandwidth_label.setToolTip(self.tr("Incoming bandwidth of the streams on screen"))
        self.statusBar().addPermanentWidget(self.bandwidth_label)
        self.ack_editor = AckEditor(self)
        self.statusBar().addPermanentWidget(self.ack_editor, 1)
        self._build_toolbar()
        self._build_menus()
        self._build_shortcuts()
        self._connect()
        self.resize(1280, 800)

    # --- construction ---------------------------------------------------------------
    def _build_toolbar(self) -> None:
        bar = self.addToolBar(self.tr("Wall"))
        bar.setObjectName("wall-toolbar")
        self.layout_box = QComboBox(self)
        self.layout_box.addItems(list(MENU_LAYOUTS))
        self.layout_box.setToolTip(self.tr("Layout"))
        self.layout_box.activated.connect(lambda i: self.set_layout(self.layout_box.itemText(i)))
        bar.addWidget(self.layout_box)
        self.act_prev = bar.addAction(self.tr("◀ Page"), lambda: self.controller.step_page(-1))
        self.act_next = bar.addAction(self.tr("Page ▶"), lambda: self.controller.step_page(1))
        self.page_label = QLabel(self)
        bar.addWidget(self.page_label)
        bar.addSeparator()
        style = self.style()
        self.act_tour_prev = bar.addAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward),
                                           self.tr("Previous tour page"), self.tour.previous)
        self.act_tour_pause = bar.addAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaPause),
                                            self.tr("Pause / resume the tour (Space)"), self.toggle_tour_pause)
        self.act_tour_next = bar.addAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward),
                                           self.tr("Next tour page"), self.tour.next)
        self.tour_label = QLabel(self)
        bar.addWidget(self.tour_label)
        bar.addSeparator()
        bar.addAction(self.tr("Reconnect all"), lambda: self.controller.reconnect(None))
        self.act_fullscreen = bar.addAction(self.tr("Fullscreen"), self.toggle_fullscreen)

    def _build_menus(self) -> None:
        menu_file = self.menuBar().addMenu(self.tr("&File"))
        menu_file.addAction(self.tr("New wall window"), self.new_window_requested.emit)
        menu_file.addSeparator()
        menu_file.addAction(self.tr("&Quit"), self.request_quit, QKeySequence.StandardKey.Quit)
        self.menu_view = self.menuBar().addMenu(self.tr("&View"))
        layouts = self.menu_view.addMenu(self.tr("Layout"))
        group = QActionGroup(self)
        self.layout_actions: dict[str, QAction] = {}
        for spec in MENU_LAYOUTS:
            action = QAction(spec, self, checkable=True)
            action.triggered.connect(lambda _=False, s=spec: self.set_layout(s))
            group.addAction(action)
            layouts.addAction(action)
            self.layout_actions[spec] = action
        self.menu_view.addAction(self.tr("Fullscreen"), self.toggle_fullscreen, QKeySequence(Qt.Key.Key_F11))
        self.menu_view.addAction(self.nav_dock.toggleViewAction())
        self.menu_view.addAction(self.flag_dock.toggleViewAction())
        menu_file.insertAction(menu_file.actions()[1], QAction(self.tr("Export outages (CSV)…"), self,
                                                              triggered=self.flag_panel.export_dialog))
        self.act_evaluation = QAction(self.tr("Network evaluation…"), self, triggered=self.show_evaluation,
                                      shortcut=QKeySequence("Ctrl+Shift+E"))
        self.addAction(self.act_evaluation)  # the shortcut works with the menu bar hidden (kiosk)
        menu_file.insertAction(menu_file.actions()[2], self.act_evaluation)
        self.menu_views = self.menuBar().addMenu(self.tr("&Saved views"))
        self.menu_views.aboutToShow.connect(self._fill_views_menu)
        self.menu_districts = self.menuBar().addMenu(self.tr("&Districts"))
        for district in self.services.catalog.districts:
            self.menu_districts.addAction(district.name, lambda d=district.id: self.open_district(d))
        self.menu_tours = self.menuBar().addMenu(self.tr("&Tours"))
        self.menu_tours.addAction(self.tr("All districts"), lambda: self.start_tour(BUILTIN_TOUR_ID))
        for tour in self.services.catalog.tours:
            self.menu_tours.addAction(tour.name, lambda t=tour.id: self.start_tour(t))
        self.menu_tours.addSeparator()
        self.menu_tours.addAction(self.tr("Pause / resume"), self.toggle_tour_pause, QKeySequence(Qt.Key.Key_Space))
        self.menu_tours.addAction(self.tr("Stop tour"), self.tour.stop)
        menu_help = self.menuBar().addMenu(self.tr("&Help"))
        menu_help.addAction(self.tr("About videowall"), self.services.show_about)

    def show_evaluation(self):
        """Open (or raise) the Network evaluation window over the wall; the wall keeps playing."""
        from viewer.ui.evaluation_window import EvaluationWindow

        window = getattr(self, "evaluation_window", None)
        if window is None:
            window = self.evaluation_window = EvaluationWindow(self.services, self)
        window.show()
        window.raise_()
        window.activateWindow()
        window.evaluate_if_empty()  # the last 7 days at once, on a worker thread
        return window

    def _build_shortcuts(self) -> None:
        keys = {
            Qt.Key.Key_PageDown: lambda: self.controller.step_page(1),
            Qt.Key.Key_PageUp: lambda: self.controller.step_page(-1),
            Qt.Key.Key_Escape: self.escape,
            Qt.Key.Key_BracketRight: lambda: self._cycle_layout(1),
            Qt.Key.Key_BracketLeft: lambda: self._cycle_layout(-1),
            Qt.Key.Key_F5: lambda: self.controller.reconnect(None),
        }
        for n in range(1, 9):
            keys[getattr(Qt.Key, f"Key_{n}")] = lambda n=n: self.set_layout(f"{n}x{n}")
        self._shortcuts = []
        exit_keys = QShortcut(QKeySequence(self.services.settings.kiosk_exit_keys), self)
        exit_keys.activated.connect(self.kiosk_exit)
        self._shortcuts.append(exit_keys)
        for key, slot in keys.items():
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

    def _connect(self) -> None:
        self.navigator.camera_activated.connect(self.show_camera)
        self.navigator.district_activated.connect(self.open_district)
        self.controller.view_changed.connect(self._view_changed)
        self.controller.feeds_changed.connect(self._update_status)
        self.controller.feeds_changed.connect(self.flag_panel.refresh)
        self.controller.tile_created.connect(self._connect_tile)
        self.controller.recorders.storms_changed.connect(self._update_status)
        self.flag_panel.jump_requested.connect(self._jump_to)
        self.flag_panel.acknowledge_requested.connect(lambda window, index: window.begin_acknowledge(index))
        self.ack_editor.submitted.connect(self._acknowledge)
        self.controller.acknowledgement = self.services.outages.acknowledgement
        self.tour.status_changed.connect(self._tour_status)
        streams = getattr(self.services, "streams", None)
        if streams is not None:
            streams.figures_changed.connect(self._figures_changed)

    def _figures_changed(self, kbps: float) -> None:
        """Every second: the bandwidth in the status bar. Captions do not show the figures;
        the tiles' tooltips do, built when shown (``Tile.tooltip_source``)."""
        self.bandwidth_label.setText(f"↓ {bandwidth_text(kbps)}")

    def _connect_tile(self, tile) -> None:
        tile.double_clicked.connect(self._tile_double_clicked)
        tile.camera_dropped.connect(self._tile_dropped)
        tile.action_requested.connect(self._tile_action)

    def _tile_double_clicked(self, tile_index: int) -> None:
        position = self.controller.position_of(tile_index)
        if position is not None:
            self.controller.toggle_maximise(position)

    def _tile_dropped(self, tile_index: int, camera_id: str) -> None:
        position = self.controller.position_of(tile_index)
        if position is not None:
            self.controller.put_camera(position, camera_id)

    def _tile_action(self, tile_index: int, key: str) -> None:
        position = self.controller.position_of(tile_index)
        if position is not None:
            self.tile_action(position, key)

    # --- operator actions -----------------------------------------------------------
    def show_camera(self, camera_id: str) -> None:
        """Put a camera on the wall: on its tile if shown, else on the first empty tile, else tile 0."""
        view = self.controller.view
        cams = list(view.padded())
        if camera_id in cams:
            index = cams.index(camera_id)
        elif None in cams:
            index = cams.index(None)
        else:
            index = 0
        self.controller.put_camera(index, camera_id)

    def open_district(self, district_id: str) -> None:
        """The operator picked a district: it replaces the wall (and pauses a running tour)."""
        self.controller.operator_acted.emit()
        self.controller.show_district(district_id, 0)
        self.controller.refresh_neighbours()

    def start_tour(self, tour_id: str) -> bool:
        return self.tour.start(tour_id)

    def toggle_tour_pause(self) -> None:
        self.tour.toggle_pause()

    def begin_acknowledge(self, index: int) -> None:
        """The operator acknowledges the flagged feed at layout position ``index``: the inline
        editor asks for an optional note or ticket number (no dialog: kiosk walls too)."""
        feed = self.controller.feed_at(index)
        if feed.camera is None or feed.flag is None:
            self.statusBar().showMessage(self.tr("This tile is not flagged: nothing to acknowledge"), 8000)
            return
        self.ack_editor.begin(feed.camera.id, feed.camera.name)

    def _acknowledge(self, camera_id: str, note: str) -> None:
        ack = self.services.outages.acknowledge(camera_id, note)
        if ack is None:
            text = self.tr("{camera}: no open outage to acknowledge (it has recovered)")
        else:
            text = self.tr("{camera}: reported to the technical team by {by}")
        try:
            name = self.services.catalog.camera(camera_id).name
        except KeyError:
            name = camera_id
        self.statusBar().showMessage(text.format(camera=name, by=ack.by if ack else ""), 10000)
        for window in self.services.windows:
            window.controller.refresh_captions()
            window.flag_panel.refresh()

    def _snapshot_done(self, path) -> None:
        """Main thread: an operator's snapshot finished (``path``) or failed (None)."""
        self.statusBar().showMessage(
            self.tr("Snapshot saved: {path}").format(path=path) if path else self.tr("Snapshot failed"), 8000
        )

    def tile_action(self, index: int, key: str) -> None:
        """``index`` is a layout position."""
        feed = self.controller.feed_at(index)
        if key == "acknowledge":
            self.begin_acknowledge(index)
        elif key == "reconnect":
            feed.reconnect()
        elif key == "snapshot":
            if not self.controller.snapshot(index, self.services.snapshots_dir(), self._snapshot_done):
                self._snapshot_done(None)
        elif key == "copy_id" and feed.camera is not None:
            QGuiApplication.clipboard().setText(feed.camera.id)
        elif key == "maximise":
            self.controller.toggle_maximise(index)
        elif key == "clear":
            self.controller.clear_position(index)
        elif key == "details" and feed.camera is not None:
            cam = feed.camera
            flag = feed.flag
            lines = [
                self.tr("Camera: {id} — {name}").format(id=cam.id, name=cam.name),
                self.tr("District: {district}").format(district=cam.district),
                self.tr("Group: {group}").format(group=cam.group or "-"),
                self.tr("Stream: {url}").format(url=mask_url(feed.url or "")),
                self.tr("State: {state}").format(state=state_text(feed.state)),
            ]
            if flag is not None:
                flag_line = self.tr("Flag: {reason} {detail}")
                lines.append(flag_line.format(reason=reason_text(flag.reason), detail=flag.detail))
            lines += figures_lines(feed.figures())
            self.services.inform(self, self.tr("Camera details"), "\n".join(lines))

    def _jump_to(self, window, position: int) -> None:
        window.raise_()
        window.activateWindow()
        if window.controller.maximised_position() != position:
            window.controller.restore()
            window.controller.toggle_maximise(position)

    def _cycle_layout(self, delta: int) -> None:
        specs = list(MENU_LAYOUTS)
        current = self.controller.view.layout_spec
        i = specs.index(current) if current in specs else 0
        self.set_layout(specs[(i + delta) % len(specs)])

    def set_layout(self, spec: str) -> None:
        self.controller.set_layout(spec)
        self.tour.layout_changed()

    def _fill_views_menu(self) -> None:
        menu = self.menu_views
        menu.clear()
        menu.addAction(self.tr("Save current view…"), self._save_view)
        menu.addSeparator()
        for name in self.services.views.names():
            menu.addAction(name, lambda n=name: self.open_view(n))

    def _save_view(self) -> None:
        if self.services.kiosk:  # no dialogs on a kiosk wall
            self._kiosk_refuses(self.tr("Save view"))
            return
        name, ok = QInputDialog.getText(self, self.tr("Save view"), self.tr("Name:"))
        if ok and name.strip():
            self.services.views.save(name.strip(), self.controller.view)

    def open_view(self, name: str) -> bool:
        view = self.services.views.get(name)
        if view is None:
            return False
        self.controller.operator_acted.emit()  # a running tour pauses: the operator chose this view
        self.controller.show_view(view)
        return True

    # --- reactions ------------------------------------------------------------------
    def _fleet_summaries(self, summaries) -> None:
        """New district figures: only districts whose summary changed are redrawn (50,000
        cameras in 500 districts must not stall the wall)."""
        if self.board is not None:
            self.board.update_summaries(summaries)
        shown = self._fleet_shown
        changed = [s for s in summaries if shown.get(s.district_id) != s]
        if not changed and len(shown) == len(summaries):
            return
        status = self.navigator.model.status
        for s in changed:
            shown[s.district_id] = s
            if s.checked_count:
                status[s.district_id] = self.tr("{online}/{total} online").format(online=s.online, total=s.total)
            else:
                status.pop(s.district_id, None)
        self.navigator.model.refresh_status([s.district_id for s in changed])

    def _tour_status(self, status) -> None:
        if status is None:
            self.tour_label.setText("")
            return
        pos = status.position
        try:
            target = self.services.catalog.district(pos.target).name
        except KeyError:
            target = pos.target.removeprefix("view:")
        name = self.tour.tour_name
        if self.tour.schedule is not None and self.tour.schedule.tour_id == BUILTIN_TOUR_ID:
            name = self.tr("All districts")
        text = self.tr("Tour {name}: {step}/{steps} {target}").format(
            name=name, step=pos.step_index + 1, steps=pos.step_count, target=target
        )
        if pos.page_count > 1:
            text += self.tr(" · page {n}/{total}").format(n=pos.page_index + 1, total=pos.page_count)
        if status.resumes_in_s is not None:
            text += self.tr(" · paused, resumes in {s} s").format(s=int(status.resumes_in_s + 0.5))
        elif status.paused:
            text += self.tr(" · PAUSED (Space resumes)")
        elif status.time_left_s is not None:
            text += f" · {int(status.time_left_s + 0.5)} s"
        if status.preroll_short_camera is not None:
            text += self.tr(" · dwell too short: {camera} needs {s} s to show").format(
                camera=status.preroll_short_camera, s=f"{status.preroll_needed_s:.1f}")
        self.tour_label.setText(f"  {text}  ")

    def _view_changed(self, view) -> None:
        """The controls follow what is on screen, whatever put it there (operator, command line,
        saved view, tour, last session): a layout the menu does not list joins the box."""
        spec = view.layout_spec
        i = self.layout_box.findText(spec)
        if i < 0:
            self.layout_box.addItem(spec)
            i = self.layout_box.count() - 1
        self.layout_box.setCurrentIndex(i)
        for action_spec, action in self.layout_actions.items():
            action.setChecked(action_spec == spec)
        self.services.views.set_last_session(view, self.window_key)
        self._update_status()

    def _update_status(self) -> None:
        view = self.controller.view
        feeds = self.controller.active_feeds()
        flagged = sum(1 for f in feeds if f.flag is not None and f.flag.reason is not Reason.DEGRADED)
        degraded = sum(1 for f in feeds if f.flag is not None and f.flag.reason is Reason.DEGRADED)
        if view.district is not None:
            try:
                name = self.services.catalog.district(view.district).name
            except KeyError:
                name = view.district
            page = self.tr("{district} · page {n}/{total}").format(
                district=name, n=view.page_index + 1, total=self.controller.page_count()
            )
        else:
            page = view.name or self.tr("custom view")
        self.page_label.setText(f"  {page}  ")
        text = self.tr("{n} cameras · {playing} playing · {flagged} flagged").format(
            n=len(feeds), playing=sum(1 for f in feeds if f.state.value == "playing"), flagged=flagged
        )
        if degraded:
            text += self.tr(" · {n} degraded").format(n=degraded)
        storms = self.controller.recorders.current_storms()
        if storms:
            names = {d.id: d.name for d in self.services.catalog.districts}
            text = f"⚠ {storm_text(storms[0], names)}" + (
                self.tr(" (+{n} more outages)").format(n=len(storms) - 1) if len(storms) > 1 else ""
            ) + " · " + text
        self.status_label.setText(text)
        self.status_label.setStyleSheet("color: #d01010; font-weight: bold;" if flagged else "")

    def closeEvent(self, event) -> None:
        if self.kiosk_keeps_open():
            event.ignore()
            return
        self.tour.stop(remember=True)
        self.flag_panel.stop()
        self.controller.close()
        self.closed.emit(self)
        super().closeEvent(event)

