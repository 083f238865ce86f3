"""Which camera plays in which tile of one wall window, and what operators do to it.

The controller owns one :class:`Feed` per tile (created with the tile, reused for the
window's life), applies :class:`viewer.core.views.WallView` changes, drives the feeds'
health ticks and stats polls from two timers, and keeps the tiles' captions current.
Main thread only.
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
from viewer.core.views import WallView, district_page, with_camera, with_layout
from viewer.player.base import PlayerEngine
from viewer.ui.captions import tile_text
from viewer.ui.feed import Feed
from viewer.ui.probe_runner import ProbeRunner
from viewer.ui.wall_grid import WallGrid

log = logging.getLogger(__name__)


class WallController(QObject):
    view_changed = Signal(object)  # WallView
    feeds_changed = Signal()  # some feed's state or flag changed (status bar, panels)

    def __init__(
        self,
        grid: WallGrid,
        catalog: Catalog,
        engine: PlayerEngine,
        probes: ProbeRunner,
        health_config: HealthConfig,
        on_feed_created: Callable[[Feed], None] | None = None,
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
        self._rng = random.Random()
        self.feeds: list[Feed] = []
        self.view = WallView()
        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(int(HEALTH_TICK_INTERVAL_S * 1000))
        self._tick_timer.timeout.connect(self._tick)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(int(STATS_POLL_INTERVAL_S * 1000))
        self._stats_timer.timeout.connect(self._poll_stats)
        self._caption_timer = QTimer(self)
        self._caption_timer.setInterval(30_000)  # "since hh:mm (n min)" stays current
        self._caption_timer.timeout.connect(self.refresh_captions)
        for timer in (self._tick_timer, self._stats_timer, self._caption_timer):
            timer.start()

    # --- views ----------------------------------------------------------------------
    def show_view(self, view: WallView) -> None:
        layout = view.layout
        if self.grid.layout_data != layout:
            self.grid.apply_layout(layout)
        elif self.grid.maximised is not None:
            self.grid.set_maximised(None)
        self._ensure_feeds(layout.size)
        self.view = view
        for i, camera_id in enumerate(view.padded()):
            self.feeds[i].show(self._camera(camera_id))
        for feed in self.feeds[layout.size :]:
            feed.show(None)
        self.refresh_captions()
        self.view_changed.emit(view)

    def show_district(self, district_id: str, page_index: int = 0, layout_spec: str | None = None) -> None:
        ids = [c.id for c in self.catalog.cameras_in(district_id)]
        spec = layout_spec or self.view.layout_spec
        self.show_view(district_page(ids, district_id, spec, page_index))

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

    def put_camera(self, tile: int, camera_id: str) -> None:
        if self._camera(camera_id) is None:
            log.warning("unknown camera %s", camera_id)
            return
        self.show_view(with_camera(self.view, tile, camera_id))

    def toggle_maximise(self, tile: int) -> None:
        if self.grid.maximised is None:
            self.grid.set_maximised(tile)
            self._set_main_stream(tile, True)
        else:
            previous = self.grid.maximised
            self.grid.set_maximised(None)
            self._set_main_stream(previous, False)
        self.refresh_captions()

    def restore(self) -> bool:
        if self.grid.maximised is None:
            return False
        self.toggle_maximise(self.grid.maximised)
        return True

    def _set_main_stream(self, tile: int, main: bool) -> None:
        feed = self.feeds[tile]
        if feed.camera is not None and feed.camera.substream:
            feed.show(feed.camera, main_stream=main)

    # --- per-tile actions -----------------------------------------------------------
    def reconnect(self, tile: int | None = None) -> None:
        feeds = self.active_feeds() if tile is None else [self.feeds[tile]]
        for feed in feeds:
            feed.reconnect()

    def snapshot(self, tile: int, folder: Path) -> Path | None:
        feed = self.feeds[tile]
        if feed.camera is None:
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.clock()))
        path = folder / f"{feed.camera.id}_{stamp}.png"
        return path if feed.snapshot(path) else None

    def active_feeds_indexed(self) -> list[Feed | None]:
        """One entry per tile of the current layout: its feed, or None for an empty tile."""
        size = self.view.layout.size
        return [f if f.camera is not None else None for f in self.feeds[:size]]

    def active_feeds(self) -> list[Feed]:
        size = self.view.layout.size
        return [f for f in self.feeds[:size] if f.camera is not None]

    def close(self) -> None:
        for timer in (self._tick_timer, self._stats_timer, self._caption_timer):
            timer.stop()
        for feed in self.feeds:
            feed.close()
        self.feeds.clear()

    # --- internals ------------------------------------------------------------------
    def _camera(self, camera_id: str | None) -> Camera | None:
        if camera_id is None:
            return None
        try:
            return self.catalog.camera(camera_id)
        except KeyError:
            return None

    def _ensure_feeds(self, count: int) -> None:
        tiles = self.grid.ensure_tiles(count)
        while len(self.feeds) < count:
            index = len(self.feeds)
            player = self.engine.new_player()
            player.set_window(tiles[index].surface.window_handle())
            feed = Feed(player, self.probes, self.health_config, self._rng, self.clock, self)
            feed.changed.connect(lambda i=index: self._feed_changed(i))
            self.feeds.append(feed)
            if self._on_feed_created is not None:
                self._on_feed_created(feed)

    def _feed_changed(self, index: int) -> None:
        self._update_caption(index, self.clock())
        self.feeds_changed.emit()

    def refresh_captions(self) -> None:
        now = self.clock()
        for i in range(min(len(self.feeds), len(self.grid.tiles))):
            self._update_caption(i, now)

    def _update_caption(self, index: int, now: float) -> None:
        feed = self.feeds[index]
        name = ""
        if feed.camera is not None:
            try:
                name = self.catalog.district(feed.camera.district).name
            except KeyError:
                name = feed.camera.district
        text = tile_text(feed, name, now)
        tile = self.grid.tiles[index]
        tile.set_view(text.caption, text.tooltip, text.state)
        tile.surface.set_message(text.message, alarm=text.state == "flagged")

    def _tick(self) -> None:
        now = self.clock()
        for feed in self.active_feeds():
            feed.tick(now)

    def _poll_stats(self) -> None:
        now = self.clock()
        for feed in self.active_feeds():
            feed.poll_stats(now)
