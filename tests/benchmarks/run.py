"""Run the benchmarks and write docs/benchmarks.md and docs/benchmarks.json.

    .venv/bin/python -m tests.benchmarks.run [--quick] [--only NAME ...]

Each figure is a median over runs; where there is a natural baseline (bare libVLC players
on the same streams, one tile, the wall without pre-roll) it is a ratio to that baseline
measured in the same run, because these machines are shared and noisy. Starts its own
Xvfb (1920×1080) when no DISPLAY is set, and its own stream server child.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.benchmarks.clips import camera_clip, clip_640x360
from tests.benchmarks.harness import ROOT, Child, Figure, cpu_seconds, machine_info, median

DOCS = ROOT / "docs"

#: What each figure was measured on (stream · server · fault model), by figure name; figures
#: measured before these labels existed get theirs from here too.
SIM_SUB = "640×360 15 fps GOP 1 s testsrc2 · our simulator, HTTP-TS, each client starts at a keyframe"
GST_RTSP = ("640×360 15 fps GOP 1 s testsrc2 · GStreamer's RTSP server (no re-encoding) → our relay (FFmpeg via PyAV), "
            "vs the same clip over HTTP-TS from our simulator")
CAMERA_SUB = "640×360 25 fps GOP {gop} s, noisy pattern · our simulator, HTTP-TS, clients join live mid-GOP"
LEGACY_CONDITIONS = {
    "fault → flag, dead server: simulator closes connections (median)": SIM_SUB + " · connections closed (FIN/RST)",
    "fault → flag, frozen server (median)": SIM_SUB + " · simulator stops sending",
    "server back → pictures, SIGSTOP-frozen server (median)": SIM_SUB + " · SIGSTOP/SIGCONT (NOT an outage: "
    "the kernel answers handshakes)",
    "server back → pictures, SIGSTOP-frozen server (worst)": SIM_SUB + " · SIGSTOP/SIGCONT",
    "page-up, 16 tiles, server answering after 1.5 s": SIM_SUB + " · server answers 1.5 s late",
    "catalog load + check, 4,470 cameras": "no streams",
    "catalog load + check, 50,000 cameras": "no streams",
    "search keystroke → filtered tree, 50,000 cameras (p95)": "no streams",
    "fleet sweep, 4,470 cameras (wall clock)": "RTSP fleet · our simulator (RTSP)",
    "fleet sweep ÷ reference prober": "RTSP fleet · our simulator (RTSP)",
}
#: Same-window pairs: both measuring windows begin this long after both sides started (start-up,
#: page-up and warm-up fit in it).
PAIR_LEAD_S = 15.0

#: Figures renamed to say what they measure; older values keep their (new) name.
RENAMED = {
    "server return → pictures (median)": "server back → pictures, SIGSTOP-frozen server (median)",
    "server return → pictures (worst)": "server back → pictures, SIGSTOP-frozen server (worst)",
    "fault → flag, dead server (median)": "fault → flag, dead server: simulator closes connections (median)",
}


def new_xvfb() -> tuple[subprocess.Popen, str]:
    """A fresh 1920×1080 Xvfb server and its display name (``":N"``)."""
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return proc, ":" + pipe.readline().strip()


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return None
    proc, os.environ["DISPLAY"] = new_xvfb()
    return proc


def run_child(module: str, *args: str, timeout_s: float = 300, cleanup_s: float = 60) -> dict:
    """The child's result; then it gets ``cleanup_s`` to finish on its own (stop the stream
    servers and network namespaces it started) before it is terminated."""
    with Child(module, *args) as child:
        result = child.read(timeout_s)
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.proc.wait(timeout=cleanup_s)
        return result


@contextlib.contextmanager
def camera_streams(count: int, gop_s: int):
    """A simulator child serving ``count`` camera-like streams (25 fps, GOP ``gop_s``, live
    join: a new client waits for the next keyframe); yields the path of a JSON URL list."""
    clip = camera_clip(gop_s=gop_s)
    with contextlib.ExitStack() as stack:
        urls = []
        for start in range(0, count, 32):
            sim = stack.enter_context(Child("tests.support.sim_child", "--count", str(min(32, count - start)),
                                            "--clip", str(clip), "--live-join"))
            urls += sim.read(60)["urls"]
        handle = stack.enter_context(tempfile.NamedTemporaryFile("w", suffix=".json"))
        handle.write(json.dumps(urls))
        handle.flush()
        yield handle.name


@contextlib.contextmanager
def gst_rtsp_cameras(count: int, gop_s: int):
    """GStreamer's RTSP server (not ours; Debian's system python3) with ``count`` camera-like
    mounts: a 640×360 sub-stream ``/camN`` and a 1920×1080 main stream ``/camN/main`` each,
    25 fps, GOP ``gop_s``, pre-encoded clips looped live and shared, joined mid-GOP
    (tests/support/gst_camera_mounts.py). Yields (sub URLs file, main URLs file, server)."""
    from tests.support.gst_rtsp import GstRtspServer

    clips = ["--camera-clip", str(camera_clip(gop_s=gop_s)),
             "--camera-main-clip", str(camera_clip(1920, 1080, gop_s=gop_s))]
    server = GstRtspServer({}, None, "", "--cameras", str(count), *clips).start()
    try:
        with tempfile.NamedTemporaryFile("w", suffix=".json") as subs, \
                tempfile.NamedTemporaryFile("w", suffix=".json") as mains:
            subs.write(json.dumps([server.url(f"/cam{i}") for i in range(count)]))
            mains.write(json.dumps([server.url(f"/cam{i}/main") for i in range(count)]))
            subs.flush()
            mains.flush()
            yield subs.name, mains.name, server
    finally:
        server.kill()


class Suite:
    def __init__(self, quick: bool, urls_file: Path, clip: Path) -> None:
        self.quick = quick
        self.urls = str(urls_file)
        self.clip = str(clip)
        self.runs = 1 if quick else 3
        self.window = "4" if quick else "10"
        self.warmup = "2" if quick else "3"  # seconds of playing before a measuring window
        self.figures: list[Figure] = []
        self.raw: dict = {}
        self.durations: dict[str, float] = {}  # seconds each benchmark took in this run
        #: The wall's video surface size per tile count on the 1920×1080 screen (updated from
        #: each wall run), for bare players started beside a wall whose size is not known yet.
        self.tile_px = {4: (822, 395), 9: (545, 252), 16: (407, 186)}

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(f"  {figure.name}: {figure.value:.3g} {figure.unit} {figure.goal} {figure.baseline}", flush=True)

    def wall_vs_bare(self) -> None:
        walls: dict[int, list[dict]] = {}
        sizes = ((1, "1x1", 1), (4, "2x2", 2), (9, "3x3", 3), (16, "4x4", 4))
        tile_px = self.tile_px
        # The wall's own work is ~0.3-1 % of a core, while whole-process CPU drifts by ±5-10 % from
        # one 15 s window to the next on this shared 2-core host. So wall and bare run AT THE SAME
        # TIME, each on its own X server, and measure over the same seconds (--window-at): the
        # host's drift then weighs on both sides alike.
        pair_count, window = (self.runs, self.window) if self.quick else (5, "15")
        with self.second_display() as second_display:
            for n, layout, cols in sizes:
                ratios = []
                for run in range(self.runs if n == 1 else pair_count):
                    if n == 1:
                        walls.setdefault(n, []).append(run_child(
                            "tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", "1",
                            "--layout", layout, "--window", self.window, "--warmup", self.warmup))
                        continue
                    swap = run % 2 == 1  # neither side always has the same X server
                    wall, bare = self.same_window_pair(n, layout, cols, window, swap, second_display)
                    tile_px[n] = (wall["tile_w"], wall["tile_h"])
                    walls.setdefault(n, []).append(wall)
                    ratios.append(wall["cpu_percent"] / bare["cpu_percent"])
                    self.raw.setdefault(f"cpu_{n}", []).append({"wall": wall, "bare": bare, "displays_swapped": swap})
                if ratios:
                    walls_cpu = median([w["cpu_percent"] for w in walls[n]])
                    pairs = self.raw[f"cpu_{n}"]
                    main = {side: median([p[side]["window_threads"]["main_thread_percent"] for p in pairs])
                            for side in ("wall", "bare")}
                    self.add(Figure(f"wall CPU ÷ bare players, {n} tiles", median(ratios), "×", "<= 1.05",
                                    f"wall {walls_cpu:.1f} % of a core at {tile_px[n][0]}×{tile_px[n][1]} px surfaces "
                                    f"(both sides); same libVLC options both sides; {len(ratios)} pairs of {window} s "
                                    f"windows, both sides playing at the same time over the same seconds: "
                                    f"{[round(r, 3) for r in ratios]}; main thread (Qt and "
                                    f"all the wall's own Python work) {main['wall']:.2f} vs {main['bare']:.2f} % of "
                                    "a core",
                                    ratios, note=SIM_SUB))
        self.shipped(walls)
        pageup_walls, pageup_bares = self.pageup_alone()
        # What one decoder thread per tile saves, on bare players (16 tiles, same run).
        wall16 = walls[16][-1]
        rows = []
        for threads in ("1", "0"):
            rows.append(run_child("tests.benchmarks.bare_child", "--urls", self.urls, "--tiles", "16", "--cols", "4",
                                  "--tile-w", str(wall16["tile_w"]), "--tile-h", str(wall16["tile_h"]),
                                  "--window", self.window, "--warmup", self.warmup,
                                  "--avcodec-threads", threads))
        self.raw["decoder_threads"] = {"one": rows[0], "libvlc_default": rows[1]}
        self.add(Figure("16 players, 1 decoder thread per tile ÷ libVLC's default: CPU",
                        rows[0]["cpu_percent"] / rows[1]["cpu_percent"], "×", "",
                        f"RSS {rows[0]['rss_mib']:.0f} vs {rows[1]['rss_mib']:.0f} MiB, threads "
                        f"{rows[0]['threads']} vs {rows[1]['threads']}; libVLC's default is cores + 1 "
                        f"({os.cpu_count()} cores here)"))
        one = median([w["vout_all_s"] for w in walls[1]])
        sixteen = median([w["vout_all_s"] for w in pageup_walls])
        self.add(Figure("time to first picture on all 16 tiles ÷ 1 tile", sixteen / one, "×", "<= 1.2",
                        f"1 tile {one:.2f} s, 16 tiles {sixteen:.2f} s (Vout events)"))
        own = median([w["vout_all_s"] / median(w["tile_first_s"]) for w in pageup_walls])
        self.add(Figure("16 tiles: first picture on all ÷ the median tile's own first picture (same run)", own, "×",
                        "<= 1.2", "how parallel a page comes up: 1 = all at once, 16 = one after another; the open "
                            "gate lets 8 streams of one recorder (here: all 16) open at a time; the machine's busy "
                            "share during the page-up and bare players' figure are in the rows below; where the time "
                            "goes: benchmarks-method.md, pageup_report"))
        bare_own = median([b["vout_all_s"] / median(b["tile_first_s"]) for b in pageup_bares if b.get("tile_first_s")])
        self.add(Figure("16 bare libVLC players: first picture on all ÷ the median player's own first picture",
                        bare_own, "×", "", "the same page-up parallelism figure for bare players on the same streams: "
                        "what libVLC and this machine allow without the wall", note=SIM_SUB))
        def pageup(rows: list[dict], key: str) -> float:
            return median([r["pageup"][key] for r in rows if "pageup" in r])

        self.add(Figure("16-tile page-up: the machine's CPU busy until all first pictures (wall)",
                        100 * pageup(pageup_walls, "machine_busy_fraction"), "%", "",
                        f"bare players {100 * pageup(pageup_bares, 'machine_busy_fraction'):.0f} %; all "
                        f"{os.cpu_count()} cores, X server and stream server included. Near 100 % no core was "
                        f"idle that could have brought a later tile earlier. The page-up's own CPU: wall "
                        f"{pageup(pageup_walls, 'process_cpu_s'):.2f} s (main thread "
                        f"{pageup(pageup_walls, 'main_thread_cpu_s'):.2f} s), bare players "
                        f"{pageup(pageup_bares, 'process_cpu_s'):.2f} s (main thread "
                        f"{pageup(pageup_bares, 'main_thread_cpu_s'):.2f} s)", note=SIM_SUB))
        bare16 = median([b["vout_all_s"] for b in pageup_bares])
        self.add(Figure("time to first picture on all 16 tiles: wall ÷ bare players", sixteen / bare16, "×", "",
                        f"wall {sixteen:.2f} s, bare libVLC players {bare16:.2f} s, same streams"))
        one_p = median([w["pictures_all_s"] for w in walls[1]])
        sixteen_p = median([w["pictures_all_s"] for w in pageup_walls])
        self.add(Figure("time to pictures on screen, 16 tiles ÷ 1 tile", sixteen_p / one_p, "×", "",
                        f"1 tile {one_p:.2f} s, 16 tiles {sixteen_p:.2f} s (screen grabs)"))
        per_tile = (median([w["rss_mib"] for w in walls[16]]) - median([w["rss_mib"] for w in walls[4]])) / 12
        self.add(Figure("RSS per extra 640×360 tile", per_tile, "MiB", "<= 16",
                        "(RSS at 16 tiles − RSS at 4 tiles) ÷ 12"))

    @contextlib.contextmanager
    def second_display(self):
        """A second X server for the bare players of the same-window pairs (yields its name)."""
        proc, display = new_xvfb()
        try:
            yield display
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    def same_window_pair(self, n: int, layout: str, cols: int, window: str, swap_displays: bool,
                         second_display: str) -> tuple[dict, dict]:
        """The wall and bare players on the same ``n`` streams, started together, each on its
        own X server (which side gets which alternates), measuring the same ``window``
        seconds from ``PAIR_LEAD_S`` after the start. Started together, both play the
        simulator's clip from the same point (each client starts at the clip's beginning),
        so their windows decode the same pictures; their page-ups overlap, so the page-up
        figures come from :meth:`pageup_alone`."""
        w, h = self.tile_px[n]
        window_at = f"{time.time() + PAIR_LEAD_S:.3f}"
        displays = [os.environ["DISPLAY"], second_display]
        wall_display, bare_display = displays[::-1] if swap_displays else displays
        with Child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", str(n), "--layout", layout,
                   "--window", window, "--warmup", self.warmup, "--window-at", window_at,
                   env={"DISPLAY": wall_display}) as wall_child, \
                Child("tests.benchmarks.bare_child", "--urls", self.urls, "--tiles", str(n), "--cols", str(cols),
                      "--tile-w", str(w), "--tile-h", str(h), "--window", window, "--warmup", self.warmup,
                      "--window-at", window_at, env={"DISPLAY": bare_display}) as bare_child:
            timeout_s = PAIR_LEAD_S + float(window) + 120
            wall, bare = wall_child.read(timeout_s), bare_child.read(timeout_s)
        for side, row in (("wall", wall), ("bare", bare)):
            if row.get("window_late_s", 0.0) > 0.5:
                print(f"  note: {side}'s window began {row['window_late_s']:.1f} s late", flush=True)
        if (wall["tile_w"], wall["tile_h"]) != (w, h):
            print(f"  note: wall surfaces {wall['tile_w']}×{wall['tile_h']}, bare {w}×{h}", flush=True)
        return wall, bare

    def pageup_alone(self) -> tuple[list[dict], list[dict]]:
        """16-tile page-ups of the wall and of bare players, each alone on the machine
        (alternating; the CPU pairs page up side by side)."""
        w, h = self.tile_px[16]
        args = {
            "wall": ("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", "16", "--layout", "4x4",
                     "--window", "2", "--warmup", "1"),
            "bare": ("tests.benchmarks.bare_child", "--urls", self.urls, "--tiles", "16", "--cols", "4",
                     "--tile-w", str(w), "--tile-h", str(h), "--window", "2", "--warmup", "1"),
        }
        rows: dict[str, list[dict]] = {"wall": [], "bare": []}
        for run in range(self.runs):
            for side in (("wall", "bare") if run % 2 == 0 else ("bare", "wall")):
                rows[side].append(run_child(*args[side]))
        walls, bares = rows["wall"], rows["bare"]
        self.raw["pageup_16"] = {"wall": walls, "bare": bares}
        return walls, bares

    def shipped(self, walls: dict) -> None:
        """The wall as the app ships it beside the bare players: a 4,470-camera catalog loaded
        and swept in the background, the status endpoint on (16 tiles)."""
        window = self.window if self.quick else "60"  # full: one whole sweep interval (60 s)
        with tempfile.TemporaryDirectory() as folder, \
                Child("tests.benchmarks.bench_sweep", "--serve", "4454", "--folder", folder) as fleet:
            fleet.read(120)
            catalog = str(Path(folder) / "catalog.yaml")
            env = {"BENCH_SWEEP_PASSWORD": "Bench-S3cret!"}
            ratios, rows = [], []
            for run in range(self.runs):
                def play_shipped() -> dict:
                    with Child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", "16",
                               "--layout", "4x4", "--window", window, "--warmup", self.warmup,
                               "--fleet-catalog", catalog, "--status-port", env=env) as child:
                        return child.read(600)

                def play_bare() -> dict:
                    return run_child("tests.benchmarks.bare_child", "--urls", self.urls, "--tiles", "16",
                                     "--cols", "4", "--tile-w", str(self.tile_px[16][0]),
                                     "--tile-h", str(self.tile_px[16][1]),
                                     "--window", window, "--warmup", self.warmup)

                first, second = (play_shipped, play_bare) if run % 2 == 0 else (play_bare, play_shipped)
                a, b = first(), second()
                wall, bare = (a, b) if run % 2 == 0 else (b, a)
                ratios.append(wall["cpu_percent"] / bare["cpu_percent"])
                rows.append({"wall": wall, "bare": bare})
        self.raw["cpu_16_shipped"] = rows
        wall = rows[-1]["wall"]
        plain = median([w["cpu_percent"] for w in walls.get(16, [])]) if walls.get(16) else float("nan")
        self.add(Figure("wall AS SHIPPED CPU ÷ bare players, 16 tiles", median(ratios), "×", "<= 1.05",
                        f"{wall['fleet_cameras']:,} cameras in the catalog, background sweep on "
                        f"({wall['fleet_swept']:,} swept by the end), status endpoint on (not scraped); "
                        f"{window} s windows; wall "
                        f"{median([r['wall']['cpu_percent'] for r in rows]):.1f} % vs the plain wall's "
                        f"(no sweep, no status endpoint) {plain:.1f} %", ratios,
                        note=SIM_SUB + "; the 4,454 other cameras: our RTSP fleet simulator (bench_sweep)"))

    def search(self) -> None:
        for cameras in (4470, 50_000):
            result = run_child("tests.benchmarks.search_child", "--cameras", str(cameras),
                               "--repeat", "1" if self.quick else "3")
            self.raw[f"search_{cameras}"] = result
            self.add(Figure(f"catalog load + check, {cameras:,} cameras", result["load_s"], "s",
                            "<= 1" if cameras == 4470 else ""))
            if cameras == 50_000:
                self.add(Figure("search keystroke → filtered tree, 50,000 cameras (p95)",
                                result["keystroke_p95_ms"], "ms", "<= 30",
                                f"median {result['keystroke_median_ms']:.1f} ms"))

    def faults(self) -> None:
        result = run_child("tests.benchmarks.wall_child", "fault", "--clip", self.clip,
                           "--repeat", "2" if self.quick else "5")
        self.raw["fault"] = result
        self.add(Figure("fault → flag, dead server: simulator closes connections (median)", median(result["dead_s"]),
                        "s", "<= 3", f"runs {[round(x, 2) for x in result['dead_s']]}; the graceful case (FIN/RST)",
                        note=LEGACY_CONDITIONS["fault → flag, dead server: simulator closes connections (median)"]))
        self.add(Figure("fault → flag, frozen server (median)", median(result["frozen_s"]), "s", "<= 5",
                        f"runs {[round(x, 2) for x in result['frozen_s']]}",
                        note=LEGACY_CONDITIONS["fault → flag, frozen server (median)"]))

    def outages(self) -> None:
        """Three outage models, each with random outage lengths: fault → flag and server back →
        pictures. SIGSTOP is kept, labelled as what it is (not an outage: the kernel still
        completes handshakes, so a reopen is answered the instant SIGCONT comes)."""
        repeat = "2" if self.quick else "20"
        longest = "6" if self.quick else "20"
        descriptions = {
            "sigstop": "server process frozen with SIGSTOP, then SIGCONT (NOT an outage)",
            "killed": "server process killed (connections refused), then restarted on its port",
            "blackholed": "every packet to/from the server dropped (nft in its own network namespace: a cut "
                          "cable or power), then let through",
        }
        for model in ("killed", "blackholed", "sigstop"):
            result = run_child("tests.benchmarks.wall_child", "outage", "--model", model, "--clip", self.clip,
                               "--repeat", repeat, "--max-outage", longest, timeout_s=3600)
            self.raw[f"outage_{model}"] = result
            if "error" in result:
                print(f"    {model}: {result['error']}", flush=True)
                continue
            flags = [x for x in result["flag_s"] if x is not None] or [float("nan")]  # None: never flagged
            back = result["return_s"]
            where = SIM_SUB + " · " + descriptions[model]
            resumed = result.get("resumed_behind_s", [])
            detail = (f"{len(back)} independent random outages of {min(result['outage_s']):.1f}–"
                      f"{max(result['outage_s']):.1f} s, each after 10.5 s of steady pictures; "
                      f"flagged after median {median(flags):.2f} s, worst {max(flags):.2f} s; {len(resumed)} ended "
                      f"with the old connection resuming {[round(g, 1) for g in resumed]} s behind live, so "
                      f"reopened (live again; 'back' includes that reopen)")
            self.add(Figure(f"server back → pictures, {model} server (median)", median(back), "s", "<= 3",
                            detail, back, note=where))
            self.add(Figure(f"server back → pictures, {model} server (worst)", max(back), "s", "<= 3",
                            "", note=where))
            self.add(Figure(f"fault → flag, {model} server (median)", median(flags), "s",
                            "<= 5" if model != "killed" else "<= 3",
                            f"worst {max(flags):.2f} s over {len(flags)}", flags, note=where))

    def lag(self) -> None:
        result = run_child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--clip", self.clip,
                           "--tiles", "16", "--layout", "4x4", "--flapping", "4", "--window",
                           "6" if self.quick else "30")
        self.raw["lag"] = result
        self.add(Figure("event-loop lag p99, 16 tiles with 4 flapping", result["lag_p99_ms"], "ms", "<= 50",
                        f"max {result['lag_max_ms']:.0f} ms"))

    def fleet(self) -> None:
        """Event-loop lag while the wall's background sweep works through 50,000 cameras."""
        result = run_child("tests.benchmarks.fleet_child", "--url", json.loads(Path(self.urls).read_text())[0],
                           "--window", "10" if self.quick else "30", timeout_s=600)
        self.raw["fleet"] = result
        self.add(Figure("event-loop lag p99, sweeping 50,000 cameras", result["lag_p99_ms"], "ms", "<= 50",
                        f"max {result['lag_max_ms']:.0f} ms; {result['updates']} board updates, {result['results']} "
                        f"results in the window; snapshot built on request in {result['snapshot_ms']:.0f} ms",
                        note=SIM_SUB + "; 50,000 catalog cameras swept against our simulated fleet (2 % refused)"))

    def tour(self) -> None:
        rows = {}
        for preroll in (1, 0):
            result = run_child("tests.benchmarks.wall_child", "tour", "--urls", self.urls, "--tiles", "16",
                               "--layout", "4x4", "--preroll", str(preroll),
                               "--switches", "1" if self.quick else "4", "--dwell", "5" if self.quick else "8",
                               timeout_s=600)
            rows[preroll] = result
        self.raw["tour"] = rows
        with_pre = median(rows[1]["switch_to_pictures_s"])
        without = median(rows[0]["switch_to_pictures_s"])
        self.add(Figure("tour step → pictures on all 16 tiles, with pre-roll", with_pre, "s", "<= 0.3",
                        f"without pre-roll {without:.2f} s (same run)"))
        self.add(Figure("CPU with pre-roll ÷ without, over a tour", rows[1]["cpu_percent"] / rows[0]["cpu_percent"],
                        "×", "", f"{rows[1]['cpu_percent']:.1f} % vs {rows[0]['cpu_percent']:.1f} %"))

    def tour_camera(self) -> None:
        """Tour steps over camera-like streams: 16 tiles, 25 fps, GOP 4 s (and 2 s in full
        mode), clients joining live mid-GOP (first picture 0–4 s after a player starts), a
        10 s dwell, the adaptive pre-roll on. Then the same over RTSP from GStreamer's RTSP server
        (camera-like mounts, sub-streams on the tiles, main streams in the catalog) through the
        wall's relay, with the server's own CPU beside the figure."""
        switches = "2" if self.quick else "10"
        for gop in (4,) if self.quick else (4, 2):
            with camera_streams(32, gop) as urls:
                result = run_child("tests.benchmarks.wall_child", "tour", "--urls", urls, "--tiles", "16",
                                   "--layout", "4x4", "--preroll", "1", "--switches", switches, "--dwell", "10",
                                   timeout_s=900)
            self.raw[f"tour_camera_gop{gop}"] = result
            self._tour_figures(result, CAMERA_SUB.format(gop=gop), f"25 fps GOP {gop} s, dwell 10 s")
        where = ("640×360 sub-streams (1920×1080 main streams in the catalog) 25 fps GOP 4 s, noisy pattern · "
                 "GStreamer's RTSP server (gst-rtsp-server, not ours): pre-encoded clips looped live, one shared "
                 "pipeline per mount, clients join mid-GOP · wall: RTSP relay (FFmpeg via PyAV) → libVLC")
        with gst_rtsp_cameras(32, 4) as (subs, mains, server):
            cpu0, t0 = cpu_seconds(server.proc.pid), time.monotonic()
            result = run_child("tests.benchmarks.wall_child", "tour", "--urls", subs, "--main-urls", mains,
                               "--tiles", "16", "--layout", "4x4", "--preroll", "1", "--switches", switches,
                               "--dwell", "10", "--maximise", "3" if self.quick else "10", timeout_s=900)
            result["server_cpu_percent"] = 100.0 * (cpu_seconds(server.proc.pid) - cpu0) / (time.monotonic() - t0)
        self.raw["tour_gst_rtsp"] = result
        self._tour_figures(result, where, "GStreamer RTSP, 25 fps GOP 4 s, dwell 10 s",
                           f"; GStreamer's server used {result['server_cpu_percent']:.1f} % of a core meanwhile "
                           f"(no encoding), the wall {result['cpu_percent']:.0f} %")
        mains_s = result.get("maximise_main_s") or [float("nan")]
        self.add(Figure("maximise → 1920×1080 main stream filling the screen, GStreamer RTSP, GOP 4 s (median)",
                        median(mains_s), "s", "", f"worst {max(mains_s):.2f} s over {len(mains_s)}: "
                        f"{[round(x, 2) for x in mains_s]}; the sub-stream stays up (scaled) until the main "
                        "stream's first picture, which a mid-GOP join waits for (up to the 4 s GOP)",
                        mains_s, note=where.replace("640×360 sub-streams (1920×1080 main streams in the catalog)",
                                                    "1920×1080 main stream opened by a maximised tile")))

    def _tour_figures(self, result: dict, where: str, label: str, extra: str = "") -> None:
        steps = result["switch_to_pictures_s"]
        firsts = result.get("first_picture_s") or [float("nan")]
        detail = (f"{len(steps)} steps: {[round(x, 2) for x in steps]}; tiles still without a picture at each "
                  f"switch {result.get('late_tiles')}; pre-roll leads "
                  f"{[round(x, 1) if x is not None else None for x in result.get('lead_s', [])]} s; the tiles' own "
                  f"first pictures "
                  f"{min(firsts):.2f}–{max(firsts):.2f} s after their opens were decided "
                  f"(median {median(firsts):.2f} s)" + extra)
        name = f"tour step → pictures on all 16 tiles, {label}"
        self.add(Figure(f"{name} (median)", median(steps), "s", "<= 0.3", detail, steps, note=where))
        self.add(Figure(f"{name} (worst)", max(steps) if steps else float("nan"), "s", "<= 0.3", "", note=where))

    def soak(self) -> None:
        cycles, warm = ("200", "50") if self.quick else ("1000", "100")
        # Growth is measured after a warm-up (decoders, caches and the allocator settle).
        result = run_child("tests.benchmarks.wall_child", "soak", "--urls", self.urls, "--cycles", cycles,
                           "--warm-cycles", warm, timeout_s=1800)
        self.raw["soak"] = result
        first = result["samples"][0]["rss_mib"]
        self.add(Figure("RSS after reconnect cycles ÷ after warm-up", result["rss_growth"], "×", "<= 1.05",
                        f"cycle {cycles} ÷ cycle {warm}; 4 feeds; RSS {first:.0f} MiB at cycle 0; threads "
                        f"{result['threads_start']} → "
                        f"{result['threads_end']}"))


    def recovery(self) -> None:
        # Server return → pictures is measured by ``outages`` (three outage models).
        result = run_child("tests.benchmarks.wall_child", "recovery", "--clip", self.clip, "--repeat", "0",
                           "--cycles", "6" if self.quick else "100", timeout_s=3600)
        self.raw["recovery"] = result
        self.add(Figure("page-up, 16 tiles, server answering after 1.5 s", result["slow_page_up_s"], "s", "",
                        f"player teardowns: {result['slow_teardowns']}"))
        cycles = "6" if self.quick else "100"
        self.add(Figure("RSS after server kill/restart cycles of 4 feeds ÷ after the first",
                        result["rss_last"] / result["rss_first"], "×", "<= 1.05",
                        f"{cycles} cycles: {result['rss_first']:.0f} → {result['rss_last']:.0f} MiB (anonymous "
                        f"{result['anon_first']:.0f} → {result['anon_last']:.0f} MiB); malloc tuned as the app does"))


    def scaling(self) -> None:
        """Tiles against CPU and delivered frame rate: how many tiles this machine sustains.
        Camera-like sub-streams (25 fps, GOP 2 s, noisy); fps per tile from libVLC's stats
        counted between the counter's own updates (tests/benchmarks/fps.py); medians of 3
        runs per size in full mode."""
        rows = []
        # quick: 1 and 16 only (64 camera-like tiles need minutes to settle on 2 loaded cores)
        sizes = (1, 16) if self.quick else (1, 4, 9, 16, 25, 36, 49, 64)
        fps_goal = 0.95 * 25
        with camera_streams(64, 2) as urls:
            for n in sizes:
                side = int(n**0.5)
                runs = []
                for _ in range(self.runs):
                    result = run_child("tests.benchmarks.wall_child", "play", "--urls", urls, "--tiles", str(n),
                                       "--layout", f"{side}x{side}", "--window", self.window, "--warmup",
                                       self.warmup, "--fps-window", self.window, timeout_s=600)
                    tile_fps = [f for f in result["fps_tiles"] if f is not None]
                    runs.append({"cpu_percent": result["cpu_percent"], "fps_per_tile": median(tile_fps),
                                 "fps_min_tile": min(tile_fps) if tile_fps else float("nan"),
                                 "lost": result["lost"], "lost_window": result["lost_window"],
                                 "lag_p99_ms": result["lag_p99_ms"]})
                row = {"tiles": n, "runs": len(runs), **{k: median([r[k] for r in runs]) for k in runs[0]}}
                rows.append(row)
                print(f"    {n} tiles: {row['cpu_percent']:.0f} % CPU, {row['fps_per_tile']:.1f} fps per tile "
                      f"(slowest tile {row['fps_min_tile']:.1f})", flush=True)
        self.raw["scaling_camera"] = rows
        sustained = max((r["tiles"] for r in rows if r["fps_min_tile"] >= fps_goal), default=0)
        self.add(Figure("tiles sustained at full frame rate (every tile ≥ 95 % of 25 fps), camera-like streams",
                        sustained, "tiles", "",
                        "; ".join(f"{r['tiles']}: {r['cpu_percent']:.0f} % CPU, {r['fps_per_tile']:.1f} fps"
                                  for r in rows), note=CAMERA_SUB.format(gop=2)))

    def sweep(self) -> None:
        result = run_child("tests.benchmarks.bench_sweep", "--runs", "1" if self.quick else "3", timeout_s=900)
        self.raw["sweep"] = result
        self.add(Figure("fleet sweep, 4,470 cameras (wall clock)", result["sweep_wall_s"], "s", "<= 15",
                        f"reference prober {result['reference_wall_s']:.2f} s; CPU {result['sweep_cpu_s']:.2f} s "
                        f"vs {result['reference_cpu_s']:.2f} s"))
        self.add(Figure("fleet sweep ÷ reference prober", result["ratio_wall"], "×", "<= 1.5"))


    def evaluate(self) -> None:
        """``videowall evaluate`` over a year of journal for 4,470 cameras (~100,000 outages)."""
        result = run_child("tests.benchmarks.bench_evaluate", "--runs", "1" if self.quick else "3", timeout_s=900)
        self.raw["evaluate"] = result
        self.add(Figure("evaluate, 4,470 cameras, a year, ~100,000 outages → HTML report (wall clock)",
                        result["html_wall_s"], "s", "<= 3",
                        f"{result['outages']:,} outages, {result['coverage_rows']:,} coverage rows; CPU "
                        f"{result['html_cpu_s']:.2f} s; in-process: catalog {result['catalog_s']:.2f} s, journal "
                        f"read {result['read_s']:.2f} s, evaluation {result['evaluate_s']:.2f} s, HTML "
                        f"{result['html_s']:.2f} s; json {result['json_wall_s']:.2f} s; Chromium console "
                        f"messages: {len(result.get('console', []))}",
                        note="no streams: a generated journal (4,470 cameras on recorders of 16, 365 days) "
                             "and its catalog; Chromium renders the report"))
        cap = result.get("capacity")
        if cap:
            self.add(Figure("evaluate with the capacity section, 4,470 cameras, a year + a week of stream minutes "
                            "→ HTML report (wall clock)", cap["html_wall_s"], "s", "<= 3",
                            f"{cap['stream_minutes']:,} stream minutes; CPU {cap['html_cpu_s']:.2f} s; in-process: "
                            f"journal read {cap['read_s']:.2f} s, evaluation {cap['evaluate_s']:.2f} s, HTML "
                            f"{cap['html_s']:.2f} s",
                            note="no streams: the same generated journal plus every camera's sub-stream sampled "
                                 "hourly for 7 days and 16 wall tiles playing all week"))

    def monitor(self) -> None:
        args = ["--cameras", "100000", "--seconds", "120" if self.quick else "200", "--shards"]
        result = run_child("tests.benchmarks.bench_monitor", *args, timeout_s=1800)
        self.raw["monitor"] = result
        for figure in monitor_figures(result):
            figure.note = ("100,000 cameras of bench_sweep's RTSP fleet simulator (probes only, no video; healthy "
                           "plus auth, 404, 403, audio-only, hanging, slow, garbage, refused) on the same machine")
            self.add(figure)

    def sample(self) -> None:
        """Quality samples of a simulated sub-stream fleet under a 20 Mbit/s cap (bench_sample)."""
        cameras = 120 if self.quick else 300
        result = run_child("tests.benchmarks.bench_sample", "--cameras", str(cameras), "--budget", "20",
                           "--seconds", "5", "--runs", "admit:16,admit:48,read:48", timeout_s=1800)
        self.raw["sample"] = result
        for figure in sample_figures(result):
            self.add(figure)

    def pictures(self) -> None:
        """CPU of a 4×4 wall with the frozen/blank picture checks ÷ without (same run)."""
        window = "6" if self.quick else "30"
        ratios = []
        for _ in range(self.runs):
            runs = {}
            for checks in (True, False):
                extra = [] if checks else ["--no-picture-checks"]
                runs[checks] = run_child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", "16",
                                         "--layout", "4x4", "--window", window, "--warmup", self.warmup,
                                         *extra)
            ratios.append(runs[True]["cpu_percent"] / runs[False]["cpu_percent"])
            self.raw.setdefault("pictures", []).append(runs)
        self.add(Figure("wall CPU with picture checks ÷ without, 16 tiles", median(ratios), "×", "<= 1.03",
                        f"{window} s windows; runs {[round(r, 3) for r in ratios]}", ratios))

    def rtsp(self) -> None:
        """16 RTSP tiles (GStreamer's RTSP server -> relay -> libVLC) against 16 HTTP-TS tiles
        of the same H.264 bitstream (the clip, sent without re-encoding by both servers)."""
        from tests.support.gst_rtsp import GstRtspServer

        recording = long_copy(Path(self.clip))
        mounts = [a for i in range(16) for a in ("--clip-mount", f"/cam{i}={recording}")]
        server = GstRtspServer({}, None, "", *mounts).start()
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                handle.write(json.dumps([server.url(f"/cam{i}") for i in range(16)]))
            runs = {"rtsp": [], "http": []}
            sides = [("rtsp", handle.name), ("http", self.urls)]
            # Whole-process CPU of a 2-core machine moves by ±8 % from one 10 s window to the next:
            # full mode takes 6 pairs of 20 s windows, and alternates which side runs first.
            pair_count, window = (1, self.window) if self.quick else (6, "20")
            for pair in range(pair_count):
                for kind, urls in sides if pair % 2 == 0 else sides[::-1]:
                    runs[kind].append(run_child("tests.benchmarks.wall_child", "play", "--urls", urls,
                                                "--tiles", "16", "--layout", "4x4", "--window", window,
                                                "--warmup", self.warmup))
        finally:
            server.kill()
        self.raw["rtsp"] = runs
        pairs = list(zip(runs["rtsp"], runs["http"], strict=True))
        cpu = [r["cpu_percent"] / h["cpu_percent"] for r, h in pairs]
        self.add(Figure("RTSP ÷ HTTP-TS wall CPU, 16 tiles", median(cpu), "×", "<= 1.10",
                        f"{median([r['cpu_percent'] for r, _ in pairs]):.0f} % vs "
                        f"{median([h['cpu_percent'] for _, h in pairs]):.0f} % of a core; same clip, "
                        f"GStreamer's RTSP server vs the simulator's HTTP; {len(pairs)} pairs of {window} s "
                        f"windows, order alternating: {[round(c, 3) for c in cpu]}", cpu, note=GST_RTSP))
        rss = [(r["rss_mib"], h["rss_mib"]) for r, h in pairs]
        self.add(Figure("RTSP wall RSS per tile, 16 tiles", median([r for r, _ in rss]) / 16, "MiB", "",
                        f"HTTP-TS {median([h for _, h in rss]) / 16:.1f} MiB per tile (whole process ÷ 16)",
                        note=GST_RTSP))
        first = [(median(r["tile_first_s"]), median(h["tile_first_s"])) for r, h in pairs]
        self.add(Figure("RTSP time to first picture per tile (median)", median([r for r, _ in first]), "s", "",
                        f"HTTP-TS {median([h for _, h in first]):.2f} s; keyframe every 1 s in both", note=GST_RTSP))
        result = run_child("tests.benchmarks.rtsp_child", "--recording", str(recording),
                           "--repeat", "3" if self.quick else "10", timeout_s=900)
        self.raw["rtsp_restart"] = result
        returns = [r for r in result.get("return_s", []) if r is not None]
        flags = [f for f in result.get("flag_s", []) if f is not None]
        self.add(Figure("RTSP server killed → tile flagged (median)", median(flags), "s", "<= 3",
                        f"worst {max(flags, default=float('nan')):.2f} s over {len(flags)} kills",
                        note=GST_RTSP.split(", vs")[0] + " · server process killed (connections refused)"))
        self.add(Figure("RTSP server restarted → pictures (median)", median(returns), "s", "<= 3",
                        f"worst {max(returns, default=float('nan')):.2f} s over {len(returns)} restarts "
                        f"({len(result.get('return_s', [])) - len(returns)} never)",
                        note=GST_RTSP.split(", vs")[0] + " · server killed, then restarted on the same port"))

    def moments(self) -> None:
        """Operators' moments: action → the right picture filling the tile, keyframe intervals
        1 s and 4 s (streams joined mid-GOP); and what pre-roll and kept sub-streams cost."""
        from tests.benchmarks.clips import CACHE

        CACHE.mkdir(parents=True, exist_ok=True)
        repeat = "2" if self.quick else "5"
        rows = {}
        for gop in ("1", "4"):
            result = run_child("tests.benchmarks.moments_child", "actions", "--gop", gop, "--repeat", repeat,
                               "--cache", str(CACHE), timeout_s=900)
            rows[gop] = result["results"]
            for action, runs in result["results"].items():
                times = [r["s"] for r in runs]
                black = sum(r["black_samples"] for r in runs)
                self.add(Figure(f"{action} → right picture filling the tile, keyframe {gop} s", median(times), "s",
                                "", f"worst {max(times):.2f} s over {len(times)}; black 50 ms samples: {black}",
                                times, note=f"640×360 sub / 1280×720 main, 25 fps, GOP {gop} s · our simulator, "
                                            "HTTP-TS, clients join mid-GOP"))
        cost = run_child("tests.benchmarks.moments_child", "cost", "--cache", str(CACHE), "--clip", self.clip,
                         "--window", self.window, "--warmup", self.warmup, timeout_s=900)
        self.raw["moments"] = {"actions": rows, "cost": cost["rows"]}
        by_case = {r["case"]: r for r in cost["rows"]}
        for layout in ("2x2", "3x3"):
            on, off = by_case[f"{layout}, neighbour pre-roll on"], by_case[f"{layout}, neighbour pre-roll off"]
            self.add(Figure(f"{layout} page with neighbour pages pre-rolled ÷ without: CPU",
                            on["cpu_percent"] / off["cpu_percent"], "×", "",
                            f"{on['cpu_percent']:.0f} % vs {off['cpu_percent']:.0f} % of a core; {on['hidden']} hidden "
                            f"players; RSS +{on['rss_mib'] - off['rss_mib']:.0f} MiB", note=SIM_SUB))
        kept, stopped = by_case["2x2 maximised, sub-stream kept"], by_case["2x2 maximised, sub-stream stopped"]
        self.add(Figure("maximised with the sub-stream kept ÷ stopped: CPU",
                        kept["cpu_percent"] / stopped["cpu_percent"], "×", "",
                        f"{kept['cpu_percent']:.0f} % vs {stopped['cpu_percent']:.0f} % of a core; RSS "
                        f"{kept['rss_mib']:.0f} vs {stopped['rss_mib']:.0f} MiB",
                        note=SIM_SUB + "; maximised main stream 1280×720 25 fps"))

    def longsoak(self) -> None:
        """Not part of the default set: ``--only longsoak [--minutes N]`` (30 by default)."""
        result = run_child("tests.benchmarks.wall_child", "longsoak", "--urls", self.urls, "--clip", self.clip,
                           "--minutes", str(self.minutes), "--dwell", "20", timeout_s=self.minutes * 60 + 600)
        self.raw["longsoak"] = result
        self.add(longsoak_figure(result))


