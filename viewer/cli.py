"""Command line: ``videowall [wall options]`` or ``videowall COMMAND ...``.

Commands register themselves from small modules (``cli_catalog``, ``cli_report`` …) so
this file stays a dispatcher. Every command returns an exit code; none prints a traceback
for bad input.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from viewer import __version__

log = logging.getLogger(__name__)

#: Modules that add subcommands through ``register(subparsers)``.
COMMAND_MODULES = (
    "viewer.cli_catalog",
    "viewer.cli_report",
    "viewer.cli_sweep",
    "viewer.cli_demo",
    "viewer.cli_run",
    "viewer.cli_monitor",
)


def wall_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="videowall",
        description="Control-room video wall. Without COMMAND, opens the wall.",
        epilog="Commands: check, import-csv, report, sweep, demo, run, monitor (videowall COMMAND --help).",
    )
    add_wall_options(parser)
    parser.add_argument("--version", action="version", version=f"videowall {__version__}")
    return parser


def add_wall_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--catalog", metavar="PATH", help="camera catalog (default: catalog.yaml in the config dir)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--district", metavar="ID", help="open this district")
    target.add_argument("--tour", metavar="ID", help="run this tour ('all' = every district)")
    target.add_argument("--view", metavar="NAME", help="open this saved view")
    parser.add_argument("--layout", metavar="SPEC", help="grid: 1x1..8x8, or 1+5, 1+7, 1+12, 2+8, 3+4")
    parser.add_argument("--fullscreen", action="store_true", help="start fullscreen")
    parser.add_argument("--kiosk", action="store_true", default=None,
                        help="unattended wall: fullscreen, no window chrome, no dialogs, protected exit")
    parser.add_argument("--screen", type=int, metavar="N", help="put the wall on monitor N (0 = primary)")
    parser.add_argument("--screens", metavar="LIST",
                        help="one wall window per monitor, e.g. 0,1,2 (each keeps its own view or tour; "
                             "setting 'screens')")
    parser.add_argument("--lang", choices=("id", "en"),
                        help="language: id (Bahasa Indonesia) or en (default: the 'language' setting, else the system)")
    parser.add_argument("--network-caching-ms", type=int, metavar="MS", help="libVLC network caching")
    parser.add_argument("--rtsp-tcp", action="store_true", default=None, help="RTSP over TCP (interleaved)")
    parser.add_argument("--status-port", type=int, metavar="PORT",
                        help="serve fleet state as JSON and Prometheus text on 127.0.0.1:PORT")
    parser.add_argument("--no-sweep", action="store_true", help="do not probe the whole fleet in the background")
    parser.add_argument("--selftest", action="store_true", help="play a shipped clip, check pictures, exit 0/1")
    parser.add_argument("--debug", action="store_true", help="verbose log")
    parser.add_argument("--no-remember-catalog", action="store_true", help=argparse.SUPPRESS)


def command_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = argparse.ArgumentParser(prog="videowall")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(subparsers)
    return parser, set(subparsers.choices)


def run_cli(argv: list[str]) -> int:
    parser, commands = command_parser()
    if argv and argv[0] in commands:
        args = parser.parse_args(argv)
        args.argv = argv[1:]
        try:
            return int(args.func(args))
        except KeyboardInterrupt:
            return 130
    args = wall_parser().parse_args(argv)
    args.argv = argv
    from viewer.app import run_wall

    return run_wall(args)


if __name__ == "__main__":
    sys.exit(run_cli(sys.argv[1:]))
