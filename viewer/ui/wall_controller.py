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

from viewer.core.catalog_model import Camera, Catalog
from viewer.core.constants import HEALTH_TICK_INTERVAL_S, STATS_POLL_INTERVAL_S
from viewer.core.health_model import HealthConfig
from viewer.core.picture import first_check_delay_s
from viewer.core.preroll_lead import FirstPictureHistory, PageLead
from viewer.core.reasons import Reason
from viewer.core.views import WallView, district_page, same_page, with_camera, with_layout
from viewer.player.base import PlayerEngine
from viewer.ui.captions import TileText, tile_text
from viewer.ui.feed import Feed
from viewer.ui.maximise import Maximiser
from viewer.ui.page_preroll import NeighbourPages
from viewer.ui.picture_checker import PictureChecker
from viewer.ui.probe_runner import ProbeRunner
from viewer.ui.recorders import RecorderCoordinator
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
        on_feed_created: Callable[[Feed], None],
        known_flag: Callable[[str], object],
        recorders: RecorderCoordinator,
        pictures: PictureChecker,
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
        self._known_flag = known_flag
        #: camera id -> acknowledgement of its open outage (the window sets the journal's)
        self.acknowledgement: Callable[[str], object] = lambda camera_id: None
        self.recorders = recorders  # shared by all windows (viewer.ui.services)
        self.pictures = pictures  # shared by all windows; shut down with the services
        self._rng = random.Random()
        self.feeds: list[Feed] = []  # pool, parallel to grid.tiles
        self.slots: list[int] = []
        self.view = WallView()
        #: Each camera's recent times to first picture (all feeds of this window, hidden too).
        self.first_pictures = FirstPictureHistory()
        self._preroll: tuple[WallView, list[int]] | None = None
        self.maximiser = Maximiser(self)
        self.neighbours = NeighbourPages(self)
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
        """Show ``view``; if it is a pre-rolled page (the tour's next, a neighbour page), just
        swap the visible tiles. Players no longer needed stop one per event-loop turn."""
        layout = view.layout
        cameras = view.padded()
        self.maximiser.end()  # the grid is re-arranged below; a main stream player stops later
        self._cancel_starts()  # pre-roll players not started yet start below, with the page
        hidden = ([self._preroll] if self._preroll is not None else []) + self.neighbours.release_all()
        self._preroll = None
        match = next((g for g in hidden if same_page(g[0], view)), None)
        old_view, old = self.view, self.slots
        if match is not None:
            hidden.remove(match)
            self.slots = match[1]
            hidden.append((old_view, old))  # may become the previous page, still playing
        else:
            self._fill_slots(cameras)
            hidden.append((old_view, [i for i in old if i not in self.slots]))
        self.grid.arrange(layout, [self.grid.tiles[i] for i in self.slots])
        for position, camera_id in enumerate(cameras):  # known-down cameras were not pre-rolled
            self.feeds[self.slots[position]].show(self._camera(camera_id))
        self.neighbours.park([g for g in hidden if not set(g[1]) & set(self.slots)])
        self.stop_later([i for i, f in enumerate(self.feeds) if i not in self.slots and f.camera is not None])
        self.view = view
        self.refresh_captions()
        self.view_changed.emit(view)

    def stop_later(self, indices: list[int]) -> None:
        """Stop the hidden old page's players one per event-loop turn: a libVLC stop blocks
        for ~20 ms, and 16 in a row would freeze the wall for a third of a second."""
        self._stop_queue.extend(i for i in indices if i not in self._stop_queue)
        if not self._stop_timer.isActive():
            self._stop_timer.start()

    def _stop_next(self) -> None:
        while self._stop_queue:
            index = self._stop_queue.pop(0)
            if not self._in_use(index):
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
        spares = [i for i in range(len(self.feeds)) if not self._in_use(i)]
        needed = view.layout.size
        while len(spares) < needed:
            spares.append(self._new_pair())
        spares = spares[:needed]
        started = 0
        for position, camera_id in enumerate(view.padded()):
            tile = self.grid.tiles[spares[position]]
            self.grid.place_hidden(tile, self.grid.tiles[self.slots[position]].geometry())
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

    def queue_starts(self, view: WallView, indices: list[int]) -> int:
        """Queue staggered starts so that hidden pairs ``indices`` play ``view`` (known-down
        cameras are not pre-rolled); pairs already playing their camera are left alone."""
        queued = 0
        for position, camera_id in enumerate(view.padded()):
            index = indices[position]
            camera = self._camera(camera_id)
            if camera is None or self._known_flag(camera.id) is not None:
                camera = None
            feed = self.feeds[index]
            if feed.camera != camera or feed.main_stream:
                self._start_queue.append((index, camera))
                queued += camera is not None
        if self._start_queue and not self._start_timer.isActive():
            self._start_next()
        return queued

    def refresh_neighbours(self) -> int:
        """Pre-roll the shown district page's neighbours (operator paging; see page_preroll)."""
        return self.neighbours.refresh()

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
        """The operator pages (PgUp/PgDn): a running tour pauses; the new page's neighbours
        pre-roll (a pre-rolled page shows at once)."""
        if self.view.district is not None:
            self.operator_acted.emit()
            self.show_district(self.view.district, self.view.page_index + delta)
            self.refresh_neighbours()

    def set_layout(self, spec: str) -> None:
        district_ids = None
        if self.view.district is not None:
            district_ids = [c.id for c in self.catalog.cameras_in(self.view.district)]
        self.show_view(with_layout(self.view, spec, district_ids))
        self.refresh_neighbours()

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
        if tile_index in self.slots:
            return self.slots.index(tile_index)
        return self.maximiser.position_of(tile_index)

    def toggle_maximise(self, position: int) -> None:
        """Maximise ``position`` (see :mod:`viewer.ui.maximise`), or restore the grid."""
        self.operator_acted.emit()
        if self.maximiser.current is None:
            self.maximiser.maximise(position)
        else:
            self.maximiser.restore()
        self.refresh_captions()

    def maximised_position(self) -> int | None:
        current = self.maximiser.current
        return None if current is None else current.position

    def restore(self) -> bool:
        position = self.maximised_position()
        if position is None:
            return False
        self.toggle_maximise(position)
        return True

    # --- per-position actions -------------------------------------------------------
    def feed_at(self, position: int) -> Feed:
        """The feed on screen at ``position`` (a maximised main stream once it shows)."""
        current = self.maximiser.current
        if current is not None and current.position == position:
            return self.feeds[current.shown_index()]
        return self.feeds[self.slots[position]]

    def reconnect(self, position: int | None = None) -> None:
        feeds = self.active_feeds() if position is None else [self.feed_at(position)]
        for feed in feeds:
            feed.reconnect()

    def snapshot(self, position: int, folder: Path, done: Callable[[Path | None], None]) -> bool:
        """Start a snapshot of the tile at ``position``; returns at once (False: no camera
        there). ``done(path or None)`` follows on the main thread (see ``Feed.take_snapshot``)."""
        feed = self.feed_at(position)
        if feed.camera is None:
            return False
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.clock()))
        feed.take_snapshot(folder / f"{feed.camera.id}_{stamp}.png", done)
        return True

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
        for feed in self.feeds:
            feed.close()
        self.feeds.clear()
        self.slots = []
        self._preroll = None
        self.maximiser.current = None
        self.neighbours.release_all()

    def spare_index(self, exclude: set[int] | frozenset[int] = frozenset()) -> int:
        """A pool pair nothing shows or pre-rolls (a new one if none is free)."""
        for i in range(len(self.feeds)):
            if i not in exclude and not self._in_use(i):
                return i
        return self._new_pair()

    def camera(self, camera_id: str | None) -> Camera | None:
        return self._camera(camera_id)

    # --- internals ------------------------------------------------------------------
    def _in_use(self, index: int) -> bool:
        """On screen, pre-rolled, or part of a maximised tile."""
        return (index in self.slots or (self._preroll is not None and index in self._preroll[1])
                or index in self.maximiser.in_use() or index in self.neighbours.indices())

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
        tile.tooltip_source = lambda i=tile.index: self.tooltip_for(i)
        feed.first_picture.connect(self._learn_first_picture)
        self.feeds.append(feed)
        self._on_feed_created(feed)
        self.tile_created.emit(tile)
        return tile.index

    def _fill_slots(self, cameras: tuple[str | None, ...]) -> None:
        """Pick a pool pair per position: one that already plays the camera (its sub-stream,
        visible or hidden) keeps playing it — no restart, no black; every other position
        gets an idle pair (a new one if none is idle). Pairs left over stop one per turn
        (``stop_later``): no libVLC stop on the way, and no player switched from one camera
        to another without a stop (libVLC 3 can then keep showing the old camera)."""
        playing: dict[str, int] = {}
        for i in self.slots + [i for i in range(len(self.feeds)) if i not in self.slots]:
            feed = self.feeds[i]
            if feed.camera is not None and not feed.main_stream and (feed.flag is None
                                                                     or feed.flag.reason is Reason.DEGRADED):
                playing.setdefault(feed.camera.id, i)
        slots = [playing.pop(c, None) if c is not None else None for c in cameras]
        claimed = {i for i in slots if i is not None}
        for position, old in enumerate(self.slots[: len(cameras)]):  # an idle tile stays where it is
            if slots[position] is None and old not in claimed and self.feeds[old].camera is None:
                slots[position] = old
                claimed.add(old)
        idle = [i for i, f in enumerate(self.feeds)
                if i not in claimed and f.camera is None and not self._in_use(i) and i not in self._stop_queue]
        self.slots = [i if i is not None else (idle.pop(0) if idle else self._new_pair()) for i in slots]

    def _feed_changed(self, index: int) -> None:
        self._update_caption(index, self.clock())
        self.maximiser.feed_changed(index)
        self.feeds_changed.emit()

    def refresh_captions(self) -> None:
        now = self.clock()
        for i in range(len(self.feeds)):
            self._update_caption(i, now)

    def _tile_text(self, index: int, now: float) -> TileText:
        feed = self.feeds[index]
        name = ""
        if feed.camera is not None:
            try:
                name = self.catalog.district(feed.camera.district).name
            except KeyError:
                name = feed.camera.district
        ack = self.acknowledgement(feed.camera.id) if feed.camera is not None and feed.flag is not None else None
        return tile_text(feed, name, now, ack)

    def _update_caption(self, index: int, now: float) -> None:
        text = self._tile_text(index, now)
        tile = self.grid.tiles[index]
        tile.set_view(text.caption, text.state)
        tile.surface.set_message(text.message, alarm=text.state == "flagged")  # "degraded": no message

    def tooltip_for(self, index: int) -> str:
        """Tile ``index``'s tooltip as of now: camera, district, the stream's current figures,
        the flag and its acknowledgement (built when the pointer rests on the tile)."""
        return self._tile_text(index, self.clock()).tooltip

    def _tick(self) -> None:
        now = self.clock()
        for feed in self.running_feeds():
            feed.tick(now)
        count = len(self.slots)
        for position in range(count):  # staggered frozen/blank picture checks of what is on screen
            delay = first_check_delay_s(position, count, self.health_config.picture_check_interval_s)
            self.feed_at(position).check_picture(now, delay)

    def _poll_stats(self) -> None:
        now = self.clock()
        for feed in self.running_feeds():
            feed.poll_stats(now)
