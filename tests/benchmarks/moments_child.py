"""Child process: operators' moments on the real wall, timed by what the screen shows.

Modes (one JSON result line on stdout, then exit):
- ``actions``: maximise, restore, page down (neighbours pre-rolled, and not), layout change
  and a dropped camera, each repeated; for each, the seconds from the action until every
  affected tile shows the RIGHT picture (its stream's colour) FILLING the tile (≥ 90 % of
  sampled points), and how many 50 ms samples in between were mostly black.
  Streams start mid-GOP (``tests.support.late_clips``): keyframe interval ``--gop`` seconds.
- ``cost``: CPU (% of one core) and RSS of a wall showing a page, with and without its
  neighbour pages pre-rolled, and maximised with and without the sub-stream kept alive.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtWidgets import QApplication

from tests.benchmarks.clips import clip_640x360
from tests.benchmarks.harness import Child, measure_lag, rss_mib, run_event_loop
from tests.benchmarks.wall_child import build_wall, emit
from tests.support.late_clips import make_late_clip
from tests.support.screen_samples import grab, picture_rect, read

PID = os.getpid()
FILLS = 0.9
POLL_S = 0.05
RGB = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
       "magenta": (255, 0, 255), "cyan": (0, 255, 255), "white": (255, 255, 255)}
PAGE_1 = ["red", "green", "blue", "yellow"]
PAGE_2 = ["magenta", "cyan", "white", "red"]


def timed(app, window, targets, timeout_s: float = 20.0) -> dict:
    """Seconds until every ``(widget_of, colour)`` target fills with its colour; black samples."""
    start = time.monotonic()
    black = 0
    each: list[float | None] = [None] * len(targets)
    trace = []
    while time.monotonic() - start < timeout_s:
        app.processEvents()
        image = grab(window)
        samples = [read(image, window, picture_rect(widget_of(), window), {c: RGB[c]}) for widget_of, c in targets]
        now = time.monotonic() - start
        trace.append([round(now, 2)] + [(round(s.picture, 2), round(s.black, 2)) for s in samples])
        for i, s in enumerate(samples):
            if s.picture >= FILLS and each[i] is None:
                each[i] = round(now, 3)
        black += any(s.black > 0.5 for s in samples)
        if all(s.picture >= FILLS for s in samples):
            return {"s": now, "black_samples": black, "each_s": each,
                    "trace": trace if os.environ.get("TRACE") else None}
        end = time.monotonic() + POLL_S
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.005)
    return {"s": float("inf"), "black_samples": black, "last": [str(s) for s in samples]}


def settle(app, condition, timeout_s: float = 30.0) -> None:
    start = time.monotonic()
    while time.monotonic() - start < timeout_s and not condition():
        app.processEvents()
        time.sleep(0.01)


def playing(controller, feeds=None) -> bool:
    return all(f.state.value == "playing" for f in (feeds if feeds is not None else controller.active_feeds()))


def surface_at(controller, position: int):
    return lambda: controller.grid.tiles[controller.slots[position]].surface


def mode_actions(app, args, tmp: Path) -> None:
    folder = Path(args.cache)
    colours = PAGE_1 + PAGE_2[:3]  # 7 cameras: page 2 of a 2x2 has 3
    clips = [make_late_clip(folder, c, args.gop) for c in colours]
    clips.append(make_late_clip(folder, "green", args.gop, size="1280x720"))  # the maximised camera's main stream
    clips.append(make_late_clip(folder, "magenta", args.gop))  # the dropped camera
    with Child("tests.support.sim_child", "--count", str(len(clips)), *[a for c in clips for a in ("--clip", str(c))]) \
            as sim:
        urls = sim.read(30)["urls"]
        # camera d1-c0 plays green 1280x720 as its main stream, red 640x360 as its grid sub-stream
        window, services = build_wall([urls[7], *urls[1:7]], tmp, {"d2": [urls[8]]}, substreams={"d1-c0": urls[0]})
        controller = window.controller
        results: dict[str, list[dict]] = {}

        def add(name: str, row: dict) -> None:
            results.setdefault(name, []).append(row)

        for _ in range(args.repeat):
            controller.neighbours.max_tiles = 9
            controller.show_district("d1", 0, "2x2")
            controller.refresh_neighbours()
            settle(app, lambda: playing(controller, controller.active_feeds()
                                        + [controller.feeds[i] for i in controller.neighbours.indices()]))
            run_event_loop(0.5)
            # maximise: the main stream (green, 1280x720) filling the whole grid
            controller.toggle_maximise(0)
            add("maximise", timed(app, window, [(lambda: controller.grid.maximised.surface, "green")]))
            run_event_loop(0.5)
            controller.toggle_maximise(0)  # restore: the sub-stream (red) in its grid tile
            add("restore", timed(app, window, [(surface_at(controller, 0), "red")]))
            settle(app, lambda: not any(f.main_stream and f.camera for f in controller.feeds))
            # page down, neighbours pre-rolled
            controller.step_page(1)
            add("page down (pre-rolled)", timed(app, window, [(surface_at(controller, p), c)
                                                              for p, c in enumerate(PAGE_2[:3])]))
            controller.step_page(-1)
            add("page up (page left behind)", timed(app, window, [(surface_at(controller, p), c)
                                                                  for p, c in enumerate(PAGE_1)]))
            # page down without neighbour pre-roll (setting 0): every stream starts from scratch
            controller.neighbours.max_tiles = 0
            controller.show_district("d1", 0, "2x2")
            controller.refresh_neighbours()
            settle(app, lambda: playing(controller))
            run_event_loop(1.0)  # the hidden pages' players stop
            controller.step_page(1)
            add("page down (no pre-roll)", timed(app, window, [(surface_at(controller, p), c)
                                                               for p, c in enumerate(PAGE_2[:3])]))
            controller.step_page(-1)
            settle(app, lambda: playing(controller))
            # layout 2x2 -> 3x3: four keep playing, three new
            controller.set_layout("3x3")
            add("layout 2x2 → 3x3", timed(app, window, [(surface_at(controller, p), c)
                                                       for p, c in enumerate(colours)]))
            # drop a camera on a tile
            controller.set_layout("2x2")
            settle(app, lambda: playing(controller))
            controller.put_camera(3, "d2-c0")
            add("drop a camera", timed(app, window, [(surface_at(controller, 3), "magenta")]))
        emit(mode="actions", gop_s=args.gop, results=results)
        window.allow_exit()
        window.close()
        services.probes.shutdown()


def mode_cost(app, args, tmp: Path) -> None:
    clip = Path(args.clip) if args.clip else clip_640x360()
    main = make_late_clip(Path(args.cache), "pattern", 1.0, size="1280x720", join_s=0.0)
    with Child("tests.support.sim_child", "--count", "24", "--clip", str(clip)) as sim, \
            Child("tests.support.sim_child", "--count", "1", "--clip", str(main)) as sim_main:
        urls = sim.read(30)["urls"]
        main_url = sim_main.read(30)["urls"][0]
        window, services = build_wall([main_url, *urls[1:]], tmp, substreams={"d1-c0": urls[0]})
        controller = window.controller
        rows = []

        def measure(label: str) -> None:
            run_event_loop(args.warmup)
            lag = measure_lag(args.window)
            hidden = sum(1 for i, f in enumerate(controller.feeds)
                         if f.camera is not None and i not in controller.slots)
            rows.append({"case": label, "cpu_percent": lag["cpu_percent"], "rss_mib": rss_mib(PID),
                         "players": len(controller.running_feeds()), "hidden": hidden})

        for layout in ("2x2", "3x3"):
            for tiles in (0, 9):
                controller.neighbours.max_tiles = tiles
                controller.show_district("d1", 1, layout)
                controller.refresh_neighbours()
                settle(app, lambda: playing(controller, controller.running_feeds()))
                measure(f"{layout}, neighbour pre-roll {'on' if tiles else 'off'}")
        controller.neighbours.max_tiles = 0
        controller.show_district("d1", 0, "2x2")
        controller.refresh_neighbours()
        for keep in (True, False):
            controller.maximiser.keep_substream = keep
            settle(app, lambda: playing(controller))
            controller.toggle_maximise(0)
            settle(app, lambda: controller.maximiser.current is not None and controller.maximiser.current.swapped)
            measure(f"2x2 maximised, sub-stream {'kept' if keep else 'stopped'}")
            controller.toggle_maximise(0)
        emit(mode="cost", rows=rows)
        window.allow_exit()
        window.close()
        services.probes.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["actions", "cost"])
    parser.add_argument("--gop", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--clip")
    parser.add_argument("--cache", required=True)
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--window", type=float, default=10.0)
    args = parser.parse_args()
    from viewer.memory_tuning import tune_malloc

    tune_malloc()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDEOWALL_HOME"] = tmp
        {"actions": mode_actions, "cost": mode_cost}[args.mode](app, args, Path(tmp))
    del app


if __name__ == "__main__":
    main()
