"""Maximising a camera that has a sub-stream plays its main stream in a second player, decoded
with libVLC's own thread count; grid tiles decode with one thread each
(EngineOptions.tile_decoder_threads).
Real libVLC under Xvfb: which stream is on screen is read from its colour, the decoder
threads from the process's thread list (Linux)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from tests.support.catalogs import substream_catalog
from tests.support.clips import COLOURS_RGB
from tests.support.screen_samples import close_to, grab_colour
from viewer.core.health_model import FeedState

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc thread list")


def _native_threads() -> int:
    """The process's threads that Python did not start (libVLC's, Qt's): the wall's own
    worker threads (probes, relays, player workers) come and go with what it does."""
    started_by_python = [t for t in threading.enumerate() if not isinstance(t, threading._DummyThread)]
    return len(os.listdir("/proc/self/task")) - len(started_by_python)


def test_maximise_plays_the_main_stream_with_libvlcs_decoder_threads(qtbot, make_wall, colour_streams):
    window = make_wall(substream_catalog(colour_streams("green"), colour_streams("red")))
    controller = window.controller
    controller.show_district("d1", 0, "1x2")
    feed = controller.feed_at(0)
    tile = controller.grid.tiles[controller.slots[0]]
    qtbot.waitUntil(lambda: close_to(grab_colour(tile), COLOURS_RGB["red"]), timeout=15_000)  # the sub-stream
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in controller.active_feeds()), timeout=15_000)
    grid_threads = _native_threads()

    controller.toggle_maximise(0)
    main = controller.feeds[controller.maximiser.current.main_index]
    assert main.main_stream and not feed.main_stream  # a second player, hidden until its first picture
    qtbot.waitUntil(lambda: controller.feed_at(0) is main, timeout=15_000)
    main_tile = controller.grid.maximised
    assert main_tile is not tile
    qtbot.waitUntil(lambda: close_to(grab_colour(main_tile), COLOURS_RGB["green"]), timeout=15_000)  # the main stream
    cores = os.cpu_count() or 1
    libvlc_threads = min(16, cores + 1) if cores > 1 else 1  # libVLC 3's avcodec default
    qtbot.waitUntil(lambda: _native_threads() >= grid_threads + libvlc_threads - 1, timeout=10_000)

    controller.toggle_maximise(0)  # back to the grid: the sub-stream kept playing; the main stream stops
    assert controller.feed_at(0) is feed and feed.state is FeedState.PLAYING
    qtbot.waitUntil(lambda: close_to(grab_colour(tile), COLOURS_RGB["red"]), timeout=15_000)
    qtbot.waitUntil(lambda: main.camera is None, timeout=5_000)
    qtbot.waitUntil(lambda: _native_threads() <= grid_threads, timeout=10_000)