def longsoak_figure(result: dict, window_min: int = 10) -> Figure:
    """RSS growth of the long soak: median of the last ``window_min`` samples ÷ median of the
    first ``window_min`` after warm-up. Medians, because a once-a-minute sample lands now and
    then in a tour's pre-roll, when two pages play (RSS +25 %, threads ×2) for a few seconds."""
    samples = result["samples"]
    warm = [x for x in samples if x["minute"] >= result["warm_minute"]]
    first = median([x["rss_mib"] for x in warm[:window_min]])
    last = median([x["rss_mib"] for x in warm[-window_min:]])
    steady = [x["threads"] for x in warm]
    return Figure("long soak, 4×4 tour + 2 flapping: RSS growth after warm-up", last / first, "×", "<= 1.05",
                  f"{result['minutes']:g} min; median RSS of minutes {warm[0]['minute']}–"
                  f"{warm[min(window_min, len(warm)) - 1]['minute']} {first:.0f} MiB → last {window_min} minutes "
                  f"{last:.0f} MiB; threads {min(steady)}–{max(steady)} (one page / two during a pre-roll), "
                  f"lag p99 median {median([x['lag_p99_ms'] for x in samples]):.0f} ms, "
                  f"max {max(x['lag_p99_ms'] for x in samples):.0f} ms")


