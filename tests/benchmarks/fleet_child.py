"""Child process: the real wall sweeping a 50,000-camera fleet; event-loop lag while it does.

    python -m tests.benchmarks.fleet_child --url URL [--cameras 50000] [--window 30]

The catalog has ``--cameras`` cameras in districts of 100: all but 2 % point at one live
simulator stream (``URL?cam=N``, so every camera is its own URL), the rest at a closed port
(refused: outages to journal). The wall (WallWindow and FleetMonitor wired as the app wires
them, one tile playing) runs its background sweep; once the first batches have arrived the
event-loop lag is measured over ``--window`` seconds. One JSON line: lag p99/max (ms), CPU %,
batches and results received during the window. Batches arrive every
``BATCH_MAX_AGE_S`` with ``SWEEP_MAX_PROBES_PER_S`` results a second.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtWidgets import QApplication

from tests.benchmarks.harness import measure_lag, run_event_loop
from tests.benchmarks.wall_child import build_wall, wait

DISTRICT_SIZE = 100
REFUSED_EVERY = 50  # 2 % of the fleet refuses


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="one live stream of the camera simulator")
    parser.add_argument("--cameras", type=int, default=50_000)
    parser.add_argument("--window", type=float, default=30.0)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDEOWALL_HOME"] = tmp
        refused = f"http://127.0.0.1:{closed_port()}/gone"
        districts: dict[str, list[str]] = {}
        for n in range(args.cameras):
            url = f"{refused}?cam={n}" if n % REFUSED_EVERY == REFUSED_EVERY - 1 else f"{args.url}?cam={n}"
            districts.setdefault(f"d{n // DISTRICT_SIZE:04d}", []).append(url)
        first = districts.pop("d0000")
        started = time.monotonic()
        window, services = build_wall(first, Path(tmp) / "wall", extra_districts=districts)
        catalog_s = time.monotonic() - started
        from viewer.ui.fleet import FleetMonitor

        fleet = FleetMonitor(services.catalog, services.journal, services.flagged_tiles)
        services.fleet = fleet
        batches = [0, 0]

        def count(_summaries) -> None:
            batches[0] += 1
            batches[1] = len(fleet.results)

        fleet.summaries_changed.connect(count)
        fleet.start()
        window.controller.show_district("d1", 0, "1x1")
        wait(app, lambda: batches[0] >= 4, 60)  # the sweep is under way
        before = list(batches)
        lag = measure_lag(args.window)
        after = list(batches)
        snapshot_started = time.perf_counter()
        snapshot = fleet.snapshot()
        snapshot_ms = (time.perf_counter() - snapshot_started) * 1000
        fleet.stop()
        window.allow_exit()
        window.close()
        run_event_loop(0.2)
        services.probes.shutdown()
        services.engine.release()
        services.journal.close()
        print(json.dumps({
            "cameras": len(services.catalog.cameras), "catalog_load_s": round(catalog_s, 2),
            "updates": after[0] - before[0], "results": after[1] - before[1], **lag,
            "snapshot_ms": round(snapshot_ms, 1), "offline_in_snapshot": len(snapshot["cameras_offline"]),
        }), flush=True)  # fmt: skip
    del app


if __name__ == "__main__":
    main()
