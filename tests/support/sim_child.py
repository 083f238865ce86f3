"""Child process: serve N live streams of one clip from the camera simulator (HTTP or RTSP).

Prints one JSON line ``{"urls": [...]}`` when ready and serves until killed. A process of
its own, so that benchmarks do not count its CPU against the wall, and so that tests can
freeze it (SIGSTOP), resume it (SIGCONT), kill it and start it again on the same port.
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
    parser.add_argument("--clip", type=Path, required=True, action="append",
                        help="clip to serve; repeated: camera i serves clip i modulo their number")
    parser.add_argument("--port", type=int, default=0, help="fixed port (to restart in place)")
    parser.add_argument("--scheme", choices=["http", "rtsp"], default="http", help="serve HTTP MPEG-TS or RTSP")
    parser.add_argument("--behaviour", default="healthy", help="behaviour of every camera (e.g. slow)")
    parser.add_argument("--delay", type=float, default=1.5, help="seconds a slow camera takes to answer")
    parser.add_argument("--host", default="127.0.0.1", help="address to serve on")
    parser.add_argument("--live-join", action="store_true",
                        help="new clients join the live stream mid-GOP, as with a real camera")
    args = parser.parse_args()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    with CameraSimulator(args.host, ports_by_scheme={args.scheme: args.port} if args.port else None) as sim:
        behaviour = Behaviour(args.behaviour)
        add = sim.add_rtsp if args.scheme == "rtsp" else sim.add_http
        clips = args.clip
        urls = [add(SimCamera(f"/cam{i}", behaviour, clip=clips[i % len(clips)], delay_s=args.delay,
                              live_join=args.live_join))
                for i in range(args.count)]
        print(json.dumps({"urls": urls}), flush=True)
        done.wait()
    sys.exit(0)


if __name__ == "__main__":
    main()
