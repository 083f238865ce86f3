"""Gentle on recorders: per-recorder open limits and network-storm handling, on the Qt side.

One :class:`RecorderCoordinator` serves every feed of every wall window:
- opens wait for a slot of their recorder (host:port) in :class:`viewer.core.open_gate.OpenGate`,
  so a page of 16 cameras behind one NVR opens in an orderly way; a slot is released when
  the stream starts (libVLC "Playing"), fails or is stopped;
- failures feed :class:`viewer.core.storm.StormDetector`: when many feeds of one recorder fail
  together, one feed probes for all of them, one summary names the outage, and when the
  recorder answers again the others reopen in a staggered wave.
Main thread only.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.core.open_gate import OPEN_SLOTS_PER_RECORDER, OpenGate, recorder_key
from viewer.core.probe import ProbeResult
from viewer.core.reasons import Reason
from viewer.core.storm import StormDetector

log = logging.getLogger(__name__)

#: Recorders here handled 8 parallel opens well in the simulation of the recovery issue
#: (16 tiles on a slow recorder: page up in 4.4 s at 8, 7.9 s at 4).
DEFAULT_OPEN_SLOTS = max(8, OPEN_SLOTS_PER_RECORDER)
#: Gap between two opens granted on one recorder. The core default (50 ms) made a 16-tile
#: page take 0.8 s longer in the benchmarks; the slot limit already keeps opens orderly.
OPEN_STAGGER_S = 0.01


class RecorderCoordinator(QObject):
    storms_changed = Signal()

    def __init__(self, clock: Callable[[], float] = time.monotonic, open_slots: int = DEFAULT_OPEN_SLOTS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.clock = clock
        self.gate = OpenGate(per_host_limit=open_slots, stagger_s=OPEN_STAGGER_S)
        self.storms = StormDetector()
        self._pump_timer = QTimer(self)
        self._pump_timer.setSingleShot(True)
        self._pump_timer.timeout.connect(self.pump)
        self._storm_count = 0
        self._wave_at: dict[object, float] = {}  # storm members waiting for their turn in a reopen wave

    # --- open slots -----------------------------------------------------------------
    def request_open(self, feed, url: str) -> bool:
        """True: open now. False: queued; ``feed.begin_open()`` is called when a slot frees."""
        granted = self.gate.request(feed, recorder_key(url), self.clock())
        if not granted:
            self._arm()
        return granted

    def release(self, feed) -> None:
        self.gate.release(feed, self.clock())
        self.pump()

    def cancel(self, feed) -> None:
        self.gate.cancel(feed)
        self.pump()

    def pump(self) -> None:
        now = self.clock()
        for feed in self.gate.due(now):
            feed.begin_open()
        self._arm()

    def _arm(self) -> None:
        now = self.clock()
        due_at = self.gate.next_due_at(now)
        if due_at is not None:
            self._pump_timer.start(max(0, int((due_at - now) * 1000)))

    # --- storms ---------------------------------------------------------------------
    def feed_failed(self, feed, reason: Reason) -> None:
        camera = feed.camera
        if camera is None:
            return
        self.storms.feed_failed(feed, camera.host, camera.district, reason, self.clock())
        self._storms_maybe_changed()

    def feed_recovered(self, feed) -> None:
        self.storms.feed_recovered(feed, self.clock())
        self._storms_maybe_changed()

    def forget(self, feed) -> None:
        self._wave_at.pop(feed, None)
        self.storms.forget(feed, self.clock())
        self._storms_maybe_changed()

    def probe_allowed(self, feed) -> Callable[[float], bool]:
        def allowed(_now: float) -> bool:
            camera = feed.camera
            if camera is None:
                return True
            if self._waiting_for_wave(feed):
                return False  # the wave reopens it: no probe of its own meanwhile
            return self.storms.probe_owner(feed, camera.host, self.clock())

        return allowed

    def hold_retry(self, feed) -> Callable[[float], bool]:
        """Members of a storm wait for the storm's wave instead of retrying on their own."""
        return lambda _now: self.storms.storm_of(feed) is not None or self._waiting_for_wave(feed)

    def _waiting_for_wave(self, feed) -> bool:
        at = self._wave_at.get(feed)
        if at is None:
            return False
        if self.clock() >= at:
            del self._wave_at[feed]
            return False
        return True

    def probe_result(self, feed, result: ProbeResult) -> None:
        """A storm member's probe got an answer: the recorder is back; reopen the others in a wave."""
        ended = self.storms.probe_result(feed, result.reason, self.clock())
        if ended is None:
            return
        others = [k for k in ended.feed_keys if k is not feed]
        others.sort(key=lambda f: not f.visible())  # visible tiles first
        start = self.clock()
        for member, at in self.storms.reopen_wave(ended.host, others, start).items():
            self._wave_at[member] = at
            QTimer.singleShot(int((at - start) * 1000), lambda m=member: self._wave_reaches(m))
        self._storms_maybe_changed()

    def _wave_reaches(self, feed) -> None:
        self._wave_at.pop(feed, None)
        feed.recorder_answers()

    def current_storms(self):
        return self.storms.storms(self.clock())

    def _storms_maybe_changed(self) -> None:
        count = len(self.storms.storms(self.clock()))
        if count != self._storm_count:
            self._storm_count = count
            self.storms_changed.emit()


def answer_ok(detail: str = "the recorder answers again") -> ProbeResult:
    return ProbeResult(Reason.OK, 0.0, detail)
