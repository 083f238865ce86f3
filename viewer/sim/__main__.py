"""``python -m viewer.sim``: run simulated cameras and print a catalog (YAML) for them.

The catalog goes to stdout; progress goes to stderr. The simulator runs until stdin closes or
Ctrl-C (``--once``: print and stop, for tests). Passwords never appear in the output: cameras
that need credentials are only added when ``VIDEOWALL_SIM_PASSWORD`` is set, and the catalog
refers to that variable.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

log = logging.getLogger(__name__)

PASSWORD_ENV = "VIDEOWALL_SIM_PASSWORD"
DISTRICT_ID = "sim"
_MIXED = (
    Behaviour.FROZEN,
    Behaviour.TRICKLE,
    Behaviour.NOT_FOUND,
    Behaviour.FORBIDDEN,
    Behaviour.HANGING,
    Behaviour.REFUSED,
    Behaviour.FLAPPING,
    Behaviour.AUDIO_ONLY,
    Behaviour.GARBAGE,
    Behaviour.ENDS,
)
_AUTH = (Behaviour.AUTH_BASIC, Behaviour.AUTH_DIGEST)


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m viewer.sim", description=__doc__.splitlines()[0])
    parser.add_argument("--healthy", type=int, default=9, help="healthy HTTP cameras (default 9)")
    parser.add_argument("--rtsp", type=int, default=0, help="healthy RTSP cameras (RTP over TCP from the clips)")
    parser.add_argument("--rtsp-deliver", type=float, default=1.0, metavar="RATIO",
                        help="the --rtsp cameras send this share of their pictures (0.4: 10 of 25 fps)")
    parser.add_argument("--mixed", action="store_true", help="add one camera per failure behaviour")
    parser.add_argument("--mixed-scheme", choices=["http", "rtsp"], default="http", help="of the --mixed cameras")
    parser.add_argument("--clip", type=Path, action="append", help="MPEG-TS clip(s) to serve (cycled)")
    parser.add_argument("--period", type=float, default=30.0, help="flapping period in seconds")
    parser.add_argument("--once", action="store_true", help="print the catalog and stop")
    args = parser.parse_args(argv)
    if not 0 < args.rtsp_deliver <= 1:
        parser.error("--rtsp-deliver must be above 0 and at most 1")
    return args


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    password = os.environ.get(PASSWORD_ENV)
    clips = args.clip or [None]
    sim = CameraSimulator()
    entries: list[tuple[str, str, bool]] = []  # (name, url, needs credentials)
    for i in range(args.healthy):
        cam = SimCamera(f"/cam/{i + 1}", clip=clips[i % len(clips)])
        entries.append((f"Simulated {i + 1}", sim.add_http(cam), False))
    for i in range(args.rtsp):
        cam = SimCamera(f"/rtsp/{i + 1}", clip=clips[i % len(clips)], deliver_ratio=args.rtsp_deliver)
        entries.append((f"Simulated RTSP {i + 1}", sim.add_rtsp(cam), False))
    if args.mixed:
        behaviours = _MIXED + (_AUTH if password else ())
        for n, behaviour in enumerate(behaviours):
            cam = SimCamera(f"/{behaviour.value}", behaviour, clip=clips[n % len(clips)], period_s=args.period)
            if password:
                cam.password = password
            add = sim.add_rtsp if args.mixed_scheme == "rtsp" else sim.add_http
            entries.append((f"Simulated {behaviour.value}", add(cam), behaviour in _AUTH))
    sim.start()
    try:
        lines = ["version: 1", "districts:", f"  - id: {DISTRICT_ID}", "    name: Simulator", "cameras:"]
        for n, (name, url, needs_credentials) in enumerate(entries, start=1):
            lines += [f"  - id: sim-{n:04d}", f"    name: {_quote(name)}", f"    district: {DISTRICT_ID}"]
            lines.append(f"    url: {url}")
            if needs_credentials:
                lines += ["    username: admin", f"    password: ${{{PASSWORD_ENV}}}"]
        if args.mixed and not password:
            lines.append(f"# set {PASSWORD_ENV} to add cameras that need credentials")
        print("\n".join(lines), flush=True)
        if not args.once:
            log.info("simulating %d cameras; close stdin or press Ctrl-C to stop", len(entries))
            try:
                sys.stdin.read()
            except KeyboardInterrupt:
                pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
