"""Frame rates from libVLC's stats without the error of a nominal window.

libVLC updates a media's ``displayed_pictures`` in bursts (~1 s steps). Dividing the
increase over a nominal window by its length is off by up to one burst (15.6–15.8 fps
were published for a 15 fps source that way). Here the counter is sampled often and the
rate is taken between its first and last *update* in the window: pictures counted between
two update moments, divided by the time between them.
"""

from __future__ import annotations

from collections.abc import Sequence


def fps_between_updates(samples: Sequence[tuple[float, int]]) -> float | None:
    """``samples``: (seconds, counter) in time order. None when the counter did not update
    at least twice (no span to measure over)."""
    updates = [samples[i] for i in range(1, len(samples)) if samples[i][1] != samples[i - 1][1]]
    if len(updates) < 2 or updates[-1][0] <= updates[0][0]:
        return None
    (t0, c0), (t1, c1) = updates[0], updates[-1]
    return (c1 - c0) / (t1 - t0)


def sample_stats_fps(players, window_s: float, interval_ms: int = 50) -> list[float | None]:
    """Run the Qt event loop for ``window_s`` sampling each player's ``stats()`` every
    ``interval_ms``; each player's fps between its counter's own updates."""
    import time

    from PySide6.QtCore import QTimer

    from tests.benchmarks.harness import run_event_loop

    series: list[list[tuple[float, int]]] = [[] for _ in players]

    def sample() -> None:
        now = time.monotonic()
        for i, player in enumerate(players):
            series[i].append((now, player.stats().displayed_pictures))

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(sample)
    sample()
    timer.start()
    run_event_loop(window_s)
    timer.stop()
    return [fps_between_updates(s) for s in series]