SAMPLE_FLEET = ("RTSP sub-streams 640×360 25 fps GOP 2 s, noise, x264 at 256/512/1,024 kbit/s in turn (true "
                "{true} kbit/s) · our simulator, RTSP, in a child process · none; bytes counted on the server side")
FLEET_CAMERAS = 4470


def sample_figures(result: dict) -> list[Figure]:
    """The ``sample`` rows: CPU per sample, fleet time (extrapolated, said so), the cap held."""
    runs = {f"{r['mode']}:{r['concurrency']}": r for r in result["runs"]}
    note = SAMPLE_FLEET.format(true="/".join(f"{k:.0f}" for k in result["true_kbps"]))
    n, cap, seconds = result["cameras"], result["budget_mbps"], result["seconds"]
    figures = []
    shipped = runs.get("admit:16")
    if shipped:
        figures.append(Figure(
            "quality sample: CPU per sampled camera (absolute)", shipped["cpu_ms_per_sample"], "ms", "",
            f"CPU of the sampling process ÷ samples ({n} samples of {seconds:g} s, 16 at once, PyAV, no decoding): "
            f"{shipped['cpu_ms_per_sample'] / 10 / seconds:.2f} % of one core per stream while it is sampled; "
            f"median bitrate error {shipped['bitrate_error_median'] * 100:.1f} %", note=note))
    for key, label in (("admit:16", "16 at once (default)"), ("admit:48", "48 at once")):
        run = runs.get(key)
        if not run:
            continue
        minutes = FLEET_CAMERAS * run["wall_s"] / n / 60
        figures.append(Figure(
            f"quality samples: 4,470-camera fleet under a 20 Mbit/s cap, {label} (EXTRAPOLATED)", minutes, "min", "",
            f"measured {n} cameras in {run['wall_s']:.1f} s; extrapolated linearly × {FLEET_CAMERAS:,}/{n} (the "
            f"pace is steady after the first seconds); server side {run['server_avg_mbps']:.1f} Mbit/s on average, "
            f"worst 2 s {run['server_worst_2s_mbps']:.1f} Mbit/s", note=note))
    run = runs.get("admit:48")
    if run:
        figures.append(Figure(
            "quality samples under a 20 Mbit/s cap, 48 at once: server-side worst 2 s",
            run["server_worst_2s_mbps"], "Mbit/s", f"<= {cap * 1.1:g}",
            f"average {run['server_avg_mbps']:.1f} Mbit/s; median bitrate error "
            f"{run['bitrate_error_median'] * 100:.1f} %", note=note))
    read = runs.get("read:48")
    if read:
        figures.append(Figure(
            "pausing readers only (not shipped), 20 Mbit/s cap: server-side worst 2 s", read["server_worst_2s_mbps"],
            "Mbit/s", "", f"average {read['server_avg_mbps']:.1f} Mbit/s; sampled bitrates off by "
            f"{read['bitrate_error_median'] * 100:.0f} % (median): the samples measure the throttle", note=note))
    return figures


