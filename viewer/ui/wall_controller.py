"""Which camera plays in which tile of one wall window, and what operators do to it.

The controller owns a pool of (tile, feed) pairs, created together and reused for the
window's life. ``slots[p]`` is the pool index shown at layout position ``p``. A tour can
:meth:`preroll` the next page into spare pairs — hidden tiles whose players already play —
so that :meth:`show_view` of that page only swaps which tiles are visible; every feed's
time to first picture is learned (:attr:`first_pictures`) so that :meth:`preroll_lead` can say
how early a page must start. Two timers drive the feeds' health ticks and stats polls. Main
thread only.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.core.catalog import Camera, Catalog
from viewer.core.constants import HEALTH_TICK_INTERVAL_S, STATS_POLL_INTERVAL_S
from viewer.core.health import HealthConfig
from viewer.core.picture import first_check_delay_s
from viewer.core.preroll_lead import FirstPictureHistory, PageLead
from viewer.core.views import WallView, district_page, with_camera, with_layout
from viewer.player.base import PlayerEngine
from viewer.ui.captions import tile_text
from viewer.ui.feed import Feed
from viewer.ui.probe_runner import ProbeRunner
from viewer.ui.wall_grid import WallGrid

log = logging.getLogger(__name__)

CAPTION_REFRESH_MS = 30_000  # "since hh:mm (n min)" stays current
#: Pre-rolled players start this far apart. 16 libVLC opens at once on top of 16 playing
#: tiles starve the Qt main thread on 2 cores (event-loop lag p99 ~170 ms measured during a
#: tour); one every 100 ms spreads them over 1.6 s (the lead adds this stagger).
PREROLL_STAGGER_MS = 100


class WallController(QObject):
    view_changed = Signal(object)  # WallView
    feeds_changed = Signal()  # some feed's state or flag changed (status bar, panels)
    tile_created = Signal(object)  # Tile: the window connects its gestures
    operator_acted = Signal()  # maximise, drag, manual camera: a tour pauses

    def __init__(
        self,
        grid: WallGrid,
        catalog: Catalog,
        engine: PlayerEngine,
        probes: ProbeRunner,
        health_config: HealthConfig,
        on_feed_created: Callable[[Feed], None] | None = None,
        known_flag: Callable[[str], object] | None = None,
        recorders=None,
        pictures=None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.grid = grid
        self.catalog = catalog
        self.engine = engine
        self.probes = probes
        self.health_config = health_config
        self.clock = clock
        self._on_feed_created = on_feed_created
        self._known_flag = known_flag or (lambda camera_id: None)
        #: camera id -> acknowledgement of its open outage (the window sets the journal's)
        self.acknowledgement: Callable[[str], object] = lambda camera_id: None
        if recorders is None:
            from viewer.ui.recorders import RecorderCoordinator

            recorders = RecorderCoordinator(parent=self)
        self.recorders = recorders
        self._own_pictures = pictures is None
        if pictures is None:
            from viewer.ui.picture_checker import PictureChecker

            pictures = PictureChecker(self)
        self.pictures = pictures
        self._rng = random.Random()
        self.feeds: list[Feed] = []  # pool, parallel to grid.tiles
        self.slots: list[int] = []
        self.view = WallView()
        #: Each camera's recent times to first picture (all feeds of this window, hidden too).
        self.first_pictures = FirstPictureHistory()
        self._preroll: tuple[WallView, list[int]] | None = None
        self._stop_queue: list[int] = []
        self._start_queue: list[tuple[int, Camera]] = []  # pre-roll starts still to come
        self._start_timer = QTimer(self)
        self._start_timer.setInterval(PREROLL_STAGGER_MS)
        self._start_timer.timeout.connect(self._start_next)
        self._stop_timer = QTimer(self)
        self._stop_timer.setInterval(0)
        self._stop_timer.timeout.connect(self._stop_next)
        self._timers = []
        for interval_ms, slot in (
            (int(HEALTH_TICK_INTERVAL_S * 1000), self._tick),
            (int(STATS_POLL_INTERVAL_S * 1000), self._poll_stats),
            (CAPTION_REFRESH_MS, self.refresh_captions),
        ):
            timer = QTimer(self)
            timer.setInterval(interval_ms)
            timer.timeout.connect(slot)
            timer.start()
            self._timers.append(timer)

    # --- views ----------------------------------------------------------------------
    def show_view(self, view: WallView) -> None:
        """Show ``view``; if it is the pre-rolled page, just swap the visible tiles."""
        layout = view.layout
        cameras = view.padded()
        preroll, self._preroll = self._preroll, None
        self._cancel_starts()  # pre-roll players not started yet start below, with the page
        if preroll is not None and preroll[0].padded() == cameras and preroll[0].layout_spec == view.layout_spec:
            old = self.slots
            self.slots = preroll[1]
            self.grid.arrange(layout, [self.grid.tiles[i] for i in self.slots])
            self._stop_later([i for i in old if i not in self.slots])
            for position, camera_id in enumerate(cameras):  # known-down cameras were not pre-rolled
                self.feeds[self.slots[position]].show(self._camera(camera_id))
        else:
            if preroll is not None:
                for i in preroll[1]:
                    if i not in self.slots:
                        self.feeds[i].show(None)
            self._fill_slots(layout.size)
            self.grid.arrange(layout, [self.grid.tiles[i] for i in self.slots])
            for position, camera_id in enumerate(cameras):
                self.feeds[self.slots[position]].show(self._camera(camera_id))
            for i, feed in enumerate(self.feeds):
                if i not in self.slots:
                    feed.show(None)
        self.view = view
        self.refresh_captions()
        self.view_changed.emit(view)

    def _stop_later(self, indices: list[int]) -> None:
        """Stop the hidden old page's players one per event-loop turn: a libVLC stop blocks
        for ~20 ms, and 16 in a row would freeze the wall for a third of a second."""
        self._stop_queue.extend(indices)
        if not self._stop_timer.isActive():
            self._stop_timer.start()

    def _stop_next(self) -> None:
        while self._stop_queue:
            index = self._stop_queue.pop(0)
            if index not in self.slots and (self._preroll is None or index not in self._preroll[1]):
                log.debug("stop hidden tile %d (%s)", index, self.feeds[index].camera.id
                          if self.feeds[index].camera is not None else "empty")
                self.feeds[index].show(None)
                return  # one per turn
        self._stop_timer.stop()

    def preroll(self, view: WallView) -> int:
        """Start ``view``'s players hidden, in spare tiles sized like the visible ones.

        Cameras already known to be down are not pre-rolled. Returns how many players started.
        At most one page ahead: a new pre-roll replaces the previous one.
        """
        if view.layout_spec != self.view.layout_spec:
            return 0  # tile sizes would differ; a layout change is not a tour step
        self._cancel_starts()
        if self._preroll is not None:
            for i in self._preroll[1]:
                if i not in self.slots:
                    self.feeds[i].show(None)
        spares = [i for i in range(len(self.feeds)) if i not in self.slots]
        needed = view.layout.size
        while len(spares) < needed:
            spares.append(self._new_pair())
        spares = spares[:needed]
        started = 0
        for position, camera_id in enumerate(view.padded()):
            tile = self.grid.tiles[spares[position]]
            tile.setGeometry(self.grid.tiles[self.slots[position]].geometry())
            camera = self._camera(camera_id)
            if camera is not None and self._known_flag(camera.id) is None:
                self._start_queue.append((spares[position], camera))
                started += 1
            else:
                self.feeds[spares[position]].show(None)
        self._preroll = (view, spares)
        self._start_next()
        return started

    def preroll_lead(self, view: WallView, dwell_s: float) -> PageLead:
        """How many seconds before its switch :meth:`preroll` should start ``view``, from its
        cameras' learned times to first picture (known-down cameras are not pre-rolled)."""
        ids = [camera_id if camera_id is not None and self._known_flag(camera_id) is None else None
               for camera_id in view.padded()]
        return self.first_pictures.page_lead(ids, dwell_s, PREROLL_STAGGER_MS / 1000)

    def _learn_first_picture(self, feed: Feed, seconds: float) -> None:
        if feed.camera is not None:
            self.first_pictures.record(feed.camera.id, seconds)
            log.debug("first picture %s after %.2f s", feed.camera.id, seconds)

    def _start_next(self) -> None:
        """Start the next queued pre-roll player (one per ``PREROLL_STAGGER_MS``)."""
        if not self._start_queue:
            self._start_timer.stop()
            return
        index, camera = self._start_queue.pop(0)
        self.feeds[index].show(camera)
        if self._start_queue and not self._start_timer.isActive():
            self._start_timer.start()

    def _cancel_starts(self) -> None:
        self._start_queue.clear()
        self._start_timer.stop()

    def show_district(self, district_id: str, page_index: int = 0, layout_spec: str | None = None) -> None:
        self.show_view(self.district_view(district_id, page_index, layout_spec))

    def district_view(self, district_id: str, page_index: int = 0, layout_spec: str | None = None) -> WallView:
        ids = [c.id for c in self.catalog.cameras_in(district_id)]
        return district_page(ids, district_id, layout_spec or self.view.layout_spec, page_index)

    def page_count(self) -> int:
        if self.view.district is None:
            return 1
        n = len(self.catalog.cameras_in(self.view.district))
        return max(1, -(-n // self.view.layout.size))

    def step_page(self, delta: int) -> None:
        if self.view.district is not None:
            self.show_district(self.view.district, self.view.page_index + delta)

    def set_layout(self, spec: str) -> None:
        district_ids = None
        if self.view.district is not None:
            district_ids = [c.id for c in self.catalog.cameras_in(self.view.district)]
        self.show_view(with_layout(self.view, spec, district_ids))

    def put_camera(self, position: int, camera_id: str) -> None:
        if self._camera(camera_id) is None:
            log.warning("unknown camera %s", camera_id)
            return
        self.operator_acted.emit()
        self.show_view(with_camera(self.view, position, camera_id))

    def clear_position(self, position: int) -> None:
        self.operator_acted.emit()
        self.show_view(with_camera(self.view, position, None))

    def position_of(self, tile_index: int) -> int | None:
        return self.slots.index(tile_index) if tile_index in self.slots else None

    def toggle_maximise(self, position: int) -> None:
        self.operator_acted.emit()
        current = self.grid.maximised
        if current is None:
            tile = self.grid.tiles[self.slots[position]]
            self.grid.set_maximised(tile)
            self._set_main_stream(tile.index, True)
        else:
            self.grid.set_maximised(None)
            self._set_main_stream(current.index, False)
        self.refresh_captions()

    def maximised_position(self) -> int | None:
        tile = self.grid.maximised
        return None if tile is None else self.position_of(tile.index)

    def restore(self) -> bool:
        position = self.maximised_position()
        if position is None:
            return False
        self.toggle_maximise(position)
        return True

    def _set_main_stream(self, tile_index: int, main: bool) -> None:
        feed = self.feeds[tile_index]
        if feed.camera is not None and feed.camera.substream:
            feed.show(feed.camera, main_stream=main)

    # --- per-position actions -------------------------------------------------------
    def feed_at(self, position: int) -> Feed:
        return self.feeds[self.slots[position]]

    def reconnect(self, position: int | None = None) -> None:
        feeds = self.active_feeds() if position is None else [self.feed_at(position)]
        for feed in feeds:
            feed.reconnect()

    def snapshot(self, position: int, folder: Path) -> Path | None:
        feed = self.feed_at(position)
        if feed.camera is None:
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.clock()))
        path = folder / f"{feed.camera.id}_{stamp}.png"
        return path if feed.snapshot(path) else None

    def active_feeds_indexed(self) -> list[Feed | None]:
        """One entry per layout position: its feed, or None for an empty tile."""
        return [self.feeds[i] if self.feeds[i].camera is not None else None for i in self.slots]

    def active_feeds(self) -> list[Feed]:
        return [f for f in self.active_feeds_indexed() if f is not None]

    def running_feeds(self) -> list[Feed]:
        """Visible and pre-rolled feeds: everything whose health must be driven."""
        return [f for f in self.feeds if f.camera is not None]

    def close(self) -> None:
        self._cancel_starts()
        self._stop_timer.stop()
        self._stop_queue.clear()
        for timer in self._timers:
            timer.stop()
        if self._own_pictures:
            self.pictures.shutdown()
        for feed in self.feeds:
            feed.close()
        self.feeds.clear()
        self.slots = []
        self._preroll = None

    # --- internals ------------------------------------------------------------------
    def _camera(self, camera_id: str | None) -> Camera | None:
        if camera_id is None:
            return None
        try:
            return self.catalog.camera(camera_id)
        except KeyError:
            return None

    def _new_pair(self) -> int:
        tile = self.grid.new_tile()
        player = self.engine.new_player()
        player.set_window(tile.surface.window_handle())
        feed = Feed(player, self.probes, self.health_config, self._rng, self.clock, self._known_flag,
                    self.recorders, tile.isVisible, self.pictures, self)
        feed.changed.connect(lambda i=tile.index: self._feed_changed(i))
        feed.first_picture.connect(self._learn_first_picture)
        self.feeds.append(feed)
        if self._on_feed_created is not None:
            self._on_feed_created(feed)
        self.tile_created.emit(tile)
        return tile.index

    def _fill_slots(self, count: int) -> None:
        slots = self.slots[:count]
        free = [i for i in range(len(self.feeds)) if i not in slots]
        while len(slots) < count:
            slots.append(free.pop(0) if free else self._new_pair())
        self.slots = slots

    def _feed_changed(self, index: int) -> None:
        self._update_caption(index, self.clock())
        self.feeds_changed.emit()

    def refresh_captions(self) -> None:
        now = self.clock()
        for i in range(len(self.feeds)):
            self._update_caption(i, now)

    def _update_caption(self, index: int, now: float) -> None:
        feed = self.feeds[index]
        name = ""
        if feed.camera is not None:
            try:
                name = self.catalog.district(feed.camera.district).name
            except KeyError:
                name = feed.camera.district
        ack = self.acknowledgement(feed.camera.id) if feed.camera is not None and feed.flag is not None else None
        text = tile_text(feed, name, now, ack)
        tile = self.grid.tiles[index]
        tile.set_view(text.caption, text.tooltip, text.state)
        tile.surface.set_message(text.message, alarm=text.state == "flagged")

    def _tick(self) -> None:
        now = self.clock()
        for feed in self.running_feeds():
            feed.tick(now)
        count = len(self.slots)
        for position, index in enumerate(self.slots):  # staggered frozen/blank picture checks
            delay = first_check_delay_s(position, count, self.health_config.picture_check_interval_s)
            self.feeds[index].check_picture(now, delay)

    def _poll_stats(self) -> None:
        now = self.clock()
        for feed in self.running_feeds():
            feed.poll_stats(now)
