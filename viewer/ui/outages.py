"""Writes every feed outage to the journal the moment it starts, changes and ends."""

from __future__ import annotations

import logging
import time

from viewer.core.catalog import Catalog
from viewer.core.journal import Journal

log = logging.getLogger(__name__)


class OutageRecorder:
    """Main thread only. One recorder serves every feed of every wall window."""

    def __init__(self, journal: Journal, catalog: Catalog) -> None:
        self.journal = journal
        self.catalog = catalog
        self._open: dict[int, int] = {}  # id(feed) -> outage id

    def attach(self, feed) -> None:
        feed.flag_raised.connect(self._raised)
        feed.flag_updated.connect(self._updated)
        feed.flag_cleared.connect(self._cleared)
        feed.started_playing.connect(self._playing)

    def _playing(self, feed) -> None:
        """Pictures, and no outage of ours open: close one left open by a crashed run."""
        camera = feed.camera
        if camera is None or id(feed) in self._open:
            return
        stale = self.journal.open_outage_for(camera.id)
        if stale is not None:
            log.info("camera %s plays again: closing outage %d left open by an earlier run", camera.id, stale)
            self.journal.close_outage(stale, time.time())

    def _raised(self, feed, flag) -> None:
        camera = feed.camera
        if camera is None:
            return
        self._open[id(feed)] = self.journal.open_outage(
            camera.id, camera.name, camera.district, flag.reason, flag.since, flag.detail
        )

    def _updated(self, feed, flag) -> None:
        outage = self._open.get(id(feed))
        if outage is not None:
            self.journal.update_reason(outage, flag.reason, flag.detail)

    def _cleared(self, feed, flag) -> None:
        outage = self._open.pop(id(feed), None)
        if outage is not None:
            self.journal.close_outage(outage, time.time())
