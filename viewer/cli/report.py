"""``videowall report``: list outages from the journal as a table, CSV or JSON.

Reads through its own read-only connection, so it works while the wall is running.
Exit codes: 0 (also when there is nothing to report), 2 on a bad date or a missing or
unreadable journal (one line on stderr).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from datetime import date, datetime
from pathlib import Path

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json")


class BadDate(ValueError):
    pass


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand (``args.func(args) -> int``)."""
    parser = subparsers.add_parser(
        "report",
        help="list feed outages from the journal",
        description="List feed outages recorded by the wall (newest first).",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", metavar="PATH", help="journal file (default: the wall's own)")
    parser.add_argument("--demo", action="store_true", help="the journal of `videowall demo` instead")
    parser.add_argument("--district", metavar="ID", help="only this district")
    parser.add_argument(
        "--since",
        metavar="DATE",
        help="outages going on at or after DATE: 2026-11-28 or an ISO datetime (local time unless an"
        " offset is given)",
    )
    parser.add_argument("--open", action="store_true", help="only outages still going on")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")


def main(argv: list[str] | None = None) -> int:
    """Run ``report`` with its own options (``argv`` excludes the word ``report``)."""
    parser = argparse.ArgumentParser(prog="videowall report")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    from viewer.core.journal import JournalError, read_outages
    from viewer.core.report import render_csv, render_json, render_table

    try:
        since = parse_since(args.since) if args.since else None
    except BadDate as exc:
        print(f"videowall report: {exc}", file=sys.stderr)
        return 2
    path = Path(args.journal) if args.journal else _default_journal(getattr(args, "demo", False))
    try:
        outages = read_outages(path, district=args.district, since=since, open_only=args.open)
    except JournalError as exc:
        print(f"videowall report: {exc}", file=sys.stderr)
        return 2
    render = {"csv": render_csv, "json": render_json, "table": render_table}[args.format]
    sys.stdout.write(render(outages, time.time()))
    return 0


def parse_since(text: str) -> float:
    """``2026-11-28`` (local midnight) or an ISO datetime (naive = local) -> epoch seconds."""
    value = text.strip()
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day).timestamp()
        if value.endswith(("Z", "z")):
            value = value[:-1] + "+00:00"
        return datetime.fromisoformat(value).timestamp()  # naive: local time
    except ValueError:
        raise BadDate(f"bad --since date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]") from None


def _default_journal(demo: bool = False) -> Path:
    from viewer.paths import demo_home, journal_path

    return demo_home() / "data" / journal_path().name if demo else journal_path()