def monitor_figures(result: dict) -> list[Figure]:
    """The headline figures of ``bench_monitor`` (one monitor on 100,000 cameras, two shards)."""
    mon, n = result["monitor"], f"{result['cameras']:,}"
    shared = "shared 2-core machine, simulator on the same cores"
    age = mon["max_oldest_state_age_s"]
    if mon["first_full_pass_s"] is None:
        passed = (f"no full pass within the {result['seconds']:.0f} s run (catalog load included): "
                  f"{mon['cameras_in_last_scrape']:,} cameras probed")  # fmt: skip
    else:
        passed = f"first full pass {mon['first_full_pass_s']} s after start"
    figures = [
        Figure(f"monitor, {n} cameras: oldest camera state after the first pass", math.nan if age is None else age,
               "s", "<= 60", f"{passed}; {shared}"),
        Figure(f"monitor, {n} cameras: peak RSS", mon["peak_rss_mib"], "MiB", "<= 300",
               f"last {mon['rss_mib_last']} MiB; `videowall sweep` peaked at 535 MiB"),
        Figure("monitor: CPU per probe (catalog load included)", mon["cpu_ms_per_probe"] or math.nan, "ms", "",
               f"{mon['probes_total']:,} probes; after the first pass the monitor used "
               f"{mon['cpu_percent_after_first_pass']} % of one core"),
        Figure(f"monitor, {n} cameras: peak open file descriptors", mon["peak_fds"], "fds", "",
               "--concurrency 512 bounds the probe sockets"),
        Figure(f"monitor, {n} cameras: /metrics scrape (slowest)", max(mon["scrape_s"]), "s", "<= 2",
               f"every 30 s; median after the first {mon['scrape_s_median_after_first']} s; {shared}"),
        Figure(f"/metrics render of {n} cameras by prometheus_client (median)", median(result["render"]["render_s"]),
               "s", "", f"{result['render']['bytes'] / 2**20:.0f} MiB of text; done between scrapes"),
    ]  # fmt: skip
    shards = result.get("shards")
    if shards:
        watched = shards.get("watched", [])
        figures.append(Figure(f"two monitor shards over {n} cameras: cameras probed by both",
                              shards["duplicates"], "cameras", "<= 0",
                              f"shares {watched} (sum {sum(watched):,}); probed {shards['shard_sizes']} "
                              f"in {shards['seconds']} s"))  # fmt: skip
    return figures


