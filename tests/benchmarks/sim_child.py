"""Child process: serve N live streams of one clip from the camera simulator.

Prints one JSON line ``{"urls": [...]}`` when ready and serves until killed. Kept in its
own process so that serving costs are not counted against the wall or the baseline.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path

from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--clip", type=Path, required=True)
    args = parser.parse_args()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with CameraSimulator() as sim:
        urls = [sim.add_http(SimCamera(f"/cam{i}", Behaviour.HEALTHY, clip=args.clip)) for i in range(args.count)]
        print(json.dumps({"urls": urls}), flush=True)
        done.wait()
    sys.exit(0)


if __name__ == "__main__":
    main()
