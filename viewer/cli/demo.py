"""``videowall demo``: a simulated city on 127.0.0.1, and the wall touring it.

The demo keeps everything of its own under ``paths.demo_home()`` (settings, views, the
outage journal, logs), so it never touches a real installation's journal or last view.
``--catalog-out FILE`` writes a commented example catalog instead (training).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from viewer import paths

log = logging.getLogger(__name__)

DEMO_TOUR = "patroli-kota"
DEMO_LAYOUT = "3x3"


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="open the wall on a simulated city (no camera or network needed)",
        description="Starts simulated cameras on 127.0.0.1 (some fail on purpose) and opens the wall on a tour.",
    )
    parser.add_argument("--catalog-out", metavar="FILE", help="write a commented example catalog and exit")
    parser.add_argument("--tour", default=DEMO_TOUR, help=f"tour to run (default {DEMO_TOUR}; 'all' = every district)")
    parser.add_argument("--layout", default=DEMO_LAYOUT, help=f"wall layout (default {DEMO_LAYOUT})")
    parser.add_argument(
        "--protocol", choices=["rtsp", "http"], default=None,
        help="serve the simulated cameras over RTSP (like the city: main and sub-streams; the market "
        "cameras stay HTTP) or all over HTTP MPEG-TS (default: rtsp)",
    )  # fmt: skip
    parser.add_argument("--fullscreen", action="store_true")
    parser.add_argument("--screen", type=int, metavar="N")
    parser.add_argument("--lang", choices=["id", "en"], help="Bahasa Indonesia or English (default: system)")
    parser.add_argument("--debug", action="store_true")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from viewer.demo.city import DEMO_PROTOCOL, DemoCity
    from viewer.demo.training import write_training_catalog

    if args.catalog_out:
        target = Path(args.catalog_out)
        try:
            write_training_catalog(target)
        except OSError as exc:
            print(f"videowall demo: cannot write {target}: {exc}", file=sys.stderr)
            return 2
        print(f"wrote an example catalog to {target}; check it with: videowall check {target}")
        return 0

    from viewer import shutdown_guard

    shutdown_guard.block_exit_signals()  # before the simulator's threads: the wall takes SIGTERM on one thread
    home = paths.demo_home()
    os.environ[paths.HOME_ENV] = str(home)  # the wall below uses the demo's own folders
    city = DemoCity(home / "city", protocol=args.protocol or DEMO_PROTOCOL)
    catalog = city.start()
    print(f"demo city: {len(city.urls)} simulated cameras on 127.0.0.1; catalog {catalog}")
    print("outages are journalled; list them with: videowall report --demo")
    from viewer.app import run_wall
    from viewer.cli import wall_parser
    from viewer.options import WallOptions

    wall_args = ["--catalog", str(catalog), "--tour", args.tour, "--layout", args.layout, "--no-remember-catalog"]
    if args.fullscreen:
        wall_args.append("--fullscreen")
    if args.screen is not None:
        wall_args += ["--screen", str(args.screen)]
    if args.debug:
        wall_args.append("--debug")
    if args.lang:
        wall_args += ["--lang", args.lang]
    try:
        return run_wall(WallOptions.from_namespace(wall_parser().parse_args(wall_args)))
    finally:
        city.stop()
