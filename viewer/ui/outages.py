"""The wall's side of the outage journal: each tile's feed, reported to the journal rules.

Every second (``JOURNAL_POLL_INTERVAL_S``) the reporter tells the Qt-free bookkeeping
(:class:`viewer.core.wall_outages.WallOutages`) what each tile shows — new pictures
(healthy), flagged (failing) or still opening (watching) — as source ``wall`` (visible) or
``preroll`` (hidden); a flag raised, refined or cleared goes in the moment it happens. The
rules decide there, at once; their decisions are written on the journal's own thread.

A camera with an open outage is *known down* (:meth:`OutageReporter.known_flag`): it is not
pre-rolled, and a tile showing it is flagged at once with the outage's original start.
Main thread only; one reporter serves every feed of every wall window. (An NVR is a
"recorder" in this code base; this class records nothing of the kind.)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from viewer.core.constants import JOURNAL_POLL_INTERVAL_S
from viewer.core.health_model import FeedState, Flag
from viewer.core.journal import Journal
from viewer.core.journal_port import JournalPort
from viewer.core.outage_rules import Acknowledgement, OutageRules, Status
from viewer.core.wall_outages import TileSighting, WallOutages

log = logging.getLogger(__name__)


class OutageReporter(QObject):
    """Qt side of :class:`WallOutages`: the poll timer and the feeds' signals. Main thread."""

    def __init__(
        self,
        journal: Journal | JournalPort,
        rules: OutageRules | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = WallOutages(journal, rules, clock)
        self.rules = self.book.rules
        self._feeds: list = []
        self._timer = QTimer(self)
        self._timer.setInterval(int(JOURNAL_POLL_INTERVAL_S * 1000))
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def known_flag(self, camera_id: str) -> Flag | None:
        """The flag of the camera's open outage (any source), None when it is not known down."""
        return self.book.known_flag(camera_id)

    def acknowledgement(self, camera_id: str) -> Acknowledgement | None:
        """Who reported the camera's open outage to the technical team, and when (or None)."""
        return self.book.acknowledgement(camera_id)

    def acknowledge(self, camera_id: str, note: str = "", by: str | None = None) -> Acknowledgement | None:
        """See :meth:`WallOutages.acknowledge`."""
        return self.book.acknowledge(camera_id, note, by)

    def attach(self, feed) -> None:
        self._feeds.append(feed)
        feed.flag_raised.connect(self._flagged)
        feed.flag_updated.connect(self._flagged)
        feed.flag_cleared.connect(self._flagged)  # pictures again: the recovery starts now
        feed.started_playing.connect(lambda f: self._flagged(f, None))
        feed.destroyed.connect(lambda _=None, f=feed: self._forget(f))

    def poll(self) -> None:
        """Report every tile to the rules (the timer calls this every second)."""
        self.book.report([(id(feed), _sighting(feed)) for feed in list(self._feeds)])

    def close(self) -> None:
        """Stop polling; the tiles' coverage ends now (the app exits). Outages stay open."""
        self._timer.stop()
        self.book.close()
        self._feeds.clear()

    def _flagged(self, feed, _flag: Flag | None) -> None:
        """A flag raised, refined or cleared, or pictures: into the rules now, not at the next
        poll (so an outage starts and its recovery begins at the right second)."""
        if feed.camera is None:
            return
        self.book.report([(id(feed), _sighting(feed))])

    def _forget(self, feed) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)
        self.book.forget(id(feed))


def _sighting(feed) -> TileSighting | None:
    """What ``feed``'s tile shows now, or None (stopped or closed: no health)."""
    camera = feed.camera if feed.health is not None else None
    if camera is None:
        return None
    flag = feed.flag
    if flag is not None:
        status = Status.FAILING
    elif feed.state is FeedState.PLAYING:
        status = Status.HEALTHY
    else:
        status = Status.WATCHING
    source = "wall" if feed.visible() else "preroll"
    return TileSighting(camera.id, camera.name, camera.district, source, status, flag)
