"""``/metrics`` for big fleets: render between scrapes, answer a scrape at once.

``prometheus_client`` renders ~150,000 samples per second here, so 100,000 cameras (~310,000
samples) take about 2 s of CPU per scrape. :class:`PrerenderedExposition` keeps a scrape's
answer time to the time it takes to send the bytes: while rendering is slow (longer than
``METRICS_PRERENDER_ABOVE_S``), a scrape gets the exposition rendered right after the previous
scrape (at most ``METRICS_MAX_STALE_S`` old) and starts the next render in the background; a
small fleet renders on every scrape. Same CPU either way: one render per scrape. A monitor
of more than ``METRICS_PRERENDER_ABOVE_CAMERAS`` cameras pre-renders from the first scrape.

Threading: call it from any thread (the HTTP server's). Renders run on one non-daemon thread
named ``metrics-render``, started lazily and joined by :meth:`close`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from prometheus_client import CollectorRegistry

from viewer.core.constants import METRICS_MAX_STALE_S, METRICS_PRERENDER_ABOVE_S
from viewer.jobs.metrics import GzippedExposition, render_gzipped

log = logging.getLogger(__name__)
THREAD_NAME = "metrics-render"


class PrerenderedExposition:
    """``exposition()`` -> the text exposition of ``registry``, gzip-compressed (served as is
    to clients that accept gzip, as Prometheus does); see the module docstring."""

    def __init__(self, registry: CollectorRegistry, big: Callable[[], bool] = lambda: False) -> None:
        """``big()``: True when the fleet is known to render slowly (pre-render from the first
        scrape on, before any render was timed)."""
        self._registry = registry
        self._big = big
        self._lock = threading.Lock()  # guards every field below
        self._render_lock = threading.Lock()  # one render at a time
        self._cached: GzippedExposition | None = None
        self._rendered_at = 0.0  # monotonic s
        self.last_render_s = 0.0
        self._wanted = threading.Event()
        self._thread: threading.Thread | None = None
        self._closed = False

    def __call__(self) -> GzippedExposition:
        with self._lock:
            cached, age = self._cached, time.monotonic() - self._rendered_at
            slow = self.last_render_s > METRICS_PRERENDER_ABOVE_S
        slow = slow or self._big()
        if cached is not None and slow and age <= METRICS_MAX_STALE_S:
            self._render_soon()
            return cached
        return self._render()

    def warm(self) -> None:
        """Render in the background now (a big fleet's first scrape then answers at once)."""
        self._render_soon()

    def close(self) -> None:
        """Stop the render thread (joins it). Idempotent."""
        with self._lock:
            self._closed = True
            thread = self._thread
        self._wanted.set()
        if thread is not None:
            thread.join()

    def _render(self) -> GzippedExposition:
        with self._render_lock:
            started = time.monotonic()
            body = render_gzipped(self._registry)
            took = time.monotonic() - started
            with self._lock:
                self._cached, self._rendered_at, self.last_render_s = body, time.monotonic(), took
        log.debug("/metrics rendered: %d gzip bytes in %.2f s", len(body), took)
        return body

    def _render_soon(self) -> None:
        with self._lock:
            if self._closed:
                return
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=THREAD_NAME, daemon=False)
                self._thread.start()
        self._wanted.set()

    def _work(self) -> None:
        while True:
            self._wanted.wait()
            self._wanted.clear()
            with self._lock:
                if self._closed:
                    return
            try:
                self._render()
            except Exception:
                log.exception("/metrics: background render failed")
