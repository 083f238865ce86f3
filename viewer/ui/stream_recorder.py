"""The wall's stream figures: published for the status export and status bar, and journaled
per minute.

Every ``STATS_POLL_INTERVAL_S`` the recorder collects the figures of every feed that plays
on screen (:meth:`viewer.ui.feed.Feed.figures`) into an immutable snapshot — the list
:meth:`StreamRecorder.snapshot` hands to ``status.json`` and ``/metrics`` (any thread may
read it: the main thread replaces it whole) — and emits ``figures_changed`` with the wall's
incoming bandwidth (the status bar). Every ``FIGURES_SAMPLE_INTERVAL_S`` it asks each feed for
its counters since the last sample (feeds also hand one over when they leave a camera),
sums them per UTC minute (:class:`viewer.core.stream_figures.MinuteAggregator`, source
"wall") and hands finished minutes to the journal's port (``Journal.add_stream_minutes``,
run on the journal's own thread: ``viewer.jobs.journal_worker``).

Threading: Qt main thread; the disk is written on the journal's thread, never here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.core.constants import FIGURES_SAMPLE_INTERVAL_S, STATS_POLL_INTERVAL_S
from viewer.core.journal import Journal
from viewer.core.journal_port import JournalPort, as_port
from viewer.core.stream_figures import MinuteAggregator
from viewer.core.stream_meter import StreamFigures

log = logging.getLogger(__name__)


def incoming_kbps(figures: list[StreamFigures]) -> float:
    """The wall's incoming bandwidth: each (camera, stream) once — tiles of one RTSP camera
    share one relay session — summed (kbit/s; streams without a rate yet count 0)."""
    seen: dict[tuple[str, str], float] = {}
    for item in figures:
        seen.setdefault((item.camera_id, item.stream), item.bitrate_kbps or 0.0)
    return sum(seen.values())


class StreamRecorder(QObject):
    """See the module docstring. ``visible(feed)`` says whether a feed is on screen."""

    figures_changed = Signal(float)  # the wall's incoming bandwidth, kbit/s

    def __init__(self, journal: Journal | JournalPort, clock: Callable[[], float] = time.time,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journal = as_port(journal)
        #: Receives ``{"streams": [...], "incoming_kbps": …, "degraded_tiles": …}`` at each
        #: publish (the fleet monitor's status snapshot), main thread.
        self.publish_to: Callable[[dict], None] | None = None
        self.clock = clock
        self.aggregator = MinuteAggregator()
        self._feeds: list = []
        self._snapshot: tuple[dict, ...] = ()
        self.bandwidth_kbps = 0.0
        self._timers = []
        for interval_s, slot in ((STATS_POLL_INTERVAL_S, self.publish), (FIGURES_SAMPLE_INTERVAL_S, self.sample)):
            timer = QTimer(self)
            timer.setInterval(int(interval_s * 1000))
            timer.timeout.connect(slot)
            timer.start()
            self._timers.append(timer)

    def attach(self, feed) -> None:
        self._feeds.append(feed)
        feed.stream_sample.connect(self.aggregator.add)
        feed.destroyed.connect(lambda _=None, f=feed: self._feeds.remove(f) if f in self._feeds else None)

    # --- any thread ------------------------------------------------------------------------
    def snapshot(self) -> tuple[dict, ...]:
        """The figures of every stream on screen (``StreamFigures.as_dict``), as last published."""
        return self._snapshot

    # --- main thread -----------------------------------------------------------------------
    def on_screen(self) -> list[StreamFigures]:
        """Figures of the feeds playing in visible tiles (pre-rolled, hidden ones excluded)."""
        return [f for feed in self._feeds if feed.visible() and (f := feed.figures()) is not None]

    def publish(self) -> None:
        figures = self.on_screen()
        self._snapshot = tuple(item.as_dict() for item in figures)
        self.bandwidth_kbps = incoming_kbps(figures)
        if self.publish_to is not None:
            self.publish_to({"streams": list(self._snapshot), "incoming_kbps": round(self.bandwidth_kbps, 1),
                             "degraded_tiles": sum(1 for item in figures if item.degraded)})
        self.figures_changed.emit(self.bandwidth_kbps)

    def sample(self) -> None:
        """Every feed hands over its counters; finished minutes go to the journal."""
        now = self.clock()
        for feed in list(self._feeds):
            feed.flush_sample(now)
        self._write(self.aggregator.drain(now))

    def close(self) -> None:
        """Stop; every minute still held is written (the app exits)."""
        for timer in self._timers:
            timer.stop()
        now = self.clock()
        for feed in list(self._feeds):
            feed.flush_sample(now)
        self._write(self.aggregator.flush())
        self._feeds.clear()

    def _write(self, rows) -> None:
        if rows:  # a failing write is logged by the port: a damaged journal never stops the wall
            self.journal.submit(lambda j: j.add_stream_minutes(rows), what=f"{len(rows)} stream minutes")
