"""Maximising a tile without a black or wrong-sized picture.

The grid tile (its sub-stream) is shown over the whole grid at once: libVLC scales the
running picture. A camera with a separate main stream gets it in a second, hidden pool pair
whose video surface already has the maximised geometry before its player starts (libVLC's
xcb output sizes its picture from the X window when its video output is created). When the
main stream's first picture is on that hidden surface (its feed turns PLAYING: the VOUT
event), the two tiles swap. The grid tile's player keeps running meanwhile and, by default,
while maximised, so that a restore shows the grid picture at once; the main stream's player
stops after the grid is back. Main thread only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from viewer.core.health_model import FeedState

log = logging.getLogger(__name__)


@dataclass
class MaximisedTile:
    """Which pool pairs a maximised layout position uses."""

    position: int  # layout position the operator maximised
    grid_index: int  # pool index of the grid tile (its sub-stream keeps playing)
    main_index: int | None = None  # pool index playing the main stream, hidden until its first picture
    swapped: bool = False  # the main stream's tile is the one on screen
    grid_rect: object = None  # QRect of the grid tile in the grid before maximising

    def shown_index(self) -> int:
        return self.main_index if self.swapped and self.main_index is not None else self.grid_index

    def indices(self) -> set[int]:
        return {self.grid_index} | ({self.main_index} if self.main_index is not None else set())


class Maximiser:
    """Carries out maximise / restore on a :class:`viewer.ui.wall_controller.WallController`'s pool.

    ``keep_substream`` (setting ``keep_substream_when_maximised``): keep the grid tile's
    sub-stream playing, hidden, behind the main stream (a restore is then instant); off, it
    stops at the swap and reconnects on restore ("connecting…" for one keyframe interval).
    """

    def __init__(self, controller, keep_substream: bool = True) -> None:
        self.controller = controller
        self.keep_substream = keep_substream
        self.current: MaximisedTile | None = None

    def maximise(self, position: int) -> None:
        c = self.controller
        grid_index = c.slots[position]
        tile, feed = c.grid.tiles[grid_index], c.feeds[grid_index]
        state = MaximisedTile(position, grid_index, grid_rect=tile.geometry())
        c.grid.set_maximised(tile)  # the running picture, scaled by libVLC, at once
        camera = feed.camera
        if camera is not None and camera.substream:
            state.main_index = c.spare_index(exclude={grid_index})
            c.grid.place_hidden(c.grid.tiles[state.main_index], c.grid.rect())
            c.feeds[state.main_index].show(camera, main_stream=True)
        self.current = state
        if state.main_index is not None:
            self.feed_changed(state.main_index)  # a main stream still playing (maximised again): at once
        log.info("maximise position %d%s", position, " (main stream pending)" if state.main_index is not None else "")

    def feed_changed(self, index: int) -> None:
        """Swap to the main stream when its first picture is on the hidden surface."""
        state = self.current
        if state is None or state.swapped or index != state.main_index:
            return
        c = self.controller
        main = c.feeds[index]
        if main.state is not FeedState.PLAYING:
            return
        state.swapped = True
        c.grid.set_maximised(c.grid.tiles[index])
        if not self.keep_substream:
            c.feeds[state.grid_index].show(None)
        else:  # hidden, back at its grid size already: a restore shows it right at once
            c.grid.place_hidden(c.grid.tiles[state.grid_index], state.grid_rect)
        log.info("maximised position %d shows its main stream", state.position)

    def restore(self) -> None:
        """The grid picture first, then the main stream stops (after this event-loop turn)."""
        state, self.current = self.current, None
        if state is None:
            return
        c = self.controller
        c.grid.set_maximised(None)
        grid_feed = c.feeds[state.grid_index]
        if grid_feed.camera is None:  # stopped while maximised (keep_substream off): reconnect
            position_camera = c.view.padded()[state.position]
            grid_feed.show(c.camera(position_camera))
        if state.main_index is not None:
            c.stop_later([state.main_index])

    def end(self) -> None:
        """The view changes under a maximised tile: forget it, stop the main stream later."""
        state, self.current = self.current, None
        if state is not None and state.main_index is not None:
            self.controller.stop_later([state.main_index])

    def position_of(self, tile_index: int) -> int | None:
        state = self.current
        if state is not None and tile_index == state.main_index:
            return state.position
        return None

    def in_use(self) -> set[int]:
        return set() if self.current is None else self.current.indices()
