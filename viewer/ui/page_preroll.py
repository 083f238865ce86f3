"""Pre-rolled neighbour pages: PgDn / PgUp show pictures at once, as a tour step does.

While the operator pages through a district, the next and previous pages play hidden in
spare pool pairs (started one per ``PREROLL_STAGGER_MS``, like the tour's pre-roll), as long
as their tiles together stay within ``max_tiles`` (setting ``neighbour_preroll_tiles``; 0 = off).
The page the operator leaves keeps playing hidden when it is one of the new neighbours, so
paging back and forth never restarts a stream. Everything else the wall stops. Main thread.
"""

from __future__ import annotations

import logging

from viewer.core.constants import NEIGHBOUR_PREROLL_TILES
from viewer.core.views import WallView, neighbour_pages, same_page

log = logging.getLogger(__name__)


class NeighbourPages:
    """Hidden pages next to the shown one; works on a WallController's pool."""

    def __init__(self, controller, max_tiles: int = NEIGHBOUR_PREROLL_TILES) -> None:
        self.controller = controller
        self.max_tiles = max_tiles
        self.groups: list[tuple[WallView, list[int]]] = []  # pre-rolled neighbour pages
        self._parked: list[tuple[WallView, list[int]]] = []  # hidden pages the last switch left

    def take(self, view: WallView) -> tuple[WallView, list[int]] | None:
        """The pre-rolled group showing ``view``, removed from the neighbours (None if none)."""
        for group in self.groups:
            if same_page(group[0], view):
                self.groups.remove(group)
                return group
        return None

    def park(self, groups: list[tuple[WallView, list[int]]]) -> None:
        """Hidden playing pages after a switch: :meth:`refresh` may adopt them, the rest stops."""
        self._parked = [g for g in groups if g[1]]

    def release_all(self) -> list[tuple[WallView, list[int]]]:
        groups, self.groups = self.groups, []
        return groups

    def indices(self) -> set[int]:
        return {i for _, indices in self.groups for i in indices}

    def wanted(self) -> list[WallView]:
        """The next, then the previous page of the shown district, within the tile budget."""
        view = self.controller.view
        if view.district is None:
            return []
        ids = [c.id for c in self.controller.catalog.cameras_in(view.district)]
        return neighbour_pages(ids, view, self.max_tiles)

    def refresh(self) -> int:
        """Pre-roll the shown page's neighbours (adopting parked pages); returns players queued."""
        c = self.controller
        parked, self._parked = self._parked, []
        queued = 0
        for page in self.wanted():
            if any(same_page(g[0], page) for g in self.groups):
                continue
            group = next((g for g in parked if same_page(g[0], page)), None)
            if group is not None:
                parked.remove(group)
            else:
                indices = []
                for position in range(page.layout.size):
                    index = c.spare_index(exclude=set(indices))
                    c.grid.place_hidden(c.grid.tiles[index], c.grid.tiles[c.slots[position]].geometry())
                    indices.append(index)
                group = (page, indices)
            self.groups.append(group)
            queued += c.queue_starts(page, group[1])
        if queued:
            log.debug("pre-rolling %d players of neighbour pages", queued)
        return queued
