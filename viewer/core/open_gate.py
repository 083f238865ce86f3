"""Per-recorder open limit: cameras behind one NVR open a few at a time, in order.

A recorder (``host:port``) gets at most ``per_host_limit`` player opens in flight, and no
two opens to it closer together than ``stagger_s``; further requests wait in a FIFO queue.
A slot is held from the grant until the caller :meth:`OpenGate.release`\\ s it: on the
first bytes or first picture, on a failure, or on a stop — whichever comes first. A slot
held longer than ``slot_timeout_s`` is reclaimed, so a lost release never blocks a
recorder for good.

Pure logic, clock passed in (seconds, any clock, the same one for every call). Not
thread-safe: one thread (the Qt main thread) drives a gate. Feed keys are any hashables
(the ``Feed`` objects themselves, so one camera shown in two windows is two keys). An
empty host (file URLs) is never limited.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable
from dataclasses import dataclass
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

#: Opens in flight per recorder (host:port).
OPEN_SLOTS_PER_RECORDER = 4
#: No two opens to one recorder closer together than this.
OPEN_STAGGER_S = 0.05
#: A slot not released after this long is taken back (a lost release must not block).
OPEN_SLOT_TIMEOUT_S = 10.0

#: Float slack when comparing a clock reading with a computed due time.
_EPSILON_S = 1e-9

_DEFAULT_PORTS = {"rtsp": 554, "rtsps": 322, "rtspt": 554, "rtspu": 554, "http": 80, "https": 443}


def recorder_key(url: str) -> str:
    """``"host:port"`` of the recorder serving ``url`` (lower-case; the scheme's default port
    when none is written); ``""`` for URLs without a host (files)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if not host:
        return ""
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or _DEFAULT_PORTS.get(parts.scheme.lower())
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    return f"{host}:{port}" if port else host


@dataclass
class _Slot:
    host: str
    taken_at: float


class OpenGate:
    """The open queue of all feeds; see the module docstring."""

    def __init__(
        self,
        per_host_limit: int = OPEN_SLOTS_PER_RECORDER,
        stagger_s: float = OPEN_STAGGER_S,
        slot_timeout_s: float = OPEN_SLOT_TIMEOUT_S,
    ) -> None:
        if per_host_limit < 1:
            raise ValueError(f"per_host_limit must be >= 1, got {per_host_limit}")
        if stagger_s < 0 or slot_timeout_s <= 0:
            raise ValueError("stagger_s must be >= 0 and slot_timeout_s > 0")
        self.per_host_limit = per_host_limit
        self.stagger_s = stagger_s
        self.slot_timeout_s = slot_timeout_s
        self._slots: dict[Hashable, _Slot] = {}  # feed -> slot it holds
        self._queue: dict[Hashable, str] = {}  # feed -> host, in request order (FIFO)
        self._last_grant_at: dict[str, float] = {}
        self.reclaimed_count = 0  # slots taken back after slot_timeout_s (a lost release)

    # --- calls from the feeds ----------------------------------------------------------
    def request(self, feed_key: Hashable, host: str, now: float) -> bool:
        """Ask to open now. True: go ahead (a slot is taken). False: queued; :meth:`due`
        hands it out later. A feed that already holds a slot keeps it (True); one already
        queued keeps its place (False)."""
        self._reclaim(now)
        if not host:
            self.cancel(feed_key)
            return True
        slot = self._slots.get(feed_key)
        if slot is not None and slot.host == host:
            slot.taken_at = now
            return True
        if self._queue.get(feed_key) == host:
            return False
        self.cancel(feed_key)  # a different recorder than before: start over
        if not self._queued_ahead(host) and self._can_grant(host, now):
            self._grant(feed_key, host, now)
            return True
        self._queue[feed_key] = host
        log.debug("open of %r queued behind recorder %s (%d in flight)", feed_key, host, self.in_flight(host))
        return False

    def release(self, feed_key: Hashable, now: float) -> None:
        """This open attempt is over — first bytes or picture, failure, or stop: free the
        slot (and leave the queue if still waiting). Idempotent."""
        slot = self._slots.pop(feed_key, None)
        self._queue.pop(feed_key, None)
        if slot is not None:
            log.debug("recorder %s: slot of %r released after %.2f s", slot.host, feed_key, now - slot.taken_at)

    def cancel(self, feed_key: Hashable) -> None:
        """The feed no longer wants to open (camera swapped, window closed): leave the queue
        and free any slot. Idempotent. Same effect as :meth:`release`, without a clock."""
        self._slots.pop(feed_key, None)
        self._queue.pop(feed_key, None)

    # --- calls from the wall's timer -----------------------------------------------------
    def due(self, now: float) -> list[Hashable]:
        """Queued feeds that may open now, in request order; each has taken a slot. Call after
        every release and from the health tick (and at :meth:`next_due_at`)."""
        self._reclaim(now)
        granted: list[Hashable] = []
        blocked: set[str] = set()  # FIFO per recorder: nobody overtakes a waiting feed
        for feed_key, host in list(self._queue.items()):
            if host in blocked:
                continue
            if self._can_grant(host, now):
                del self._queue[feed_key]
                self._grant(feed_key, host, now)
                granted.append(feed_key)
            else:
                blocked.add(host)
        return granted

    def next_due_at(self, now: float) -> float | None:
        """When :meth:`due` could next hand out a slot without any release (a stagger ending
        or a slot timing out), or None when nothing waits. Arm a single-shot timer for it."""
        times: list[float] = []
        for host in set(self._queue.values()):
            held = [s.taken_at for s in self._slots.values() if s.host == host]
            if len(held) < self.per_host_limit:
                times.append(self._last_grant_at.get(host, float("-inf")) + self.stagger_s)
            else:
                times.append(min(held) + self.slot_timeout_s)
        return max(min(times), now) if times else None

    # --- queries -------------------------------------------------------------------------
    def in_flight(self, host: str) -> int:
        return sum(1 for s in self._slots.values() if s.host == host)

    def holds(self, feed_key: Hashable) -> bool:
        return feed_key in self._slots

    def queue_position(self, feed_key: Hashable) -> int | None:
        """0 for the next feed of its recorder to open, None when not queued (for captions:
        "waiting for recorder, 3 ahead")."""
        host = self._queue.get(feed_key)
        if host is None:
            return None
        ahead = 0
        for key, other in self._queue.items():
            if key == feed_key:
                return ahead
            ahead += other == host
        return None  # unreachable: the key is in the queue

    def queued(self) -> list[Hashable]:
        return list(self._queue)

    # --- internals -----------------------------------------------------------------------
    def _queued_ahead(self, host: str) -> bool:
        return host in self._queue.values()

    def _can_grant(self, host: str, now: float) -> bool:
        if self.in_flight(host) >= self.per_host_limit:
            return False
        return now + _EPSILON_S >= self._last_grant_at.get(host, float("-inf")) + self.stagger_s

    def _grant(self, feed_key: Hashable, host: str, now: float) -> None:
        self._slots[feed_key] = _Slot(host, now)
        self._last_grant_at[host] = now

    def _reclaim(self, now: float) -> None:
        for feed_key, slot in list(self._slots.items()):
            if now - slot.taken_at + _EPSILON_S >= self.slot_timeout_s:
                del self._slots[feed_key]
                self.reclaimed_count += 1
                log.warning(
                    "recorder %s: open slot of %r not released after %.0f s, taken back",
                    slot.host,
                    feed_key,
                    now - slot.taken_at,
                )
