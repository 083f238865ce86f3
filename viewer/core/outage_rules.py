"""The journal's rules: observations of several sources in, journal decisions out (pure).

Sources: ``wall`` (a visible tile), ``preroll`` (a hidden, pre-rolled tile), ``sweep`` (the
background probe of every camera) and ``monitor`` (the headless monitor). Tiles see pictures;
the sweep and the monitor only probe. The rules:

- ONE outage per camera at a time, opened by whichever source saw the fault first, starting
  when that source first saw it (``Observation.since``). Other sources' failures refine it
  only when they see pictures or opened it themselves.
- It ends when ANY source sees the camera healthy, at the time it was FIRST seen healthy —
  but only once healthy evidence has lasted ``confirm_s`` (hysteresis) without a real
  failure in between, so a fault that flickers (a stale HLS playlist replayed on every
  reopen) is one outage, not three.
- Pictures win: a probe failing while a tile shows new pictures, or a probe answering while
  a tile shows none, is a *contradiction*: noted once (a ``Note`` decision), never an outage
  and never a recovery.
- Coverage: every observation also says "this source watches this camera now"; the rules
  turn that into ``Watch`` decisions at most every ``heartbeat_s`` (or half the source's
  coverage gap, when that is shorter) per camera and source, and
  ``Unwatch`` when a source stops (a tile moved on, the app exits). Time nobody watched is
  unknown, never up.

Data in, data out, clock passed in (``Observation.at``, UTC epoch seconds); no Qt, no I/O.
Not thread-safe: one instance per journal, used on the journal's thread. The wall, the
sweep and ``videowall monitor`` all feed the same rules (see :mod:`viewer.core.outage_writer`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from viewer.core import constants as C
from viewer.core.reasons import Reason

#: Sources that see pictures (their verdict wins over a probe's).
PICTURE_SOURCES = frozenset({"wall", "preroll"})
#: Sources that probe the camera without decoding pictures.
PROBE_SOURCES = frozenset({"sweep", "monitor"})
#: Note kind for an observation overruled by pictures.
CONTRADICTION = "contradiction"


class Status(enum.Enum):
    HEALTHY = "healthy"  # tile: new pictures; probe: the camera answered properly
    FAILING = "failing"  # tile: flagged; probe: any reason but ok
    WATCHING = "watching"  # watched, no verdict yet (a tile still opening)


@dataclass(frozen=True)
class Observation:
    """What one source saw of one camera at ``at`` (UTC epoch seconds)."""

    camera_id: str
    source: str
    status: Status
    at: float
    reason: Reason | None = None  # FAILING: why
    detail: str = ""
    since: float | None = None  # FAILING: when this source first saw the fault (default: at)
    camera_name: str = ""
    district: str = ""


# --- decisions ---------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenOutage:
    camera_id: str
    camera_name: str
    district: str
    reason: Reason
    detail: str
    started_at: float
    source: str


@dataclass(frozen=True)
class UpdateOutage:
    camera_id: str
    reason: Reason
    detail: str


@dataclass(frozen=True)
class CloseOutage:
    camera_id: str
    ended_at: float  # the first healthy observation of the confirmed recovery


@dataclass(frozen=True)
class AddNote:
    camera_id: str
    kind: str
    source: str
    detail: str
    at: float


@dataclass(frozen=True)
class Watch:
    camera_id: str
    source: str
    at: float
    max_gap_s: float


@dataclass(frozen=True)
class Unwatch:
    camera_id: str
    source: str
    at: float


Decision = OpenOutage | UpdateOutage | CloseOutage | AddNote | Watch | Unwatch


@dataclass(frozen=True)
class Acknowledgement:
    """An operator reported the outage to the technical team."""

    at: float  # UTC epoch seconds
    by: str  # the operator's OS user name
    note: str = ""  # free text or a ticket number


@dataclass(frozen=True)
class OpenState:
    """The camera's open outage as the rules know it."""

    reason: Reason
    started_at: float
    source: str
    detail: str = ""
    acknowledged: Acknowledgement | None = None


