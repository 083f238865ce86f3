"""Run the benchmarks and write docs/benchmarks.md and docs/benchmarks.json.

    .venv/bin/python -m tests.benchmarks.run [--quick] [--only NAME ...]

Each figure is a median over runs; where there is a natural baseline (bare libVLC players
on the same streams, one tile, the wall without pre-roll) it is a ratio to that baseline
measured in the same run, because these machines are shared and noisy. Starts its own
Xvfb (1920×1080) when no DISPLAY is set, and its own stream server child.
"""

from __future__ import annotations

import argparse
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

from tests.benchmarks.clips import clip_640x360
from tests.benchmarks.harness import ROOT, Child, Figure, machine_info, median

DOCS = ROOT / "docs"


def start_xvfb() -> subprocess.Popen | None:
    if os.environ.get("DISPLAY") or not shutil.which("Xvfb"):
        return None
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
                            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        os.environ["DISPLAY"] = ":" + pipe.readline().strip()
    return proc


def run_child(module: str, *args: str, timeout_s: float = 300) -> dict:
    with Child(module, *args) as child:
        return child.read(timeout_s)


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

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(f"  {figure.name}: {figure.value:.3g} {figure.unit} {figure.goal} {figure.baseline}", flush=True)

    def wall_vs_bare(self) -> None:
        walls: dict[int, list[dict]] = {}
        sizes = ((1, "1x1", 1), (4, "2x2", 2), (16, "4x4", 4)) if self.quick else \
            ((1, "1x1", 1), (4, "2x2", 2), (9, "3x3", 3), (16, "4x4", 4))
        for n, layout, cols in sizes:
            ratios = []
            for _ in range(self.runs):
                wall = run_child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--tiles", str(n),
                                 "--layout", layout, "--window", self.window, "--warmup", self.warmup)
                walls.setdefault(n, []).append(wall)
                if n == 1:
                    continue
                bare = run_child("tests.benchmarks.bare_child", "--urls", self.urls, "--tiles", str(n),
                                 "--cols", str(cols), "--tile-w", str(wall["tile_w"]), "--tile-h", str(wall["tile_h"]),
                                 "--window", self.window, "--warmup", self.warmup)
                ratios.append(wall["cpu_percent"] / bare["cpu_percent"])
                self.raw.setdefault(f"cpu_{n}", []).append({"wall": wall, "bare": bare})
            if ratios:
                walls_cpu = median([w["cpu_percent"] for w in walls[n]])
                self.add(Figure(f"wall CPU ÷ bare players, {n} tiles", median(ratios), "×", "<= 1.05",
                                f"wall {walls_cpu:.1f} % of a core", ratios))
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
        sixteen = median([w["vout_all_s"] for w in walls[16]])
        self.add(Figure("time to first picture on all 16 tiles ÷ 1 tile", sixteen / one, "×", "<= 1.2",
                        f"1 tile {one:.2f} s, 16 tiles {sixteen:.2f} s (Vout events)"))
        own = median([sixteen_run["vout_all_s"] / median(sixteen_run["tile_first_s"]) for sixteen_run in walls[16]])
        self.add(Figure("16 tiles: first picture on all ÷ the median tile's own first picture (same run)", own, "×",
                        "<= 1.2", "how parallel a page comes up: 1 = all at once, 16 = one after another; the open "
                            "gate lets 8 streams of one recorder (here: all 16) open at a time"))
        bare16 = median([r["bare"]["vout_all_s"] for r in self.raw["cpu_16"]])
        self.add(Figure("time to first picture on all 16 tiles: wall ÷ bare players", sixteen / bare16, "×", "",
                        f"wall {sixteen:.2f} s, bare libVLC players {bare16:.2f} s, same streams"))
        one_p = median([w["pictures_all_s"] for w in walls[1]])
        sixteen_p = median([w["pictures_all_s"] for w in walls[16]])
        self.add(Figure("time to pictures on screen, 16 tiles ÷ 1 tile", sixteen_p / one_p, "×", "",
                        f"1 tile {one_p:.2f} s, 16 tiles {sixteen_p:.2f} s (screen grabs)"))
        per_tile = (median([w["rss_mib"] for w in walls[16]]) - median([w["rss_mib"] for w in walls[4]])) / 12
        self.add(Figure("RSS per extra 640×360 tile", per_tile, "MiB", "<= 16",
                        "(RSS at 16 tiles − RSS at 4 tiles) ÷ 12"))

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
        self.add(Figure("fault → flag, dead server (median)", median(result["dead_s"]), "s", "<= 3",
                        f"runs {[round(x, 2) for x in result['dead_s']]}"))
        self.add(Figure("fault → flag, frozen server (median)", median(result["frozen_s"]), "s", "<= 5",
                        f"runs {[round(x, 2) for x in result['frozen_s']]}"))

    def lag(self) -> None:
        result = run_child("tests.benchmarks.wall_child", "play", "--urls", self.urls, "--clip", self.clip,
                           "--tiles", "16", "--layout", "4x4", "--flapping", "4", "--window",
                           "6" if self.quick else "30")
        self.raw["lag"] = result
        self.add(Figure("event-loop lag p99, 16 tiles with 4 flapping", result["lag_p99_ms"], "ms", "<= 50",
                        f"max {result['lag_max_ms']:.0f} ms"))

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
        result = run_child("tests.benchmarks.wall_child", "recovery", "--clip", self.clip,
                           "--repeat", "2" if self.quick else "20", "--max-freeze", "4" if self.quick else "25",
                           "--cycles", "6" if self.quick else "100", timeout_s=3600)
        self.raw["recovery"] = result
        returns = result["return_s"]
        self.add(Figure("server return → pictures (median)", median(returns), "s", "<= 3",
                        f"worst {max(returns):.2f} s over {len(returns)} random freeze lengths"))
        self.add(Figure("server return → pictures (worst)", max(returns), "s", "<= 3"))
        self.add(Figure("page-up, 16 tiles, server answering after 1.5 s", result["slow_page_up_s"], "s", "",
                        f"player teardowns: {result['slow_teardowns']}"))
        cycles = "6" if self.quick else "100"
        self.add(Figure("RSS after server kill/restart cycles of 4 feeds ÷ after the first",
                        result["rss_last"] / result["rss_first"], "×", "<= 1.05",
                        f"{cycles} cycles: {result['rss_first']:.0f} → {result['rss_last']:.0f} MiB (anonymous "
                        f"{result['anon_first']:.0f} → {result['anon_last']:.0f} MiB); malloc tuned as the app does"))


    def scaling(self) -> None:
        """Tiles against CPU and delivered frame rate: how many tiles this machine sustains."""
        rows = []
        sizes = (1, 16, 64) if self.quick else (1, 4, 9, 16, 25, 36, 49, 64)
        window_s = float(self.window)
        for n in sizes:
            side = int(n**0.5)
            urls = self.urls if n <= 32 else self.urls_64
            result = run_child("tests.benchmarks.wall_child", "play", "--urls", urls, "--tiles", str(n),
                               "--layout", f"{side}x{side}", "--window", str(window_s), "--warmup", self.warmup,
                               timeout_s=600)
            fps = result["displayed_window"] / window_s / n
            rows.append({"tiles": n, "cpu_percent": result["cpu_percent"], "fps_per_tile": fps,
                         "lost": result["lost"], "lost_window": result["lost_window"],
                         "lag_p99_ms": result["lag_p99_ms"]})
            print(f"    {n} tiles: {result['cpu_percent']:.0f} % CPU, {fps:.1f} fps per tile", flush=True)
        self.raw["scaling"] = rows
        sustained = max((r["tiles"] for r in rows if r["fps_per_tile"] >= 14.0), default=0)
        self.add(Figure("tiles sustained at full frame rate (≥ 14 of 15 fps per tile)", sustained, "tiles", "",
                        "; ".join(f"{r['tiles']}: {r['cpu_percent']:.0f} % CPU, {r['fps_per_tile']:.1f} fps"
                                  for r in rows)))

    def sweep(self) -> None:
        result = run_child("tests.benchmarks.bench_sweep", "--runs", "1" if self.quick else "3", timeout_s=900)
        self.raw["sweep"] = result
        self.add(Figure("fleet sweep, 4,470 cameras (wall clock)", result["sweep_wall_s"], "s", "<= 15",
                        f"reference prober {result['reference_wall_s']:.2f} s; CPU {result['sweep_cpu_s']:.2f} s "
                        f"vs {result['reference_cpu_s']:.2f} s"))
        self.add(Figure("fleet sweep ÷ reference prober", result["ratio_wall"], "×", "<= 1.5"))


    def monitor(self) -> None:
        args = ["--cameras", "100000", "--seconds", "120" if self.quick else "200", "--shards"]
        result = run_child("tests.benchmarks.bench_monitor", *args, timeout_s=1800)
        self.raw["monitor"] = result
        for figure in monitor_figures(result):
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


