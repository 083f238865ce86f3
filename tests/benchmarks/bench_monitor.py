"""Benchmark: ``videowall monitor`` on a 100,000-camera RTSP fleet.

    python -m tests.benchmarks.bench_monitor [--cameras 100000] [--seconds 150] [--shards]

The fleet is ``bench_sweep``'s simulator child (mostly healthy cameras plus auth, 404, 403,
audio-only, hanging, slow, garbage and refused ones) on the same machine. The monitor runs as
a child process (``python -m viewer monitor``, journal on, default ``--max-age 60``). Every
second the parent samples its RSS, open file descriptors and CPU; every 30 s (the shipped
Prometheus example's interval) it scrapes
``/metrics`` like Prometheus (timing the answer) and reads the oldest camera state's age.
With ``--shards`` it then runs two monitors (``--shard 0/2`` and ``1/2``) on the same fleet and
checks that their ``/metrics`` together name every camera exactly once. Finally it times the
library's render of 100,000 cameras' metrics in-process. Prints one JSON line. Not collected by
pytest. The machine is shared: every figure carries that caveat.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.benchmarks.bench_sweep import PASSWORD, PASSWORD_ENV
from tests.benchmarks.harness import ROOT, Child, cpu_seconds, fd_count, machine_info, median, rss_mib
from tests.support.ports import free_port

GOAL_AGE_S = 60.0
GOAL_RSS_MIB = 300.0
GOAL_SCRAPE_S = 2.0
SCRAPE_EVERY_S = 30.0  # as resources/monitoring/prometheus.yml scrapes the monitor
_CAMERA_RE = re.compile(rb'^videowall_camera_up\{camera_id="([^"]*)"', re.MULTILINE)
_OLDEST_RE = re.compile(rb"^videowall_monitor_oldest_state_age_seconds (\S+)$", re.MULTILINE)
_PROBES_RE = re.compile(rb"^videowall_monitor_probes_total (\S+)$", re.MULTILINE)
_WATCHED_RE = re.compile(rb"^videowall_monitor_cameras (\S+)$", re.MULTILINE)


def start_monitor(catalog: Path, folder: Path, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT), VIDEOWALL_HOME=str(folder / "home"), **{PASSWORD_ENV: PASSWORD})
    proc = subprocess.Popen(
        [sys.executable, "-m", "viewer", "monitor", str(catalog), "--listen", f"127.0.0.1:{port}",
         "--journal", str(folder / f"journal-{port}.sqlite3"), *args],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    return proc, f"http://127.0.0.1:{port}/metrics"


def scrape(url: str) -> tuple[float, bytes] | None:
    """Like Prometheus: asks for gzip; seconds until the whole answer arrived, and the text."""
    started = time.perf_counter()
    try:
        request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            gzipped = response.headers.get("Content-Encoding") == "gzip"
    except OSError:
        return None
    took = time.perf_counter() - started
    return took, gzip.decompress(body) if gzipped else body


def oldest_age(body: bytes) -> float | None:
    match = _OLDEST_RE.search(body)
    if match is None or match[1] in (b"NaN", b"nan"):
        return None
    return float(match[1])


def stop(proc: subprocess.Popen) -> float:
    """SIGTERM; seconds until it exited."""
    started = time.monotonic()
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        return float("inf")
    return time.monotonic() - started


def one_monitor(catalog: Path, folder: Path, seconds: float) -> dict:
    proc, url = start_monitor(catalog, folder)
    started = time.monotonic()
    rss, fds, scrapes, ages = [], [], [], []
    first_pass_s = None
    next_scrape = started
    cpu_at_pass = None
    probes_total, cpu_at_probes = 0.0, 0.0
    cameras = 0
    try:
        while time.monotonic() - started < seconds:
            if proc.poll() is not None:
                raise RuntimeError(f"monitor exited {proc.returncode}")
            rss.append(rss_mib(proc.pid))
            fds.append(fd_count(proc.pid))
            if time.monotonic() >= next_scrape:
                next_scrape += SCRAPE_EVERY_S
                got = scrape(url)
                if got is not None:
                    took, body = got
                    scrapes.append(round(took, 3))
                    age = oldest_age(body)
                    if age is not None:
                        if first_pass_s is None:
                            first_pass_s = time.monotonic() - started
                            cpu_at_pass = (cpu_seconds(proc.pid), time.monotonic())
                        ages.append(round(age, 1))
                    cameras = len(_CAMERA_RE.findall(body))
                    probes = _PROBES_RE.search(body)
                    if probes is not None:
                        probes_total, cpu_at_probes = float(probes[1]), cpu_seconds(proc.pid)
            time.sleep(1.0)
        cpu_end = (cpu_seconds(proc.pid), time.monotonic())
    finally:
        stop_s = stop(proc)
    cpu_percent = None
    if cpu_at_pass is not None:
        cpu_percent = 100.0 * (cpu_end[0] - cpu_at_pass[0]) / (cpu_end[1] - cpu_at_pass[1])
    return {
        "first_full_pass_s": None if first_pass_s is None else round(first_pass_s, 1),
        "oldest_state_age_s": ages,
        "max_oldest_state_age_s": max(ages) if ages else None,
        "peak_rss_mib": round(max(rss), 1),
        "rss_mib_last": round(rss[-1], 1),
        "peak_fds": max(fds),
        "scrape_s": scrapes,
        "scrape_s_median_after_first": median(scrapes[1:]) if len(scrapes) > 1 else None,
        "cameras_in_last_scrape": cameras,
        "probes_total": int(probes_total),
        "cpu_s_at_that_scrape": round(cpu_at_probes, 1),
        # CPU per probe, start-up (catalog load) included: an upper bound, free of the machine's load
        "cpu_ms_per_probe": round(1000 * cpu_at_probes / probes_total, 3) if probes_total else None,
        "cpu_percent_after_first_pass": None if cpu_percent is None else round(cpu_percent, 1),
        "stop_s": round(stop_s, 2),
    }


def two_shards(catalog: Path, folder: Path, cameras: int, timeout_s: float) -> dict:
    procs = [start_monitor(catalog, folder, "--shard", f"{k}/2") for k in (0, 1)]
    started = time.monotonic()
    try:
        names: list[list[bytes]] = [[], []]
        watched = [0, 0]
        while time.monotonic() - started < timeout_s:
            for k, (_, url) in enumerate(procs):
                got = scrape(url)
                if got is not None:
                    names[k] = _CAMERA_RE.findall(got[1])
                    found = _WATCHED_RE.search(got[1])
                    watched[k] = int(float(found[1])) if found else 0
            if sum(len(n) for n in names) >= cameras:
                break
            time.sleep(2.0)
    finally:
        for proc, _ in procs:
            stop(proc)
    every = names[0] + names[1]
    return {
        "watched": watched,  # each shard's share of the catalog (videowall_monitor_cameras)
        "watched_sum_ok": sum(watched) == cameras,
        "shard_sizes": [len(n) for n in names],  # cameras probed by the end
        "distinct": len(set(every)),
        "duplicates": len(every) - len(set(every)),
        "exactly_once": len(every) == len(set(every)) == cameras,
        "seconds": round(time.monotonic() - started, 1),
    }


def render_100k(cameras: int) -> dict:
    """The library's render of ``cameras`` cameras' metrics (10 % down), in this process."""
    from viewer.core.monitor_model import CameraRow, MonitorView
    from viewer.core.reasons import Reason
    from viewer.core.sweep import SweepResult
    from viewer.jobs.metrics import MonitorCollector, registry_with, render

    rows = tuple(CameraRow(f"cam-{i:06d}", f"d{i % 30:02d}", "", f"10.{i // 64 // 250}.{i // 64 % 250}.1:554")
                 for i in range(cameras))  # fmt: skip
    now = time.time()
    results = {
        r.camera_id: SweepResult(r.camera_id, r.camera_id, r.district, "rtsp://h/", Reason.REFUSED if i % 10 == 0
                                 else Reason.OK, 3.0, now - i % 50)
        for i, r in enumerate(rows)
    }  # fmt: skip
    view = MonitorView(rows, results, now, cameras, 0, 2000.0, 50.0, 60.0, "0/1", now, 0)
    registry = registry_with(MonitorCollector(lambda: view))
    times = []
    for _ in range(3):
        started = time.perf_counter()
        body = render(registry)
        times.append(time.perf_counter() - started)
    return {"render_s": [round(t, 2) for t in times], "bytes": len(body)}


def bench(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-monitor-") as tmp:
        folder = Path(tmp)
        with Child("tests.benchmarks.bench_sweep", "--serve", str(args.cameras), "--folder", tmp) as server:
            ready = server.wait_for("ready", timeout_s=600)
            sim_cpu = cpu_seconds(server.pid)
            catalog = folder / "catalog.yaml"
            single = one_monitor(catalog, folder, args.seconds)
            shards = two_shards(catalog, folder, ready["cameras"], args.seconds) if args.shards else None
            sim_cpu = cpu_seconds(server.pid) - sim_cpu
    render_figures = render_100k(args.cameras)
    return {
        "bench": "monitor",
        "cameras": ready["cameras"],
        "mix": ready["mix"],
        "seconds": args.seconds,
        "monitor": single,
        "shards": shards,
        "render": render_figures,
        "simulator_cpu_s": round(sim_cpu, 1),
        "goals": {
            "age_ok": single["max_oldest_state_age_s"] is not None and single["max_oldest_state_age_s"] <= GOAL_AGE_S,
            "rss_ok": single["peak_rss_mib"] <= GOAL_RSS_MIB,
            "scrape_ok": bool(single["scrape_s"]) and max(single["scrape_s"]) <= GOAL_SCRAPE_S,
        },
        "machine": machine_info(),
        "note": "shared 2-core machine: other helpers' tests ran at the same time; the simulator shares the cores",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_monitor",
                                     description=__doc__.splitlines()[0])  # fmt: skip
    parser.add_argument("--cameras", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=150.0, help="how long the single monitor runs")
    parser.add_argument("--shards", action="store_true", help="then check two shards cover the fleet exactly once")
    args = parser.parse_args(argv)
    print(json.dumps(bench(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