def write_docs(suite: Suite, info: dict, quick: bool, shared: bool = False) -> None:
    """Merge this run's figures into docs/benchmarks.json and rewrite docs/benchmarks.md.

    Figures not measured in this run (``--only``) keep their earlier value and say when
    they were measured, so one table holds the latest figure of every benchmark."""
    DOCS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    mode = "quick" if quick else "full"
    label = mode + (", machine SHARED: noisy" if shared else "")
    path = DOCS / "benchmarks.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    figures = {}
    for f in old.get("figures", []):
        name = RENAMED.get(f["name"], f["name"])
        figures[name] = {**f, "name": name}
    for f in figures.values():
        if not f.get("note"):
            f["note"] = LEGACY_CONDITIONS.get(f["name"], SIM_SUB)
        if not f.get("machine"):
            f["machine"] = old.get("machine", {}).get("cpu", "?")
    raw = dict(old.get("raw", {}))
    # A figure measured on a shared machine never replaces one measured on a quiet one: it is
    # listed beside it (``shared_figures``) until a clean run supersedes both.
    shared_figures = {f["name"]: f for f in old.get("shared_figures", [])}
    for f in suite.figures:
        entry = {**f.as_dict(), "measured": f"{stamp} ({label})", "machine": info.get("cpu", "?")}
        entry["note"] = entry["note"] or LEGACY_CONDITIONS.get(f.name, SIM_SUB)
        previous = figures.get(f.name)
        if shared and previous is not None and "SHARED" not in previous.get("measured", ""):
            shared_figures[f.name] = entry
        else:
            figures[f.name] = entry
            if not shared:
                shared_figures.pop(f.name, None)
    raw.update(suite.raw)
    if suite.durations:
        raw[f"durations_{mode}_s"] = suite.durations
    data = {"generated": stamp if suite.durations else old.get("generated", stamp), "machine": info,
            "figures": list(figures.values()), "shared_figures": list(shared_figures.values()), "raw": raw}
    latest = old.get("latest_run", "")
    if suite.durations:
        latest = (f"Latest run ({label}, {stamp}): {sum(suite.durations.values()):.0f} s — "
                  + ", ".join(f"{name} {took:.0f} s" for name, took in suite.durations.items()) + ".")
    data["latest_run"] = latest
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    lines = [
        "# Benchmarks",
        "",
        "Written by `.venv/bin/python -m tests.benchmarks.run` (`--quick`: one run each, short windows;",
        "`--only NAME …` reruns some; `--only longsoak --minutes 30` is the long soak).",
        f"Machine: {info.get('cpu', '?')} ({info.get('cores')} cores), Python {info.get('python')}, "
        f"libVLC {info.get('libvlc')}, PySide6 {info.get('pyside6')}; Xvfb 1920×1080, software video "
        "output (xcb_x11), no GPU.",
        "",
        "Every row says what it was measured on (column *Stream · server · fault*): the original",
        "640×360 15 fps GOP 1 s testsrc2 clip from our simulator (each client starting at a keyframe),",
        "or camera-like streams (25 fps, a keyframe every 2 or 4 s, noise, clients joining the live",
        "stream mid-GOP), or GStreamer's RTSP server; and for fault rows which outage model. Ratios",
        "compare with a baseline measured in the same run; quick-mode figures are single runs,",
        "full-mode figures medians of 3 (or more) runs. *Measured* says when, and whether the machine",
        "was shared with other work (then absolute figures and even ratios are noisy: read them as",
        "\"the benchmark works and roughly where it lands\", not as clean figures).",
        "RTSP figures: the same clip (repeated into one file) sent by GStreamer's RTSP server",
        "(`--clip-mount`, no re-encoding), received by the relay (FFmpeg via PyAV), remuxed for libVLC.",
        "The scaling curve has been run on this 2-core machine only: no 16-core machine has been",
        "lent to this project's sessions yet (on one: `--only scaling`, and record it beside this).",
        "",
        latest,
        "",
        "| Figure | Value | Goal | Met | Baseline / detail | Stream · server · fault | Measured |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures.values():
        value = f"{f['value']:.3g} {f['unit']}" if not math.isnan(f["value"]) else "n/a"
        measured = f.get("measured", "")
        lines.append(f"| {f['name']} | {value} | {f['goal']} | {f['met']} | {f['baseline']} | {f.get('note', '')} "
                     f"| {measured}, {f.get('machine', '?')} |")
    if shared_figures:
        lines += ["", "## Re-measured on the shared machine", "",
                  "These rows were measured again while other work loaded the machine (noisy); the clean "
                  "figure above is kept until a quiet run supersedes it.", "",
                  "| Figure | Value | Goal | Met | Baseline / detail | Stream · server · fault | Measured |",
                  "|---|---|---|---|---|---|---|"]
        for f in shared_figures.values():
            value = f"{f['value']:.3g} {f['unit']}" if not math.isnan(f["value"]) else "n/a"
            lines.append(f"| {f['name']} | {value} | {f['goal']} | {f['met']} | {f['baseline']} | "
                         f"{f.get('note', '')} | {f.get('measured', '')}, {f.get('machine', '?')} |")
    method = DOCS / "benchmarks-method.md"
    if method.exists():
        lines += ["", "How the figures are made fair, and what the open goals measure: "
                  f"[{method.name}]({method.name})."]
    lines += scaling_camera_table(raw.get("scaling_camera"))
    lines += scaling_table(raw.get("scaling"))
    lines += moments_table(raw.get("moments"))
    lines += soak_table(raw.get("longsoak"))
    lines += evaluate_table(raw.get("evaluate"))
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def long_copy(clip: Path, times: int = 20) -> Path:
    """The clip repeated ``times`` times into one MPEG-TS file (GStreamer's RTSP mount sends
    a file once; 30 s × 20 outlasts every RTSP run)."""
    target = clip.with_name(f"{clip.stem}-x{times}.ts")
    if not target.exists():
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-stream_loop", str(times - 1), "-i", str(clip),
                        "-c", "copy", str(target)], check=True)
    return target


