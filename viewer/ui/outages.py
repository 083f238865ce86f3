"""The wall's side of the outage journal: what every tile sees, fed to the journal rules.

Every second (``JOURNAL_POLL_INTERVAL_S``) the recorder reports each tile's camera to the
shared :class:`viewer.core.outage_rules.OutageRules` — new pictures (healthy), flagged
(failing) or still opening (watching) — as source ``wall`` (visible) or ``preroll``
(hidden), and a flag the moment it is raised. The rules decide; the recorder writes their
decisions (:mod:`viewer.core.outage_writer`). The same rules serve the background sweep, so a
camera has one outage whoever saw it, and the sweep closes an outage the wall opened once
the tour has moved on.

A camera with an open outage is *known down* (:meth:`OutageRecorder.known_flag`): it is not
pre-rolled, and a tile showing it is flagged at once with the outage's original start.
Main thread only; one recorder serves every feed of every wall window.
"""

from __future__ import annotations

import getpass
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from viewer.core.catalog import Catalog
from viewer.core.constants import JOURNAL_POLL_INTERVAL_S
from viewer.core.health import FeedState, Flag
from viewer.core.journal import Journal
from viewer.core.outage_rules import PICTURE_SOURCES, Acknowledgement, Observation, OutageRules, Status
from viewer.core.outage_writer import acknowledge, apply, rules_for
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)


def operator_name() -> str:
    """The OS user at the keyboard (who acknowledged); ``operator`` if the OS will not say."""
    try:
        return getpass.getuser() or "operator"
    except (OSError, KeyError, ImportError):
        return "operator"


class OutageRecorder(QObject):
    def __init__(
        self,
        journal: Journal,
        catalog: Catalog,
        rules: OutageRules | None = None,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal = journal
        self.catalog = catalog
        self.clock = clock
        self.rules = rules_for(journal, rules)
        closed = journal.close_abandoned_coverage(sorted(PICTURE_SOURCES))
        if closed:
            log.info("journal: %d tile coverage intervals of an earlier run ended", closed)
        self._feeds: list = []
        self._watching: dict[int, tuple[str, str]] = {}  # id(feed) -> (camera id, source)
        self._timer = QTimer(self)
        self._timer.setInterval(int(JOURNAL_POLL_INTERVAL_S * 1000))
        self._timer.timeout.connect(self.poll)
        self._timer.start()

    def known_flag(self, camera_id: str) -> Flag | None:
        """The flag of the camera's open outage (any source), None when it is not known down."""
        state = self.rules.open_state(camera_id)
        if state is None or state.reason is Reason.DEGRADED:  # degraded is not down: pre-roll it
            return None
        return Flag(state.reason, state.started_at, state.detail)

    def acknowledgement(self, camera_id: str) -> Acknowledgement | None:
        """Who reported the camera's open outage to the technical team, and when (or None)."""
        state = self.rules.open_state(camera_id)
        return None if state is None else state.acknowledged

    def acknowledge(self, camera_id: str, note: str = "", by: str | None = None) -> Acknowledgement | None:
        """The operator reported the camera's open outage: record who (the OS user), when and
        the note or ticket number. Returns the acknowledgement, or None when the camera has no
        open outage (it recovered meanwhile). The camera stays flagged until it recovers."""
        ack = Acknowledgement(self.clock(), by or operator_name(), note.strip())
        try:
            if not acknowledge(self.journal, self.rules, camera_id, ack):
                return None
        except Exception:  # a locked or damaged journal must not stop the wall
            log.exception("could not record the acknowledgement of %s", camera_id)
            return None
        return self.acknowledgement(camera_id)

    def attach(self, feed) -> None:
        self._feeds.append(feed)
        feed.flag_raised.connect(self._flagged)
        feed.flag_updated.connect(self._flagged)
        feed.flag_cleared.connect(self._flagged)  # pictures again: the recovery starts now
        feed.started_playing.connect(lambda f: self._flagged(f, None))
        feed.destroyed.connect(lambda _=None, f=feed: self._forget(f))

    def poll(self) -> None:
        """Report every tile to the rules (the timer calls this every second)."""
        now = self.clock()
        decisions = []
        for feed in list(self._feeds):
            decisions += self._observe(feed, now)
        self._write(decisions)

    def close(self) -> None:
        """Stop polling; the tiles' coverage ends now (the app exits). Outages stay open."""
        self._timer.stop()
        self._write(self.rules.stop_sources(sorted(PICTURE_SOURCES), self.clock()))
        self._feeds.clear()
        self._watching.clear()

    # --- internals ------------------------------------------------------------------------
    def _observe(self, feed, now: float) -> list:
        camera = feed.camera if feed.health is not None else None  # no health: stopped or closed
        decisions = []
        previous = self._watching.get(id(feed))
        source = "wall" if camera is not None and feed.visible() else "preroll"
        if previous is not None and (camera is None or previous != (camera.id, source)):
            del self._watching[id(feed)]
            decisions += self.rules.stop_watching(previous[0], previous[1], now)
        if camera is None:
            return decisions
        self._watching[id(feed)] = (camera.id, source)
        flag = feed.flag
        if flag is not None:
            status = Status.FAILING
        elif feed.state is FeedState.PLAYING:
            status = Status.HEALTHY
        else:
            status = Status.WATCHING
        decisions += self.rules.observe(self._observation(feed, source, status, now, flag))
        return decisions

    def _observation(self, feed, source: str, status: Status, now: float, flag: Flag | None) -> Observation:
        camera = feed.camera
        if flag is None:
            return Observation(camera.id, source, status, now)
        return Observation(
            camera.id, source, status, now, flag.reason, flag.detail, flag.since, camera.name, camera.district
        )

    def _flagged(self, feed, flag: Flag | None) -> None:
        """A flag raised, refined or cleared, or pictures: into the rules now, not at the next
        poll (so an outage starts and its recovery begins at the right second)."""
        if feed.camera is None:
            return
        self._write(self._observe(feed, self.clock()))

    def _forget(self, feed) -> None:
        if feed in self._feeds:
            self._feeds.remove(feed)
        watching = self._watching.pop(id(feed), None)
        if watching is not None:
            self._write(self.rules.stop_watching(watching[0], watching[1], self.clock()))

    def _write(self, decisions: list) -> None:
        if not decisions:
            return
        try:
            apply(self.journal, decisions)
        except Exception:  # a locked or damaged journal must not stop the wall
            log.exception("could not write %d journal decisions", len(decisions))
