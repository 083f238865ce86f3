"""``videowall run [--supervise] [wall options]``: the wall, optionally kept alive.

With ``--supervise`` a small supervisor process restarts the wall after a crash or a hang
(see :mod:`viewer.supervisor`); this is what autostart entries should call.
"""

from __future__ import annotations

import argparse
import logging
import math
import sys

from viewer import paths
from viewer.core.restart_policy import HANG_TIMEOUT_S

log = logging.getLogger(__name__)


def register(subparsers) -> None:
    from viewer.cli import add_wall_options

    parser = subparsers.add_parser("run", help="run the wall; --supervise restarts it after a crash")
    parser.add_argument("--supervise", action="store_true",
                        help="restart the wall whenever it exits abnormally or stops answering")
    parser.add_argument("--hang-timeout-s", type=_seconds, default=HANG_TIMEOUT_S, metavar="S",
                        help=f"with --supervise: restart a wall that stops answering for this long "
                             f"(default {HANG_TIMEOUT_S:.0f}; 0: never)")
    add_wall_options(parser)
    parser.set_defaults(func=run)


def _seconds(text: str) -> float:
    """argparse type: a finite number of seconds, 0 or more."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number of seconds, 0 or more: {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    if not args.supervise:
        from viewer.app import run_wall
        from viewer.options import WallOptions

        return run_wall(WallOptions.from_namespace(args))
    from viewer.log import setup_logging
    from viewer.supervisor import supervise

    setup_logging(paths.log_dir() / "supervisor.log", console=sys.stderr is not None)
    return supervise(wall_arguments(args.argv), hang_timeout_s=args.hang_timeout_s)


def wall_arguments(argv: list[str]) -> list[str]:
    """The command line minus the supervisor's own options (the wall does not know them)."""
    out: list[str] = []
    skip_value = False
    for arg in argv:
        if skip_value:
            skip_value = False
        elif arg == "--supervise" or arg.startswith("--hang-timeout-s="):
            continue
        elif arg == "--hang-timeout-s":
            skip_value = True
        else:
            out.append(arg)
    return out
