"""Where the time and the CPU go when a page comes up, wall beside bare libVLC players.

    .venv/bin/python -m tests.benchmarks.pageup_report [--runs 3] [--tiles 9 16]

For the two open goals of issue 20 (g): page-up parallelism (all tiles' first pictures ÷
the median tile's own) and the 9-tile CPU ratio. Runs ``wall_child play`` and
``bare_child`` on the same 640×360 15 fps GOP 1 s streams of our simulator (the streams of
those rows), alternating which goes first, and prints for each run what
:class:`tests.benchmarks.harness.PageUpTrace` saw: how busy the whole machine was while the
page came up, the CPU the process spent on it (main thread vs the threads libVLC started),
when those threads started, and the split of the steady CPU between the main thread and
libVLC's threads. One JSON line per run, then a summary; nothing is written to docs.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import tempfile

from tests.benchmarks.clips import clip_640x360
from tests.benchmarks.harness import Child, median
from tests.benchmarks.run import run_child, start_xvfb

#: Video surface sizes of the wall's 3×3 and 4×4 layouts on the 1920×1080 screen; each wall
#: run reports its own, and the bare players after it use that (the same pixels to scale).
TILE_PX = {9: (545, 252), 16: (407, 186)}


def one_run(kind: str, urls: str, tiles: int, window: str) -> dict:
    side = int(tiles**0.5)
    if kind == "wall":
        row = run_child("tests.benchmarks.wall_child", "play", "--urls", urls, "--tiles", str(tiles),
                        "--layout", f"{side}x{side}", "--window", window, "--warmup", "2")
        TILE_PX[tiles] = (row["tile_w"], row["tile_h"])
        return row
    w, h = TILE_PX[tiles]
    return run_child("tests.benchmarks.bare_child", "--urls", urls, "--tiles", str(tiles), "--cols", str(side),
                     "--tile-w", str(w), "--tile-h", str(h), "--window", window, "--warmup", "2")


def summary(kind: str, tiles: int, row: dict) -> dict:
    firsts = row["tile_first_s"]
    page = row.get("pageup", {})
    cores = page.get("cores", os.cpu_count())
    return {
        "kind": kind, "tiles": tiles,
        "all_s": round(row["vout_all_s"], 3), "median_tile_s": round(median(firsts), 3),
        "all_over_median": round(row["vout_all_s"] / median(firsts), 2),
        "machine_busy": page.get("machine_busy_fraction"),
        "process_cpu_s": page.get("process_cpu_s"), "main_cpu_s": page.get("main_thread_cpu_s"),
        "libvlc_threads_cpu_s": page.get("new_threads_cpu_s"),
        # the page's own work spread over every core: the earliest the last tile could be up
        "cpu_bound_floor_s": round(page.get("process_cpu_s", float("nan")) / cores, 3),
        "thread_starts_s": page.get("thread_starts_s"),
        "cpu_percent": round(row["cpu_percent"], 1), "surface_px": TILE_PX[tiles],
        **{k: v for k, v in row.get("window_threads", {}).items() if k != "busiest_other_threads_percent"},
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tiles", type=int, nargs="*", default=[9, 16])
    parser.add_argument("--window", default="6")
    args = parser.parse_args()
    xvfb = start_xvfb()
    rows = []
    try:
        with Child("tests.support.sim_child", "--count", "16", "--clip", str(clip_640x360())) as sim, \
                tempfile.NamedTemporaryFile("w", suffix=".json") as handle:
            handle.write(json.dumps(sim.read(30)["urls"]))
            handle.flush()
            for tiles in args.tiles:
                for run in range(args.runs):
                    order = ("wall", "bare") if run % 2 == 0 else ("bare", "wall")
                    for kind in order:
                        row = summary(kind, tiles, one_run(kind, handle.name, tiles, args.window))
                        rows.append(row)
                        print(json.dumps(row), flush=True)
    finally:
        if xvfb is not None:
            os.killpg(xvfb.pid, signal.SIGTERM)
    for tiles in args.tiles:
        for kind in ("wall", "bare"):
            mine = [r for r in rows if r["tiles"] == tiles and r["kind"] == kind]
            keys = ("all_s", "median_tile_s", "all_over_median", "machine_busy", "process_cpu_s",
                    "cpu_bound_floor_s", "cpu_percent", "main_thread_percent", "other_threads_percent")
            print(json.dumps({"median_of": len(mine), "kind": kind, "tiles": tiles,
                              **{k: median([r[k] for r in mine if r.get(k) is not None]) for k in keys}}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
