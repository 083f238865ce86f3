"""Child process: the baseline — N bare python-vlc players rendering into plain native
windows laid out like the wall's tiles, with the same streams and the SAME libVLC options
(instance and media options come from viewer.player.vlc_backend, where the wall gets
them), and nothing else (no health machine, no captions, no polling)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

import vlc
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QGridLayout, QWidget

from tests.benchmarks.harness import PageUpTrace, measure_lag, rss_mib, settle, thread_count
from viewer.player.base import EngineOptions
from viewer.player.vlc_backend import instance_args, media_options

PID = os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--urls", required=True)
    parser.add_argument("--tiles", type=int, default=16)
    parser.add_argument("--cols", type=int, default=4)
    parser.add_argument("--tile-w", type=int, default=470)
    parser.add_argument("--tile-h", type=int, default=250)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=10.0)
    parser.add_argument("--window-at", default="",
                        help="start the measuring window at this wall-clock time (epoch s), after the warm-up")
    parser.add_argument("--avcodec-threads", type=int, default=1, help="as the wall's tiles; 0: libVLC's default")
    args = parser.parse_args()
    urls = json.loads(Path(args.urls).read_text())[: args.tiles]
    app = QApplication(sys.argv[:1])
    top = QWidget()
    grid = QGridLayout(top)
    grid.setSpacing(2)
    surfaces = []
    for i in range(len(urls)):
        w = QWidget(top)
        w.setAttribute(Qt.WidgetAttribute.WA_NativeWindow, True)
        w.setFixedSize(args.tile_w, args.tile_h)
        grid.addWidget(w, i // args.cols, i % args.cols)
        surfaces.append(w)
    top.show()
    app.processEvents()
    options = EngineOptions(tile_decoder_threads=args.avcodec_threads)  # the wall's defaults otherwise
    instance = vlc.Instance(instance_args(options))
    vouts = [0]
    firsts: list[float] = []  # each player's own first picture (Vout), seconds after the start
    players = []
    trace = PageUpTrace()  # where the CPU goes: main thread vs libVLC's threads
    trace.begin()
    start = time.monotonic()
    for url, surface in zip(urls, surfaces, strict=True):
        player = instance.media_player_new()
        player.video_set_mouse_input(False)
        player.video_set_key_input(False)
        player.set_xwindow(int(surface.winId()))
        media = instance.media_new(url)
        for option in media_options(options):
            media.add_option(option)
        player.set_media(media)
        seen = []

        def on_vout(_event, seen=seen) -> None:
            if not seen:
                seen.append(1)
                vouts[0] += 1
                firsts.append(time.monotonic() - start)

        player.event_manager().event_attach(vlc.EventType.MediaPlayerVout, on_vout)
        player.play()
        players.append((player, media))
    first = None
    while time.monotonic() - start < 30:
        app.processEvents()
        if vouts[0] >= len(urls):
            first = time.monotonic() - start
            trace.pictures()
            break
        time.sleep(0.005)
    late = settle(args.warmup, args.window_at)
    # the same event loop and 20 ms probe timer as the wall's
    lag = trace.window(args.window, lambda: measure_lag(args.window))
    cpu = lag["cpu_percent"]
    stats = vlc.MediaStats()
    displayed = 0
    for _player, media in players:
        media.get_stats(stats)
        displayed += stats.displayed_pictures
    print(json.dumps({"mode": "bare", "tiles": len(urls), "vout_all_s": first, "tile_first_s": sorted(firsts),
                      "window_late_s": late,
                      "cpu_percent": cpu,
                      "rss_mib": rss_mib(PID), "threads": thread_count(PID), "displayed": displayed,
                      "lag_p99_ms": lag["lag_p99_ms"], **trace.result}), flush=True)
    for player, media in players:
        player.stop()
        player.release()
        media.release()
    instance.release()


if __name__ == "__main__":
    main()
