"""``videowall run [--supervise] [wall options]``: the wall, optionally kept alive.

With ``--supervise`` a small supervisor process restarts the wall after a crash (see
:mod:`viewer.supervisor`); this is what autostart entries should call.
"""

from __future__ import annotations

import argparse
import logging
import sys

from viewer import paths

log = logging.getLogger(__name__)


def register(subparsers) -> None:
    from viewer.cli import add_wall_options

    parser = subparsers.add_parser("run", help="run the wall; --supervise restarts it after a crash")
    parser.add_argument("--supervise", action="store_true", help="restart the wall whenever it exits abnormally")
    add_wall_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not args.supervise:
        from viewer.app import run_wall

        return run_wall(args)
    from viewer.log import setup_logging
    from viewer.supervisor import supervise

    setup_logging(paths.log_dir() / "supervisor.log", console=sys.stderr is not None)
    wall_args = [a for a in args.argv if a != "--supervise"]
    return supervise(wall_args)