def scaling_camera_table(rows: list[dict] | None) -> list[str]:
    """The scaling curve over camera-like streams, fps between libVLC's stats updates."""
    if not rows:
        return []
    lines = ["", "## Scaling curve, camera-like streams", "",
             "640×360 H.264 at 25 fps, GOP 2 s, noise over the pattern, from our simulator (live join); "
             "uniform N×N layouts on a 1920×1080 screen; CPU in % of one core (the machine has 2); fps per "
             "tile counted between the stats counter's own updates (median tile, and the slowest); medians "
             "of the runs.", "",
             "| Tiles | Runs | CPU % | fps per tile | slowest tile fps | Lost in window | Lag p99 ms |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tiles']} | {r['runs']} | {r['cpu_percent']:.0f} | {r['fps_per_tile']:.1f} | "
                     f"{r['fps_min_tile']:.1f} | {r['lost_window']:.0f} | {r['lag_p99_ms']:.0f} |")
    return lines


def scaling_table(rows: list[dict] | None) -> list[str]:
    """Tiles against CPU and delivered frames: the earlier scaling curve (testsrc2, 15 fps)."""
    if not rows:
        return []
    lines = ["", "## Scaling curve, testsrc2 15 fps (earlier method)", "",
             "fps here is the counter's increase over a nominal window, which libVLC updates in ~1 s steps: "
             "off by up to one step (hence 15.6–15.8 fps from a 15 fps source); superseded by the table above. "
             "640×360 H.264 at 15 fps per tile, uniform N×N layouts on a 1920×1080 screen; CPU in % of "
             "one core (the machine has 2); pictures libVLC dropped in the measuring window, and since "
             "the start (decoders catching up while 64 streams open).", "",
             "| Tiles | CPU % | fps per tile | Lost in window | Lost since start | Lag p99 ms |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tiles']} | {r['cpu_percent']:.0f} | {r['fps_per_tile']:.1f} | "
                     f"{r.get('lost_window', '—')} | {r['lost']} | {r['lag_p99_ms']:.0f} |")
    return lines


