"""Benchmark: ``videowall sweep`` over a 4,470-camera RTSP fleet against a minimal reference prober.

    python -m tests.benchmarks.bench_sweep [--cameras 4470] [--runs 1] [--concurrency 256] [--timeout 4]

The simulator runs in a CHILD process (this module with ``--serve``): mostly healthy cameras,
plus Digest/Basic cameras (right credentials as fields and as ``${VAR}``), wrong passwords,
404, 403, audio-only, hanging, slow, garbage and refused ones. Then, alternately, it times
``python -m viewer sweep`` and the reference (this module with ``--reference``: a bare asyncio
OPTIONS+DESCRIBE prober, no auth logic, classifying by status code, same concurrency and
timeout) as child processes: wall-clock seconds from spawn to exit and CPU seconds from
``os.wait4``. Prints one JSON line with both figures and their ratios (goal: sweep <= 15 s and
<= 1.5x the reference). Not collected by pytest.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from tests.benchmarks.harness import ROOT, Child, cpu_seconds, machine_info, median

PASSWORD_ENV = "BENCH_SWEEP_PASSWORD"
PASSWORD = "Bench-S3cret!"
GOAL_WALL_S = 15.0
GOAL_RATIO = 1.5
#: behaviour -> how many cameras (the rest are healthy); "wrong" = Digest with a wrong password.
MIX = {
    "auth_digest": 200,
    "auth_basic": 100,
    "wrong": 30,
    "not_found": 40,
    "forbidden": 10,
    "audio_only": 20,
    "hanging": 30,
    "slow": 30,
    "garbage": 20,
    "refused": 20,
}


# --- child: the simulator --------------------------------------------------------------------
def serve(cameras: int, folder: Path) -> int:
    """Simulate the fleet, write ``catalog.yaml`` and ``urls.txt`` into ``folder``, print a JSON
    ready line, run until SIGTERM (or Ctrl-C)."""
    from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

    sim = CameraSimulator()
    plan = [kind for kind, n in MIX.items() for _ in range(n)]
    plan += ["healthy"] * max(0, cameras - len(plan))
    plan = plan[:cameras]
    random.Random(1).shuffle(plan)  # misbehaving cameras spread through the fleet, same every run
    lines = ["version: 1", "districts:"]
    districts = [f"d{n:02d}" for n in range(1, 31)]
    lines += [f"  - {{id: {d}, name: District {d}}}" for d in districts]
    lines.append("cameras:")
    urls = []
    for i, kind in enumerate(plan):
        behaviour = Behaviour.AUTH_DIGEST if kind == "wrong" else Behaviour(kind)
        url = sim.add_rtsp(SimCamera(f"/cam/{i}", behaviour, password=PASSWORD))
        urls.append(url)
        entry = f"  - {{id: cam-{i:05d}, name: Camera {i}, district: {districts[i % len(districts)]}, url: '{url}'"
        if kind == "auth_digest":
            entry += f", username: admin, password: '{PASSWORD}'"
        elif kind == "auth_basic":
            entry += f", username: admin, password: '${{{PASSWORD_ENV}}}'"
        elif kind == "wrong":
            entry += ", username: admin, password: 'not-the-one'"
        lines.append(entry + "}")
    (folder / "catalog.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    sim.start()
    try:
        print(json.dumps({"ready": True, "cameras": len(plan), "mix": dict(Counter(plan))}), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


# --- child: the reference prober -------------------------------------------------------------
async def reference_probe(url: str, timeout_s: float) -> str:
    """OPTIONS + DESCRIBE, status codes only: ok / auth / not_found / protocol / refused / timeout."""
    rest = url.split("://", 1)[1]
    hostport, _, _ = rest.partition("/")
    host, _, port = hostport.rpartition(":")

    async def exchange() -> str:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            code = 0
            for cseq, method in enumerate(("OPTIONS", "DESCRIBE"), start=1):
                writer.write(f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\n\r\n".encode())
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = await reader.read(4096)
                    if not chunk:
                        return "protocol"
                    head += chunk
                    if not head.startswith(b"RTSP/"[: len(head)]):
                        return "protocol"  # garbage
                code = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = head.split(b"\r\n\r\n", 1)[1]
                while len(body) < length:
                    body += await reader.read(length - len(body))
                if code != 200:
                    break
            return {200: "ok", 401: "auth", 403: "auth", 404: "not_found"}.get(code, "protocol")
        finally:
            writer.transport.abort()

    try:
        return await asyncio.wait_for(exchange(), timeout_s)
    except (asyncio.TimeoutError, TimeoutError):
        return "timeout"
    except ConnectionRefusedError:
        return "refused"
    except (OSError, ValueError):
        return "protocol"


async def reference_sweep(urls: list[str], concurrency: int, timeout_s: float) -> Counter:
    slots = asyncio.Semaphore(concurrency)

    async def one(url: str) -> str:
        async with slots:
            return await reference_probe(url, timeout_s)

    return Counter(await asyncio.gather(*(one(u) for u in urls)))


# --- the parent ------------------------------------------------------------------------------
def timed_child(command: list[str], env: dict[str, str]) -> tuple[float, float, int]:
    """(wall s, CPU s, exit status) of a child process, CPU from its own rusage."""
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall_s = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall_s, usage.ru_utime + usage.ru_stime, proc.returncode


def bench(args: argparse.Namespace) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ, PYTHONUNBUFFERED="1", MALLOC_ARENA_MAX="2", **{PASSWORD_ENV: PASSWORD})
        with Child("tests.benchmarks.bench_sweep", "--serve", str(args.cameras), "--folder", tmp) as server:
            ready = server.wait_for("ready", timeout_s=300)
            sim_cpu_before = cpu_seconds(server.pid)
            common = ["--concurrency", str(args.concurrency), "--timeout", str(args.timeout)]
            out_csv = folder / "sweep.csv"
            sweep_cmd = [sys.executable, "-m", "viewer", "sweep", str(folder / "catalog.yaml"), *common,
                         "--format", "csv", "-o", str(out_csv)]  # fmt: skip
            ref_cmd = [sys.executable, "-m", "tests.benchmarks.bench_sweep", "--reference",
                       str(folder / "urls.txt"), *common, "--out", str(folder / "reference.json")]  # fmt: skip
            sweeps, references = [], []
            for _ in range(args.runs):
                sweeps.append(timed_child(sweep_cmd, env))
                references.append(timed_child(ref_cmd, env))
            sim_cpu_s = cpu_seconds(server.pid) - sim_cpu_before
        with open(out_csv, encoding="utf-8") as handle:
            sweep_reasons = Counter(row["reason"] for row in csv.DictReader(handle))
        reference_reasons = json.loads((folder / "reference.json").read_text())
    sweep_wall = median([w for w, _, _ in sweeps])
    sweep_cpu = median([c for _, c, _ in sweeps])
    ref_wall = median([w for w, _, _ in references])
    ref_cpu = median([c for _, c, _ in references])
    return {
        "bench": "sweep",
        "cameras": ready["cameras"],
        "mix": ready["mix"],
        "concurrency": args.concurrency,
        "timeout_s": args.timeout,
        "runs": args.runs,
        "sweep_wall_s": round(sweep_wall, 2),
        "sweep_cpu_s": round(sweep_cpu, 2),
        "sweep_exit": sweeps[-1][2],
        "reference_wall_s": round(ref_wall, 2),
        "reference_cpu_s": round(ref_cpu, 2),
        "ratio_wall": round(sweep_wall / ref_wall, 2),
        "ratio_cpu": round(sweep_cpu / ref_cpu, 2) if ref_cpu else None,
        "simulator_cpu_s": round(sim_cpu_s, 2),
        "sweep_reasons": dict(sweep_reasons),
        "reference_reasons": reference_reasons,
        "goal_met": sweep_wall <= GOAL_WALL_S and sweep_wall <= GOAL_RATIO * ref_wall,
        "all_wall_s": {
            "sweep": [round(w, 2) for w, _, _ in sweeps],
            "reference": [round(w, 2) for w, _, _ in references],
        },
        "machine": machine_info(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.bench_sweep", description=__doc__.splitlines()[0])
    parser.add_argument("--cameras", type=int, default=4470)
    parser.add_argument("--runs", type=int, default=1, help="timed runs of each (medians are reported)")
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--timeout", type=float, default=4.0)
    parser.add_argument("--serve", type=int, metavar="N", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--reference", metavar="URLS", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        return serve(args.serve, Path(args.folder))
    if args.reference:
        urls = Path(args.reference).read_text(encoding="utf-8").split()
        counts = asyncio.run(reference_sweep(urls, args.concurrency, args.timeout))
        Path(args.out).write_text(json.dumps(dict(counts)), encoding="utf-8")
        return 0
    print(json.dumps(bench(args)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