class OutageRules:
    """Decides outages and coverage from observations (see the module docstring).

    ``coverage_gap_s``: per source, how long without an observation a coverage interval
    survives (tiles: ``TILE_COVERAGE_GAP_S``; a sweep: about three of its intervals — set it
    with :meth:`set_coverage_gap`). Units: seconds.
    """

    def __init__(
        self,
        confirm_s: float = C.RECOVERY_CONFIRM_S,
        pictures_current_s: float = C.PICTURES_CURRENT_S,
        heartbeat_s: float = C.COVERAGE_HEARTBEAT_S,
        coverage_gap_s: Mapping[str, float] | None = None,
    ) -> None:
        self.confirm_s = confirm_s
        self.pictures_current_s = pictures_current_s
        self.heartbeat_s = heartbeat_s
        self._gap_s = {"wall": C.TILE_COVERAGE_GAP_S, "preroll": C.TILE_COVERAGE_GAP_S}
        self._gap_s.update(coverage_gap_s or {})
        self._open: dict[str, OpenState] = {}
        self._recovery: dict[str, tuple[float, float]] = {}  # camera -> (first, last) healthy
        self._pictures_ok_at: dict[str, float] = {}  # camera -> a tile's last "new pictures"
        self._pictures_bad_at: dict[str, float] = {}  # camera -> a tile's last "flagged"
        self._noted: set[tuple[str, str]] = set()  # (camera, source) contradictions noted
        self._watch_written: dict[tuple[str, str], float] = {}  # (camera, source) -> last Watch
        self._last_closed: dict[str, float] = {}  # camera -> end of its last outage
        self._last_healthy: dict[str, dict[str, float]] = {}  # camera -> source -> last healthy

    # --- state ------------------------------------------------------------------------------
    def set_coverage_gap(self, source: str, gap_s: float) -> None:
        self._gap_s[source] = gap_s

    def coverage_gap(self, source: str) -> float:
        return self._gap_s.get(source, 3 * self.heartbeat_s)

    def adopt(
        self, camera_id: str, reason: Reason, started_at: float, source: str, detail: str = "",
        acknowledged: Acknowledgement | None = None,
    ) -> None:  # fmt: skip
        """An outage open in the journal already (left by an earlier run, or another writer)."""
        self._open[camera_id] = OpenState(Reason(reason), started_at, source, detail, acknowledged)

    def acknowledge(self, camera_id: str, acknowledgement: Acknowledgement) -> bool:
        """Remember who acknowledged the camera's open outage (False: none is open). The
        outage stays open, and the camera flagged, until it really recovers."""
        state = self._open.get(camera_id)
        if state is None:
            return False
        self._open[camera_id] = replace(state, acknowledged=acknowledgement)
        return True

    def open_state(self, camera_id: str) -> OpenState | None:
        return self._open.get(camera_id)

    def open_outages(self) -> dict[str, OpenState]:
        return dict(self._open)

    def pictures_seen_at(self, camera_id: str) -> float | None:
        """When a tile last reported new pictures of the camera (None: not lately)."""
        return self._pictures_ok_at.get(camera_id)

    def recovering_since(self, camera_id: str) -> float | None:
        """First healthy observation of a recovery not confirmed yet (None: none pending)."""
        pending = self._recovery.get(camera_id)
        return None if pending is None else pending[0]

    # --- observations -----------------------------------------------------------------------
    def observe_all(self, observations: Iterable[Observation]) -> list[Decision]:
        decisions: list[Decision] = []
        for observation in observations:
            decisions += self.observe(observation)
        return decisions

    def observe(self, obs: Observation) -> list[Decision]:
        decisions: list[Decision] = []
        self._cover(obs, decisions)
        if obs.status is Status.HEALTHY:
            self._healthy(obs, decisions)
        elif obs.status is Status.FAILING:
            self._failing(obs, decisions)
        return decisions

    def stop_watching(self, camera_id: str, source: str, at: float) -> list[Decision]:
        """``source`` no longer watches ``camera_id`` (a tile moved on; the sweep dropped it)."""
        if self._watch_written.pop((camera_id, source), None) is None:
            return []
        if source in PICTURE_SOURCES:
            self._pictures_ok_at.pop(camera_id, None)
            self._pictures_bad_at.pop(camera_id, None)
        return [Unwatch(camera_id, source, at)]

    def stop_sources(self, sources: Iterable[str], at: float) -> list[Decision]:
        """Every camera watched by ``sources`` stops being watched (the app exits)."""
        wanted = set(sources)
        decisions: list[Decision] = []
        for camera_id, source in [key for key in self._watch_written if key[1] in wanted]:
            decisions += self.stop_watching(camera_id, source, at)
        return decisions

    # --- internals --------------------------------------------------------------------------
    def _cover(self, obs: Observation, decisions: list[Decision]) -> None:
        key = (obs.camera_id, obs.source)
        last = self._watch_written.get(key)
        # a Watch must follow the last one within the source's coverage gap, or the journal
        # starts a new interval and the time between counts as unwatched (a monitor with a
        # short --max-age has a gap of a few seconds, far below the heartbeat)
        heartbeat_s = min(self.heartbeat_s, self.coverage_gap(obs.source) / 2)
        if last is None or obs.at - last >= heartbeat_s or obs.at < last:
            self._watch_written[key] = obs.at
            decisions.append(Watch(obs.camera_id, obs.source, obs.at, self.coverage_gap(obs.source)))

    def _current(self, table: dict[str, float], camera_id: str, at: float) -> bool:
        seen = table.get(camera_id)
        return seen is not None and at - seen <= self.pictures_current_s

    def _healthy(self, obs: Observation, decisions: list[Decision]) -> None:
        camera = obs.camera_id
        if obs.source in PICTURE_SOURCES:
            self._pictures_ok_at[camera] = obs.at
            self._pictures_bad_at.pop(camera, None)
        elif self._current(self._pictures_bad_at, camera, obs.at):
            self._note(obs, "the probe answers but the wall shows no new pictures", decisions)
            return
        self._noted.discard((camera, obs.source))
        by_source = self._last_healthy.setdefault(camera, {})
        by_source[obs.source] = max(obs.at, by_source.get(obs.source, obs.at))
        if camera not in self._open:
            self._recovery.pop(camera, None)
            return
        pending = self._recovery.get(camera)
        if pending is None or obs.at - pending[1] > self.coverage_gap(obs.source):
            pending = (obs.at, obs.at)  # fresh evidence (older evidence was too far apart)
        else:
            pending = (pending[0], max(pending[1], obs.at))
        if pending[1] - pending[0] < self.confirm_s:
            self._recovery[camera] = pending
            return
        state = self._open.pop(camera)
        self._recovery.pop(camera, None)
        ended = max(pending[0], state.started_at)
        self._last_closed[camera] = ended
        decisions.append(CloseOutage(camera, ended))

    def _failing(self, obs: Observation, decisions: list[Decision]) -> None:
        camera = obs.camera_id
        reason = obs.reason or Reason.ERROR
        if obs.source in PICTURE_SOURCES:
            self._pictures_bad_at[camera] = obs.at
            self._pictures_ok_at.pop(camera, None)
        elif self._current(self._pictures_ok_at, camera, obs.at):
            self._note(obs, f"{reason.value}: {obs.detail}; the wall shows new pictures", decisions)
            return
        self._noted.discard((camera, obs.source))
        self._recovery.pop(camera, None)  # a real failure: the recovery was not one
        state = self._open.get(camera)
        if state is None:
            since = obs.at if obs.since is None else min(obs.since, obs.at)
            # never before another source last saw it healthy (a probe failing for long while the
            # tile showed pictures starts its outage when the pictures were last seen); the
            # source's own ``since`` is its best knowledge, and a probe's "ok" never moves the
            # start of what a tile saw (pictures win)
            others = (
                t for s, t in self._last_healthy.get(camera, {}).items()
                if s != obs.source and (s in PICTURE_SOURCES or obs.source not in PICTURE_SOURCES)
            )  # fmt: skip
            seen_healthy = max(self._last_closed.get(camera, -math.inf), *others, -math.inf)
            started = min(max(since, seen_healthy), obs.at)
            self._open[camera] = OpenState(reason, started, obs.source, obs.detail)
            decisions.append(
                OpenOutage(camera, obs.camera_name, obs.district, reason, obs.detail, started, obs.source)
            )
            return
        may_refine = obs.source in PICTURE_SOURCES or obs.source == state.source
        if may_refine and (reason is not state.reason or obs.detail != state.detail):
            self._open[camera] = replace(state, reason=reason, detail=obs.detail)
            if reason is not state.reason:
                decisions.append(UpdateOutage(camera, reason, obs.detail))

    def _note(self, obs: Observation, text: str, decisions: list[Decision]) -> None:
        key = (obs.camera_id, obs.source)
        if key not in self._noted:
            self._noted.add(key)
            decisions.append(AddNote(obs.camera_id, CONTRADICTION, obs.source, text, obs.at))