def evaluate_table(result: dict | None) -> list[str]:
    """``videowall evaluate`` at city scale: where the time goes (tests/benchmarks/bench_evaluate.py)."""
    if not result:
        return []
    return [
        "", "## Network evaluation at city scale", "",
        f"`videowall evaluate` over {result['days']} days of a generated journal: {result['cameras']:,} cameras on "
        f"recorders of 16, {result['outages']:,} outages (a tenth recorder-wide: {result['incidents']} recorder "
        f"incidents found), {result['coverage_rows']:,} coverage intervals; journal "
        f"{result['journal_bytes'] / 2**20:.0f} MiB, HTML report {result['report_bytes'] / 1024:.0f} KiB. Child "
        "processes, spawn to exit; CPU = user + system of the child. In-process steps of one run below.", "",
        "| Command / step | Wall s | CPU s |", "|---|---|---|",
        f"| `evaluate --format html` (median of {len(result['html_runs_s'])}) | {result['html_wall_s']:.2f} | "
        f"{result['html_cpu_s']:.2f} |",
        f"| `evaluate --format json` | {result['json_wall_s']:.2f} | {result['json_cpu_s']:.2f} |",
        f"| load the catalog | {result['catalog_s']:.2f} | |",
        f"| read the journal (`read_evaluation_input`) | {result['read_s']:.2f} | |",
        f"| evaluate | {result['evaluate_s']:.2f} | |",
        f"| render the HTML (importing matplotlib, 3 charts) | {result['html_s']:.2f} | |",
        f"| headless Chromium opens the report (screenshot + DOM) | {result.get('chromium_s', float('nan')):.2f} | |",
        "", f"Chromium console messages: {len(result.get('console', []))}; inline SVG charts: "
        f"{result.get('svg_charts', 0)}." + (f" {result['note']}" if result.get("note") else ""),
        *capacity_lines(result.get("capacity")),
    ]