def write_docs(suite: Suite, info: dict, quick: bool) -> None:
    """Merge this run's figures into docs/benchmarks.json and rewrite docs/benchmarks.md.

    Figures not measured in this run (``--only``) keep their earlier value and say when
    they were measured, so one table holds the latest figure of every benchmark."""
    DOCS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M %Z")
    mode = "quick" if quick else "full"
    path = DOCS / "benchmarks.json"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    figures = {f["name"]: f for f in old.get("figures", [])}
    raw = dict(old.get("raw", {}))
    for f in suite.figures:
        figures[f.name] = {**f.as_dict(), "measured": f"{stamp} ({mode})"}
    raw.update(suite.raw)
    raw[f"durations_{mode}_s"] = suite.durations
    data = {"generated": stamp, "machine": info, "figures": list(figures.values()), "raw": raw}
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
        "Streams: 640×360 H.264, 15 fps, served live over HTTP MPEG-TS by the camera simulator in",
        "a separate process. Ratios compare with a baseline measured in the same run; quick-mode",
        "figures are single runs, full-mode figures medians of 3 (or more) runs. The machine is",
        "shared: other work was running during some runs, so absolute CPU figures are noisy.",
        "The scaling curve has been run on this 2-core machine only: no 16-core machine has been",
        "lent to this project's sessions yet (on one: `--only scaling`, and record it beside this).",
        "",
        f"Latest run ({mode}, {stamp}): {sum(suite.durations.values()):.0f} s — "
        + ", ".join(f"{name} {took:.0f} s" for name, took in suite.durations.items()) + ".",
        "",
        "| Figure | Value | Goal | Met | Baseline / detail | Measured |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures.values():
        value = f"{f['value']:.3g} {f['unit']}" if not math.isnan(f["value"]) else "n/a"
        measured = f.get("measured", "")
        lines.append(f"| {f['name']} | {value} | {f['goal']} | {f['met']} | {f['baseline']} | {measured} |")
    lines += scaling_table(raw.get("scaling"))
    lines += soak_table(raw.get("longsoak"))
    (DOCS / "benchmarks.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def scaling_table(rows: list[dict] | None) -> list[str]:
    """Tiles against CPU and delivered frames: the scaling curve of the latest run."""
    if not rows:
        return []
    lines = ["", "## Scaling curve", "",
             "640×360 H.264 at 15 fps per tile, uniform N×N layouts on a 1920×1080 screen; CPU in % of "
             "one core (the machine has 2); pictures libVLC dropped in the measuring window, and since "
             "the start (decoders catching up while 64 streams open).", "",
             "| Tiles | CPU % | fps per tile | Lost in window | Lost since start | Lag p99 ms |",
             "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['tiles']} | {r['cpu_percent']:.0f} | {r['fps_per_tile']:.1f} | "
                     f"{r.get('lost_window', '—')} | {r['lost']} | {r['lag_p99_ms']:.0f} |")
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
                        choices=["wall", "search", "faults", "lag", "tour", "soak", "recovery", "scaling", "sweep",
                                 "pictures", "longsoak", "monitor"])
    parser.add_argument("--minutes", type=float, default=30.0, help="length of the longsoak run")
    args = parser.parse_args()
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
            for name in args.only or ["wall", "search", "faults", "lag", "tour", "soak", "recovery", "scaling",
                                      "sweep", "pictures"]:
                print(f"[{name}]", flush=True)
                started = time.monotonic()
                getattr(suite, {"wall": "wall_vs_bare"}.get(name, name))()
                suite.durations[name] = round(time.monotonic() - started, 1)
                print(f"[{name}] took {suite.durations[name]:.0f} s", flush=True)
        Path(handle.name).unlink(missing_ok=True)
        Path(handle64.name).unlink(missing_ok=True)
        write_docs(suite, machine_info(), args.quick)
    finally:
        if xvfb is not None:
            os.killpg(xvfb.pid, signal.SIGTERM)
    print(f"wrote {DOCS / 'benchmarks.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
