"""Storm control: many feeds of one recorder (or district) failing at once are one outage.

A recorder is *storming* when at least ``min_feeds`` of its feeds failed with a network
reason (refused, unreachable, timeout) within ``window_s`` of each other. When feeds of
one district fail that way on two or more recorders, none of which storms on its own, the
district storms (its uplink is down). During a storm:

- feeds that fail later on the same recorder (district) join it;
- the recorder gets one return probe per ``probe_interval_s``, from whichever member asks
  first (:meth:`StormDetector.probe_owner`); the others skip theirs. Members take turns as
  their jittered schedules come round, so a channel broken on its own cannot hide the
  recorder's return, and 16 members still find it within about a second;
- the operator sees one summary (:meth:`StormDetector.summary`).

A storm ends when a member's probe finds the recorder answering (any non-network reason,
:meth:`StormDetector.probe_result` returns the ended storm: reopen its other members in a
:meth:`StormDetector.reopen_wave`), or when half of its members have recovered. Feeds still
failing when it ends are handled one by one again and never form a new storm by themselves;
only fresh failures do.

Pure logic, clock passed in (seconds). Not thread-safe: one thread (the Qt main thread)
drives a detector. Feed keys are any hashables (the ``Feed`` objects); hosts and districts
are strings chosen by the caller (``camera.host``, ``camera.district``). Feeds without a
host (files) are ignored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from viewer.core.reasons import Reason

log = logging.getLogger(__name__)

#: Failures that mean "the network or the recorder is gone", not "this camera is wrong".
NETWORK_REASONS = frozenset({Reason.REFUSED, Reason.UNREACHABLE, Reason.TIMEOUT})
#: This many feeds of one recorder (district) failing within STORM_WINDOW_S make a storm.
STORM_MIN_FEEDS = 4
STORM_WINDOW_S = 10.0
#: A district storm needs failures on at least this many recorders.
DISTRICT_STORM_MIN_HOSTS = 2
#: During a storm, one return probe per recorder (district) this often, instead of one per
#: feed every RETURN_PROBE_INTERVAL_S (16 feeds: ~5 probes/s).
STORM_PROBE_INTERVAL_S = 1.0
#: Gap between two reopens of a wave when a recorder returns.
REOPEN_WAVE_SPACING_S = 0.2

#: Words for the summary ("recorder 10.20.4.2 unreachable").
_STORM_WORDS = {
    Reason.UNREACHABLE: "unreachable",
    Reason.REFUSED: "refusing connections",
    Reason.TIMEOUT: "not answering",
}
#: Float slack when comparing a clock reading with a computed due time.
_EPSILON_S = 1e-9
_REASON_RANK = (Reason.UNREACHABLE, Reason.REFUSED, Reason.TIMEOUT)  # tie-break, most telling first


@dataclass(frozen=True)
class Storm:
    """One network outage as the operator should see it.

    ``host`` is the recorder, or ``""`` for a district-wide storm over ``hosts``;
    ``feed_keys`` are the members still failing, in failure order; ``since`` is the first
    member's failure time; ``reason`` the members' most common reason."""

    host: str
    district_ids: tuple[str, ...]
    feed_keys: tuple[Hashable, ...]
    reason: Reason
    since: float
    hosts: tuple[str, ...] = ()


@dataclass
class _Failure:
    host: str
    district: str
    reason: Reason
    at: float
    storm: _Group | None = None
    spent: bool = False  # outlived a storm: no longer counts towards a new one


@dataclass(eq=False)
class _Group:
    key: tuple[str, str]  # ("host", host) or ("district", district_id)
    members: list[Hashable]  # still failing, in failure order
    started_at: float
    recovered: set[Hashable] = field(default_factory=set)
    next_probe_at: float = float("-inf")


class StormDetector:
    """Groups network failures into storms; see the module docstring."""

    def __init__(
        self,
        min_feeds: int = STORM_MIN_FEEDS,
        window_s: float = STORM_WINDOW_S,
        probe_interval_s: float = STORM_PROBE_INTERVAL_S,
    ) -> None:
        if min_feeds < 2:
            raise ValueError(f"min_feeds must be >= 2, got {min_feeds}")
        self.min_feeds = min_feeds
        self.window_s = window_s
        self.probe_interval_s = probe_interval_s
        self.probes_skipped = 0  # return probes saved by storm control (for benchmarks)
        self._failures: dict[Hashable, _Failure] = {}  # failing feeds, in failure order
        self._groups: dict[tuple[str, str], _Group] = {}  # active storms

    # --- observations --------------------------------------------------------------------
    def feed_failed(self, feed_key: Hashable, host: str, district: str, reason: Reason, now: float) -> None:
        """A feed is flagged (or its flag's reason changed). Call on every flag raise/update
        with the flag's (probe-refined) reason; non-network reasons take the feed out."""
        if reason not in NETWORK_REASONS or not host:
            self.forget(feed_key, now)
            return
        failure = self._failures.get(feed_key)
        if failure is not None and (failure.host, failure.district) == (host, district):
            failure.reason = reason  # same outage, refined: keep its time and storm
            return
        self.forget(feed_key, now)
        failure = self._failures[feed_key] = _Failure(host, district, reason, now)
        group = self._groups.get(("host", host)) or self._groups.get(("district", district))
        if group is not None:
            self._join(group, feed_key, failure)
        else:
            self._detect(host, district, now)

    def feed_recovered(self, feed_key: Hashable, now: float) -> None:
        """Pictures again: the feed leaves its storm, which ends once half have recovered."""
        failure = self._failures.pop(feed_key, None)
        group = failure.storm if failure is not None else None
        if group is None:
            return
        group.members.remove(feed_key)
        group.recovered.add(feed_key)
        self._end_if_half_recovered(group, now)

    def forget(self, feed_key: Hashable, now: float | None = None) -> None:
        """The feed stopped showing this camera (or fails for a non-network reason): drop it
        without counting it as recovered."""
        failure = self._failures.pop(feed_key, None)
        group = failure.storm if failure is not None else None
        if group is None:
            return
        group.members.remove(feed_key)
        if not group.members:
            del self._groups[group.key]
        elif group.recovered and now is not None:
            self._end_if_half_recovered(group, now)

    def probe_result(self, feed_key: Hashable, reason: Reason, now: float) -> Storm | None:
        """Report every probe result of a failing feed. A member's probe that finds the
        recorder answering (any non-network reason) ends the storm and returns it: reopen
        its other members in a :meth:`reopen_wave`. Otherwise None."""
        failure = self._failures.get(feed_key)
        group = failure.storm if failure is not None else None
        if group is None or reason in NETWORK_REASONS:
            return None
        storm = self._snapshot(group)
        self._end(group, f"a probe got an answer ({reason})", now)
        return storm

    # --- decisions -----------------------------------------------------------------------
    def probe_owner(self, feed_key: Hashable, host: str, now: float) -> bool:
        """May this feed run its return probe now? True outside storms; in a storm, True for
        the first member to ask once ``probe_interval_s`` has passed since the storm's last
        probe (it probes for everyone), False for the others (skip, and ask again at the
        next return-probe time). ``host`` is only for the log."""
        failure = self._failures.get(feed_key)
        group = failure.storm if failure is not None else None
        if group is None:
            return True
        if now + _EPSILON_S < group.next_probe_at:
            self.probes_skipped += 1
            return False
        group.next_probe_at = now + self.probe_interval_s
        log.debug("storm %s=%s: %r probes %s for the storm", group.key[0], group.key[1], feed_key, host)
        return True

    def storms(self, now: float) -> list[Storm]:
        """The active storms, oldest first (``now`` is accepted for a uniform API; storms
        change only on the calls above)."""
        return sorted((self._snapshot(g) for g in self._groups.values()), key=lambda s: s.since)

    def storm_of(self, feed_key: Hashable) -> Storm | None:
        failure = self._failures.get(feed_key)
        return self._snapshot(failure.storm) if failure is not None and failure.storm is not None else None

    def summary(self, storm: Storm, district_names: Mapping[str, str]) -> str:
        """One line for the flag: ``"Semarang Utara: recorder 10.20.4.2 unreachable, 24
        cameras"``; a district storm reads ``"Tugu: 6 recorders unreachable, 24 cameras"``."""
        places = ", ".join(district_names.get(d, d) for d in storm.district_ids)
        words = _STORM_WORDS.get(storm.reason, str(storm.reason))
        what = f"recorder {storm.host}" if storm.host else f"{len(storm.hosts)} recorders"
        count = len(storm.feed_keys)
        return f"{places}: {what} {words}, {count} camera{'' if count == 1 else 's'}"

    def reopen_wave(
        self, host: str, feed_keys: Iterable[Hashable], now: float, spacing_s: float = REOPEN_WAVE_SPACING_S
    ) -> dict[Hashable, float]:
        """When ``host`` answers again: each feed's reopen time, ``spacing_s`` apart in the
        given order (put visible tiles first), the first one at ``now``."""
        wave = {key: now + i * spacing_s for i, key in enumerate(feed_keys)}
        log.info("recorder %s answers again: reopening %d feeds over %.1f s", host, len(wave), spacing_s * len(wave))
        return wave

    # --- internals -----------------------------------------------------------------------
    def _detect(self, host: str, district: str, now: float) -> None:
        loose = {k: f for k, f in self._failures.items() if f.storm is None and not f.spent}
        recent = {k: f for k, f in loose.items() if f.at > now - self.window_s}
        on_host = [k for k, f in recent.items() if f.host == host]
        if len(on_host) >= self.min_feeds:  # the whole recorder: its older failures too
            self._start(("host", host), [k for k, f in loose.items() if f.host == host], now)
            return
        in_district = [k for k, f in recent.items() if f.district == district]
        hosts = {recent[k].host for k in in_district}
        if len(in_district) >= self.min_feeds and len(hosts) >= DISTRICT_STORM_MIN_HOSTS:
            self._start(("district", district), in_district, now)

    def _start(self, key: tuple[str, str], feed_keys: list[Hashable], now: float) -> None:
        group = self._groups[key] = _Group(key, [], now)
        for feed_key in feed_keys:
            self._join(group, feed_key, self._failures[feed_key])
        storm = self._snapshot(group)
        log.warning(
            "storm %s=%s: %d feeds failed together (%s) since %.1f s ago",
            key[0],
            key[1],
            len(storm.feed_keys),
            storm.reason,
            now - storm.since,
        )

    def _join(self, group: _Group, feed_key: Hashable, failure: _Failure) -> None:
        failure.storm = group
        group.members.append(feed_key)

    def _end_if_half_recovered(self, group: _Group, now: float) -> None:
        if 2 * len(group.recovered) >= len(group.members) + len(group.recovered):
            self._end(group, f"{len(group.recovered)} of its feeds recovered", now)

    def _end(self, group: _Group, why: str, now: float) -> None:
        log.info("storm %s=%s over after %.0f s: %s", group.key[0], group.key[1], now - group.started_at, why)
        for feed_key in group.members:
            failure = self._failures[feed_key]
            failure.storm = None
            failure.spent = True
        self._groups.pop(group.key, None)

    def _snapshot(self, group: _Group) -> Storm:
        failures = [self._failures[k] for k in group.members]
        districts = tuple(dict.fromkeys(f.district for f in failures))
        hosts = tuple(dict.fromkeys(f.host for f in failures))
        counts = Counter(f.reason for f in failures)
        reason = min(counts, key=lambda r: (-counts[r], _REASON_RANK.index(r))) if counts else Reason.UNREACHABLE
        since = min((f.at for f in failures), default=0.0)
        host = group.key[1] if group.key[0] == "host" else ""
        return Storm(host, districts, tuple(group.members), reason, since, hosts)