def capacity_lines(cap: dict | None) -> list[str]:
    """The same command with the capacity section: stream minutes added to the same journal."""
    if not cap:
        return []
    return [
        "", f"With the capacity section: the same journal plus {cap['stream_minutes']:,} stream minutes "
        f"({cap['days']:g} days: every camera's sub-stream sampled hourly, 16 wall tiles playing all the time; "
        f"journal {cap['journal_bytes'] / 2**20:.0f} MiB) and a catalog with sub-streams. Goal: the 3 s above.", "",
        "| Command / step | Wall s | CPU s |", "|---|---|---|",
        f"| `evaluate --format html` with capacity | {cap['html_wall_s']:.2f} | {cap['html_cpu_s']:.2f} |",
        f"| read the journal (outages, coverage, stream-minute sums) | {cap['read_s']:.2f} | |",
        f"| evaluate (with capacity) | {cap['evaluate_s']:.2f} | |",
        f"| render the HTML (6 charts) | {cap['html_s']:.2f} | |",
    ]


def moments_table(data: dict | None) -> list[str]:
    """Operators' moments: one row per action and keyframe interval, and the cost table."""
    if not data:
        return []
    lines = ["", "## Operators' moments", "",
             "Seconds from an operator's action until every affected tile shows the right stream (its colour) "
             "filling the tile at the stream's aspect ratio (≥ 90 % of sampled points), read from screenshots "
             "every 50 ms (a screenshot takes 40–90 ms here, so ~0.05–0.1 s means \"already there at the first "
             "look\"). Streams are 640×360 (a maximised main stream 1280×720) at 25 fps joined mid-GOP, so a "
             "stream that starts from scratch waits ~keyframe interval − 0.6 s for its first picture. "
             "\"Black samples\": samples in which an affected tile was mostly black, summed over the runs "
             "(a tile waiting for a new camera says \"connecting…\" with its name on black). The machine was "
             "shared with other engineers' test runs while this was measured: times and CPU are noisy.", "",
             "| Action | Keyframe 1 s: median / worst (black) | Keyframe 4 s: median / worst (black) |",
             "|---|---|---|"]
    actions = data.get("actions", {})
    names = list(next(iter(actions.values()), {}))
    for name in names:
        cells = []
        for gop in ("1", "4"):
            runs = actions.get(gop, {}).get(name, [])
            times = [r["s"] for r in runs]
            black = sum(r["black_samples"] for r in runs)
            cells.append(f"{median(times):.2f} / {max(times):.2f} s ({black})" if times else "—")
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")
    lines += ["", "Cost (640×360 at 15 fps, GOP 1 s; maximised main stream 1280×720 at 25 fps): CPU in % of "
              "one core of this 2-core machine, RSS of the wall process.", "",
              "| Case | Players | Hidden | CPU % | RSS MiB |", "|---|---|---|---|---|"]
    for r in data.get("cost", []):
        lines.append(f"| {r['case']} | {r['players']} | {r['hidden']} | {r['cpu_percent']:.0f} | {r['rss_mib']:.0f} |")
    return lines


def soak_table(result: dict | None, every_min: int = 5) -> list[str]:
    """The long soak over time: one row every ``every_min`` minutes (and the last)."""
    if not result or not result.get("samples"):
        return []
    samples = result["samples"]
    rows = [s for s in samples if s["minute"] % every_min == 0 or s["minute"] == 1 or s is samples[-1]]
    lines = ["", f"## Long soak over time ({result['minutes']:g} min)", "",
             "A 4×4 wall touring two districts (dwell 20 s, pre-roll on) with 2 flapping feeds; "
             "sampled once a minute.", "",
             "| Minute | RSS MiB | Anonymous MiB | Threads | Open fds | Lag p99 ms | CPU % of a core |",
             "|---|---|---|---|---|---|---|"]
    for s in rows:
        anon = f"{s['anon_mib']:.0f}" if "anon_mib" in s else "—"
        lines.append(f"| {s['minute']} | {s['rss_mib']:.0f} | {anon} | {s['threads']} | "
                     f"{s['fds']} | {s['lag_p99_ms']:.0f} | {s['cpu_percent']:.0f} |")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", default=None,
                        choices=["wall", "search", "faults", "lag", "fleet", "tour", "soak", "recovery", "scaling",
                                 "sweep", "pictures", "rtsp", "longsoak", "outages", "tour_camera", "evaluate",
                                 "moments", "monitor", "sample"])
    parser.add_argument("--shared", action="store_true",
                        help="mark this run's figures as measured while other work loaded the machine")
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the longsoak run")
    parser.add_argument("--docs-only", action="store_true", help="rewrite docs/benchmarks.md from the JSON")
    args = parser.parse_args()
    if args.docs_only:
        write_docs(Suite(True, Path(os.devnull), Path(os.devnull)), json.loads(
            (DOCS / "benchmarks.json").read_text(encoding="utf-8")).get("machine", {}), True)
        return 0
    # A SIGTERM unwinds like Ctrl-C, so the stream servers and Xvfb this run started go too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    xvfb = start_xvfb()
    clip = clip_640x360()
    try:
        with Child("tests.support.sim_child", "--count", "32", "--clip", str(clip)) as sim, \
                Child("tests.support.sim_child", "--count", "32", "--clip", str(clip)) as sim2, \
                tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle, \
                tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle64:
            urls = sim.read(30)["urls"]
            handle.write(json.dumps(urls))
            handle.flush()
            handle64.write(json.dumps(urls + sim2.read(30)["urls"]))  # 64 streams from two servers
            handle64.flush()
            suite = Suite(args.quick, Path(handle.name), clip)
            suite.urls_64 = handle64.name
            suite.minutes = args.minutes
            for name in args.only or ["wall", "search", "faults", "outages", "lag", "fleet", "tour", "tour_camera",
                                      "soak", "recovery", "scaling", "sweep", "pictures", "rtsp", "evaluate",
                                      "moments", "sample"]:
                print(f"[{name}]", flush=True)
                started = time.monotonic()
                getattr(suite, {"wall": "wall_vs_bare"}.get(name, name))()
                suite.durations[name] = round(time.monotonic() - started, 1)
                print(f"[{name}] took {suite.durations[name]:.0f} s", flush=True)
        Path(handle.name).unlink(missing_ok=True)
        Path(handle64.name).unlink(missing_ok=True)
        write_docs(suite, machine_info(), args.quick, args.shared)
    finally:
        if xvfb is not None:
            os.killpg(xvfb.pid, signal.SIGTERM)
    print(f"wrote {DOCS / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
