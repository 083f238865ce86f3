"""Outages of every camera shown on any wall: the journal record and what is known down.

The recorder writes each outage to the journal the moment it starts, changes and ends.
A camera that leaves the screen while down (a tour moved on, an operator swapped it out)
stays *known down*: its outage stays open, it is not pre-rolled, and it is flagged again at
once, with its original start time, when it is shown again. Only pictures end an outage.
Main thread only; one recorder serves every feed of every wall window.
"""

from __future__ import annotations

import logging
import time

from viewer.core.catalog import Catalog
from viewer.core.health import Flag
from viewer.core.journal import Journal

log = logging.getLogger(__name__)


class OutageRecorder:
    def __init__(self, journal: Journal, catalog: Catalog) -> None:
        self.journal = journal
        self.catalog = catalog
        self._open: dict[int, int] = {}  # id(feed) -> outage id
        self.known_down: dict[str, Flag] = {}  # camera id -> flag of its ongoing outage

    def known_flag(self, camera_id: str) -> Flag | None:
        return self.known_down.get(camera_id)

    def attach(self, feed) -> None:
        feed.flag_raised.connect(self._raised)
        feed.flag_updated.connect(self._updated)
        feed.flag_cleared.connect(self._cleared)
        feed.flag_detached.connect(self._detached)
        feed.started_playing.connect(self._playing)

    def _raised(self, feed, flag: Flag) -> None:
        camera = feed.camera
        if camera is None:
            return
        # open_outage resumes an outage already open for this camera instead of duplicating it
        self._open[id(feed)] = self.journal.open_outage(
            camera.id, camera.name, camera.district, flag.reason, flag.since, flag.detail
        )
        self.known_down[camera.id] = flag

    def _updated(self, feed, flag: Flag) -> None:
        outage = self._open.get(id(feed))
        if outage is not None:
            self.journal.update_reason(outage, flag.reason, flag.detail)
        if feed.camera is not None:
            self.known_down[feed.camera.id] = flag

    def _cleared(self, feed, flag: Flag) -> None:
        outage = self._open.pop(id(feed), None)
        if outage is not None:
            self.journal.close_outage(outage, time.time())
        if feed.camera is not None:
            self.known_down.pop(feed.camera.id, None)

    def _detached(self, feed, flag: Flag) -> None:
        self._open.pop(id(feed), None)  # the outage stays open in the journal and known_down

    def _playing(self, feed) -> None:
        """Pictures, and no outage of ours open: close one left open by a crashed run."""
        camera = feed.camera
        if camera is None or id(feed) in self._open:
            return
        self.known_down.pop(camera.id, None)
        stale = self.journal.open_outage_for(camera.id)
        if stale is not None:
            log.info("camera %s plays again: closing outage %d left open earlier", camera.id, stale)
            self.journal.close_outage(stale, time.time())
