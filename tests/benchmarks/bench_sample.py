"""Benchmark: quality samples of a simulated fleet under a bandwidth cap (issue 23 part 2).

    python -m tests.benchmarks.bench_sample [--cameras 200] [--budget 20] [--seconds 5] \
        [--runs admit:16,admit:48,read:48]

The simulator runs in a CHILD process (this module with ``--serve``): ``--cameras`` RTSP
sub-streams, 640×360 25 fps, a keyframe every 2 s, noise over a moving pattern, at 256, 512
and 1,024 kbit/s in turn (mean ~600 kbit/s: camera sub-streams). It prints the bytes its
sockets handed to the kernel every 0.25 s (server-side byte counting). This process samples
every camera once (``viewer.jobs.sampler.QualitySampler``, once=True) per run, each run
``MODE:CONCURRENCY``:

- ``admit``: as shipped (a sample is admitted when the budget holds its expected bytes;
  reading pauses only when a camera sends more than expected);
- ``read``: the alternative, admission free (up to the concurrency) and every byte charged
  as it is read, pausing the reader when the bucket is empty.

For each: wall-clock time, CPU seconds of this process (getrusage: the samplers only; the
simulator is the child), the server-side average and worst 2-s window in Mbit/s, and the
median |sampled − true bitrate| error. Prints one JSON line. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from tests.benchmarks.clips import CACHE
from tests.benchmarks.harness import Child
from tests.support.clips import encode_camera_clip

BITRATES_KBPS = (256, 512, 1024)
CLIP_SECONDS = 8


def bitrate_clip(kbps: int) -> Path:
    """A sub-stream clip at ``kbps`` (640×360, 25 fps, GOP 2 s exactly, noise), made once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"sample-640x360-25fps-gop2s-{kbps}k.ts"
    if not path.exists():
        encode_camera_clip(path, gop_s=2, seconds=CLIP_SECONDS, bitrate=f"{kbps}k")
    return path


def clip_kbps(path: Path) -> float:
    """The clip's true video bitrate (payload bytes ÷ duration at 25 fps)."""
    import av

    with av.open(str(path)) as container:
        sizes = [p.size for p in container.demux(video=0) if p.size]
    return sum(sizes) * 8 / 1000 / (len(sizes) / 25)


# --- child: the simulator ------------------------------------------------------------------
def serve(cameras: int) -> int:
    from viewer.sim.cameras import CameraSimulator, SimCamera

    clips = [bitrate_clip(k) for k in BITRATES_KBPS]
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with CameraSimulator() as sim:
        urls = [sim.add_rtsp(SimCamera(f"/c{n}", clip=clips[n % len(clips)])) for n in range(cameras)]
        print(json.dumps({"urls": urls}), flush=True)
        while not stop.is_set():
            print(json.dumps({"t": time.monotonic(), "bytes": sim.bytes_sent()}), flush=True)
            stop.wait(0.25)
    return 0


# --- parent ---------------------------------------------------------------------------------
def _pause_only_budget():
    from viewer.core.sample_budget import Reservation, SampleBudget

    class PauseOnly(SampleBudget):
        """Admission free (only the concurrency limits it); every byte is charged as it is
        read and readers pause while the bucket is in debt."""

        def admit_wait_s(self, expected: float) -> float:
            return self.bucket.wait_s(0.0)

        def admit(self, expected: float) -> Reservation:
            return Reservation(0.0)

    return PauseOnly


def pause_only_budget(mbps: float, clock):
    return _pause_only_budget()(mbps, clock)


def server_rates(readings: list[tuple[float, int]], since: float, until: float) -> tuple[float, float]:
    """(average, worst 2-s window) in Mbit/s of the server's bytes between ``since`` and ``until``."""
    inside = [(t, b) for t, b in readings if since <= t <= until]
    if len(inside) < 2:
        return float("nan"), float("nan")
    average = (inside[-1][1] - inside[0][1]) * 8 / 1e6 / (inside[-1][0] - inside[0][0])
    windows = [(b2 - b1) * 8 / 1e6 / (t2 - t1) for i, (t1, b1) in enumerate(inside) for (t2, b2) in inside[i + 1:]
               if 1.9 <= t2 - t1 <= 2.1]  # fmt: skip
    return average, max(windows, default=float("nan"))


def run_mode(mode: str, concurrency: int, urls: list[str], truth: list[float], args, readings) -> dict:
    from viewer.core.catalog_model import Camera
    from viewer.core.sample_schedule import sample_targets
    from viewer.jobs.sampler import QualitySampler, SamplerOptions

    cameras = [Camera(f"c{n}", f"C{n}", f"d{n % 7}", url, recorder=f"r{n % 16}") for n, url in enumerate(urls)]
    results = []
    options = SamplerOptions(budget_mbps=args.budget, seconds=args.seconds, concurrency=concurrency)
    sampler = QualitySampler(sample_targets(cameras), results.append, options, once=True)
    if mode == "read":  # the alternative measured against the shipped one (a private swap, bench only)
        sampler._budget = pause_only_budget(args.budget, time.monotonic)
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    sampler.start()
    sampler.wait()
    ended = time.monotonic()
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    time.sleep(0.6)  # the server's last reading after the end
    average, worst = server_rates(list(readings), started, ended)
    ok = [r for r in results if r.ok]
    errors = [abs(r.sample.bitrate_kbps - truth[int(r.target.camera_id[1:]) % len(truth)])
              / truth[int(r.target.camera_id[1:]) % len(truth)] for r in ok]  # fmt: skip
    return {"mode": mode, "concurrency": concurrency, "cameras": len(urls), "ok": len(ok),
            "wall_s": ended - started, "cpu_s": cpu_s,
            "cpu_ms_per_sample": cpu_s * 1000 / max(1, len(results)),
            "server_avg_mbps": average, "server_worst_2s_mbps": worst,
            "bitrate_error_median": statistics.median(errors) if errors else float("nan"),
            "bitrate_error_max": max(errors, default=float("nan")),
            "reasons": dict(Counter(r.reason.value for r in results))}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--serve", action="store_true")
    parser.add_argument("--cameras", type=int, default=200)
    parser.add_argument("--budget", type=float, default=20.0, help="Mbit/s")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", default="admit:16,admit:48,read:48", help="MODE:CONCURRENCY,...")
    args = parser.parse_args()
    if args.serve:
        return serve(args.cameras)
    truth = [clip_kbps(bitrate_clip(k)) for k in BITRATES_KBPS]
    out = {"cameras": args.cameras, "budget_mbps": args.budget, "seconds": args.seconds, "true_kbps": truth,
           "mean_true_kbps": statistics.mean(truth), "runs": []}
    with Child("tests.benchmarks.bench_sample", "--serve", "--cameras", str(args.cameras)) as sim:
        urls = sim.read(120)["urls"]
        readings: list[tuple[float, int]] = []

        def read_server() -> None:
            for line in sim.proc.stdout:
                if line.startswith("{"):
                    message = json.loads(line)
                    readings.append((message["t"], message["bytes"]))

        threading.Thread(target=read_server, name="bench-server-bytes", daemon=True).start()
        for run in args.runs.split(","):
            mode, _, concurrency = run.partition(":")
            out["runs"].append(run_mode(mode, int(concurrency), urls, truth, args, readings))
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
