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
from typing import NoReturn

from viewer import __version__

log = logging.getLogger(__name__)

MAX_PORT = 65535

#: Modules that add subcommands through ``register(subparsers)``.
COMMAND_MODULES = (
    "viewer.cli.catalog",
    "viewer.cli.report",
    "viewer.cli.evaluate",
    "viewer.cli.sweep",
    "viewer.cli.demo",
    "viewer.cli.run",
    "viewer.cli.monitor",
)


class OneLineErrorParser(argparse.ArgumentParser):
    """A usage error is one line on stderr (``videowall: error: ...``) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"port {value} out of range (0 to {MAX_PORT})")
    return value


def bounded_int(low: int, high: int):
    """argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} out of range ({low} to {high})")
        return value

    parse.__name__ = "int"
    return parse


def check_wall_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Combinations argparse cannot express; a usage error (exit 2) when one is wrong."""
    if getattr(args, "status_port", None) is not None and getattr(args, "no_sweep", False):
        parser.error("--status-port publishes the background sweep's results; it cannot be used with --no-sweep")


def wall_parser() -> argparse.ArgumentParser:
    parser = OneLineErrorParser(
        prog="videowall",
        description="Control-room video wall. Without COMMAND, opens the wall.",
        epilog="Commands: check, import-csv, report, evaluate, sweep, demo, run, monitor (videowall COMMAND --help).",
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
    parser.add_argument("--screen", type=bounded_int(0, 63), metavar="N",
                        help="put the wall on monitor N (0 = primary)")
    parser.add_argument("--screens", metavar="LIST",
                        help="one wall window per monitor, e.g. 0,1,2 (each keeps its own view or tour; "
                             "setting 'screens')")
    parser.add_argument("--lang", choices=("id", "en"),
                        help="language: id (Bahasa Indonesia) or en (default: the 'language' setting, else the system)")
    parser.add_argument("--network-caching-ms", type=bounded_int(0, 60_000), metavar="MS",
                        help="libVLC network caching")
    parser.add_argument("--rtsp-tcp", action=argparse.BooleanOptionalAction, default=None,
                        help="RTSP over TCP, interleaved (default: the 'rtsp_tcp' setting, true); "
                             "--no-rtsp-tcp: RTP over UDP")
    parser.add_argument("--rtsp-client", choices=("relay", "libvlc"),
                        help="relay: FFmpeg's RTSP client feeding libVLC (default, every platform); "
                             "libvlc: libVLC's own live555 client (not on Debian; not tested)")
    parser.add_argument("--status-port", type=port_number, metavar="PORT",
                        help="serve fleet state as JSON and Prometheus text on 127.0.0.1:PORT")
    parser.add_argument("--no-sweep", action="store_true", help="do not probe the whole fleet in the background")
    parser.add_argument("--selftest", action="store_true", help="play a shipped clip, check pictures, exit 0/1")
    parser.add_argument("--selftest-url", metavar="URL",
                        help="with --selftest: also play this camera (e.g. rtsp://host/stream); "
                             "password from the environment variable VIDEOWALL_SELFTEST_PASSWORD")
    parser.add_argument("--selftest-user", metavar="NAME", help="with --selftest-url: the camera's user name")
    parser.add_argument("--debug", action="store_true", help="verbose log")
    parser.add_argument("--no-remember-catalog", action="store_true", help=argparse.SUPPRESS)


def command_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    parser = OneLineErrorParser(prog="videowall")
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
    from viewer.log import setup_command_logging

    setup_command_logging()  # before anything can log: every record passes the password filter
    parser, commands = command_parser()
    if argv and argv[0] in commands:
        args = parser.parse_args(argv)
        if argv[0] == "run":
            check_wall_options(parser, args)
        args.argv = argv[1:]
        try:
            return int(args.func(args))
        except KeyboardInterrupt:
            return 130
    parser = wall_parser()
    args = parser.parse_args(argv)
    check_wall_options(parser, args)
    args.argv = argv
    from viewer.app import run_wall
    from viewer.options import WallOptions

    return run_wall(WallOptions.from_namespace(args))


if __name__ == "__main__":
    sys.exit(run_cli(sys.argv[1:]))
