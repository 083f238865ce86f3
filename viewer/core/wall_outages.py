"""The wall's outage bookkeeping, without Qt: what each tile sees, fed to the journal rules.

A tile reports a :class:`TileSighting` (its camera, ``wall`` when visible or ``preroll``
when hidden, and healthy / failing / watching) or None (it shows nothing). The shared
:class:`viewer.core.outage_rules.OutageRules` decide; :class:`WallOutages` writes their
decisions (:mod:`viewer.core.outage_writer`) through a journal port
(:mod:`viewer.core.journal_port`: on the wall, the journal's own thread — the rules decide
here, at once; the disk is written there). The same rules serve the background sweep, so
a camera has one outage whoever saw it.

A camera with an open outage is *known down* (:meth:`WallOutages.known_flag`). The clock is
passed in (seconds, ``time.time`` in the app). Not thread-safe: one thread calls it (the
wall's Qt main thread, through ``viewer.ui.outages``).
"""

from __future__ import annotations

import getpass
import logging
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from viewer.core.health_model import Flag
from viewer.core.journal import Journal, stored_ack_note
from viewer.core.journal_port import JournalPort, as_port
from viewer.core.outage_rules import PICTURE_SOURCES, Acknowledgement, Observation, OutageRules, Status
from viewer.core.outage_writer import apply, record_acknowledgement, rules_for
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)


def operator_name() -> str:
    """The OS user at the keyboard (who acknowledged); ``operator`` if the OS will not say."""
    try:
        return getpass.getuser() or "operator"
    except (OSError, KeyError, ImportError):
        return "operator"


@dataclass(frozen=True)
class TileSighting:
    """What one tile shows now: ``source`` is ``wall`` (visible) or ``preroll`` (hidden);
    ``flag`` is set when ``status`` is FAILING."""

    camera_id: str
    camera_name: str
    district: str
    source: str
    status: Status
    flag: Flag | None = None


class WallOutages:
    """Every tile of every wall window, reported to the journal rules. One per app."""

    def __init__(
        self,
        journal: Journal | JournalPort,
        rules: OutageRules | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Reads the journal's open outages once (blocking: start-up), then only writes."""
        self.journal = as_port(journal)
        self.clock = clock
        self.rules = self.journal.call(lambda j: rules_for(j, rules))
        self.journal.submit(_close_abandoned_tile_coverage, what="ending an earlier run's tile coverage")
        self._watching: dict[Hashable, tuple[str, str]] = {}  # tile -> (camera id, source)

    def known_flag(self, camera_id: str) -> Flag | None:
        """The flag of the camera's open outage (any source), None when it is not known down
        (a degraded camera is not down: it is pre-rolled and shown like any other)."""
        state = self.rules.open_state(camera_id)
        if state is None or state.reason is Reason.DEGRADED:
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
        ack = Acknowledgement(self.clock(), by or operator_name(), stored_ack_note(note.strip()))
        if not self.rules.acknowledge(camera_id, ack):
            return None
        self.journal.submit(lambda j: record_acknowledgement(j, camera_id, ack),
                            what=f"acknowledgement of {camera_id}")  # fmt: skip
        return self.acknowledgement(camera_id)

    def report(self, sightings: Iterable[tuple[Hashable, TileSighting | None]]) -> None:
        """What each tile (any hashable key) shows now, in one journal write."""
        now = self.clock()
        decisions: list = []
        for tile, sighting in sightings:
            decisions += self._observe(tile, sighting, now)
        self._write(decisions)

    def forget(self, tile: Hashable) -> None:
        """The tile is gone: its camera's coverage by it ends now."""
        watching = self._watching.pop(tile, None)
        if watching is not None:
            self._write(self.rules.stop_watching(watching[0], watching[1], self.clock()))

    def close(self) -> None:
        """The tiles' coverage ends now (the app exits). Outages stay open."""
        self._write(self.rules.stop_sources(sorted(PICTURE_SOURCES), self.clock()))
        self._watching.clear()

    # --- internals ------------------------------------------------------------------------
    def _observe(self, tile: Hashable, sighting: TileSighting | None, now: float) -> list:
        decisions = []
        previous = self._watching.get(tile)
        if previous is not None and (sighting is None or previous != (sighting.camera_id, sighting.source)):
            del self._watching[tile]
            decisions += self.rules.stop_watching(previous[0], previous[1], now)
        if sighting is None:
            return decisions
        self._watching[tile] = (sighting.camera_id, sighting.source)
        decisions += self.rules.observe(_observation(sighting, now))
        return decisions

    def _write(self, decisions: list) -> None:
        if decisions:  # a failing write is logged by the port: a damaged journal never stops the wall
            self.journal.submit(lambda j: apply(j, decisions), what=f"{len(decisions)} journal decisions")


def _close_abandoned_tile_coverage(journal: Journal) -> None:
    closed = journal.close_abandoned_coverage(sorted(PICTURE_SOURCES))
    if closed:
        log.info("journal: %d tile coverage intervals of an earlier run ended", closed)


def _observation(sighting: TileSighting, now: float) -> Observation:
    flag = sighting.flag
    if flag is None:
        return Observation(sighting.camera_id, sighting.source, sighting.status, now)
    return Observation(sighting.camera_id, sighting.source, sighting.status, now, flag.reason, flag.detail,
                       flag.since, sighting.camera_name, sighting.district)
