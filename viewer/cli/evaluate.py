"""``videowall evaluate``: the network evaluation over a period, from the journal.

Availability over watched time, repair and acknowledgement times per district, recorder and
camera, recorder incidents, daily availability, and the capacity section from the journal's
stream minutes: bitrates, delivered ÷ nominal frame rate, first-packet times, degraded time,
sub-streams sending main-stream bitrates, and the "upgrade first" ranking (definitions: README,
*Network evaluation*). Formats: ``table`` (terminal), ``csv`` (one ``--table``, or one file per table
into the folder ``-o``), ``json`` (every table, or the ``--table`` ones) and ``html`` (one
self-contained page, ``--lang id|en``). Reads the journal through its own read-only
connection, so it works while the wall is running. A catalog entry with errors is skipped
with a line on stderr (the other cameras are evaluated). Exit codes: 0, 2 on a bad option,
date, unusable catalog or journal (one line on stderr). ``--prometheus URL`` takes the district
and recorder availability from Prometheus instead (``viewer.cli.evaluate_prometheus``).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from viewer.cli.report import BadDate, parse_since
from viewer.core.capacity_tables import CAPACITY_TABLES, NO_CAPACITY_TEXT
from viewer.core.evaluate_tables import TABLES

log = logging.getLogger(__name__)

FORMATS = ("table", "csv", "json", "html")
#: Default period: the last DEFAULT_DAYS local days, today included, up to now (as the window's
#: "Last 7 days").
DEFAULT_DAYS = 7
#: Tables the terminal shows without --table.
TEXT_TABLES = ("summary", "districts", "recorders", "incidents", "capacity_districts", "upgrade_first")
#: The terminal shows these columns of the wide capacity tables (CSV/JSON have them all).
TEXT_COLUMNS = {
    "capacity_districts": ["district", "cameras", "main_kbps", "main_unknown", "sub_kbps", "sub_unknown",
                           "fps_ratio_median", "fps_ratio_worst", "first_packet_p50_ms", "first_packet_p95_ms",
                           "degraded_s", "sub_like_main"],
    "capacity_recorders": ["recorder", "cameras", "main_kbps", "main_unknown", "sub_kbps", "sub_unknown",
                           "fps_ratio_median", "fps_ratio_worst", "first_packet_p50_ms", "first_packet_p95_ms",
                           "degraded_s", "sub_like_main"],
    "upgrade_first": ["kind", "rank", "name", "score", "fps_points", "latency_points", "degraded_points",
                      "sub_like_main_points", "fps_ratio_median", "first_packet_p95_ms", "degraded_pct"],
}


class UsageError(ValueError):
    pass


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``evaluate`` subcommand (``args.func(args) -> int``)."""
    parser = subparsers.add_parser(
        "evaluate",
        help="network evaluation: availability, repair times, recorders, acknowledgements, capacity",
        description="Evaluate the network over a period from the outage journal: availability over watched"
        " time, time to restore and to acknowledge per district, recorder and camera, recorder incidents,"
        " daily availability; capacity per district and recorder (bitrates, frame rates, first-packet times, degraded"
        " time) and the 'upgrade first' ranking. Times in CSV/JSON are local with their UTC offset.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--journal", metavar="PATH", help="journal file (default: the wall's own)")
    parser.add_argument("--catalog", metavar="PATH", help="camera catalog (default: the wall's catalog)")
    parser.add_argument("--since", metavar="DATE", help=f"start: YYYY-MM-DD (local midnight) or an ISO datetime"
                        f" (default: the last {DEFAULT_DAYS} days, today included)")
    parser.add_argument("--until", metavar="DATE", help="end: YYYY-MM-DD (that whole day included) or an ISO"
                        " datetime (default: now)")
    parser.add_argument("--district", metavar="ID", help="only this district")
    parser.add_argument("--group", metavar="G", help="only cameras of this group (or of districts in it)")
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("--table", choices=TABLES, action="append", metavar="NAME",
                        help=f"only this table ({', '.join(TABLES)}); repeat for several (json, table)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write here instead of stdout (csv without --table: a folder, one file per table)")
    parser.add_argument("--lang", choices=("id", "en"), help="language of the HTML report (default: the system's)")
    parser.add_argument("--prometheus", metavar="URL",
                        help="district and recorder availability from this Prometheus' history of every monitor it"
                        " scrapes (http://host:9090; needs the shipped recording rules)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="videowall evaluate")
    add_arguments(parser)
    return run(parser.parse_args(argv))


def run(args: argparse.Namespace) -> int:
    """The command. The cyclic GC stays paused throughout: the work is ~10^6 small acyclic
    objects, created once and dropped at exit (see ``viewer.core.evaluate.evaluate``)."""
    from viewer.core.catalog import gc_paused

    if args.format == "html":
        _preload_report_modules()
    with gc_paused():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from viewer.core.catalog import load_catalog
    from viewer.core.catalog_model import CatalogError
    from viewer.core.evaluate import Scope, evaluate
    from viewer.core.journal import JournalError, read_evaluation_input

    now = time.time()
    if args.prometheus:
        from viewer.cli import evaluate_prometheus as cli_evaluate_prometheus

        try:
            since, until = period(args.since, args.until, now)
        except (BadDate, UsageError) as exc:
            return _fail(str(exc))
        return cli_evaluate_prometheus.run(args, since, min(until, now))
    try:
        since, until = period(args.since, args.until, now)
        check_csv_options(args)
        catalog_path = _catalog_path(args.catalog)
        catalog = load_catalog(catalog_path, lenient=True)  # one broken entry must not stop the evaluation
        for issue in catalog.warnings:
            if "skipped:" in str(issue):
                print(f"videowall evaluate: catalog: {issue}", file=sys.stderr)
        scope = Scope(district=args.district, group=args.group)
        if args.district and args.district not in {d.id for d in catalog.districts}:
            raise UsageError(f"unknown district {args.district!r} in {catalog_path}")
        cameras = {c.id for c in scope.cameras(catalog)}
        journal = Path(args.journal) if args.journal else _default_journal()
        data = read_evaluation_input(journal, since, until, now, cameras)
    except (BadDate, UsageError, JournalError) as exc:
        return _fail(str(exc))
    except CatalogError as exc:
        return _fail(f"catalog has errors:\n{exc}")
    except OSError as exc:
        return _fail(f"cannot read the catalog: {exc}")
    evaluation = evaluate(data, catalog, scope)
    if evaluation.network.covered_s <= 0:
        since_text = "" if evaluation.coverage_since is None else \
            f" (this journal records it since {datetime.fromtimestamp(evaluation.coverage_since):%Y-%m-%d %H:%M})"
        print(f"videowall evaluate: note: no camera was watched in this period{since_text}; availability is"
              " unknown, outages are still counted", file=sys.stderr)
    try:
        write_output(evaluation, args)
    except OSError as exc:
        return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    return 0


def check_csv_options(args: argparse.Namespace) -> None:
    """UsageError when csv has no single table to write and no folder for one file per table."""
    if args.format == "csv" and args.table and len(args.table) > 1:
        raise UsageError("csv takes one --table (or none and -o FOLDER for one file per table)")
    if args.format == "csv" and not args.table and not args.output:
        raise UsageError("csv needs --table NAME, or -o FOLDER for one file per table")


def write_output(evaluation, args: argparse.Namespace) -> None:
    """Render in ``args.format`` to ``args.output`` (atomically) or stdout."""
    from viewer.core import evaluate_tables as tables
    from viewer.core.store import atomic_write_text

    names = tuple(args.table or ())
    if args.format == "csv" and not names:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            text = tables.render_csv(tables.table(evaluation, name), tables.columns_of(name))
            atomic_write_text(folder / f"{name}.csv", text, mode=0o644)
        print(f"wrote {len(TABLES)} CSV files to {folder}", file=sys.stderr)
        return
    if args.format == "csv":
        text = tables.render_csv(tables.table(evaluation, names[0]), tables.columns_of(names[0]))
    elif args.format == "json":
        text = tables.render_json(evaluation, names or TABLES)
    elif args.format == "html":
        from viewer.reports.evaluation_html import render_html
        from viewer.reports.strings import report_language

        text = render_html(evaluation, report_language(args.lang))
    else:
        parts = []
        no_capacity = False
        for name in names or TEXT_TABLES:
            records = tables.table(evaluation, name)
            if name == "summary":
                parts.append("".join(f"{k}: {tables.cell_text(k, v)}\n" for k, v in records[0].items()))
            elif name in CAPACITY_TABLES and evaluation.capacity is None:
                if not no_capacity:
                    parts.append(f"CAPACITY\n{NO_CAPACITY_TEXT} (no stream minutes in this period)\n")
                no_capacity = True
            elif name in TEXT_COLUMNS:
                parts.append(f"{name.upper()}\n" + tables.render_text(records, TEXT_COLUMNS[name]))
            else:
                parts.append(f"{name.upper()}\n" + tables.render_text(records, tables.columns_of(name)))
        text = "\n".join(parts)
    if args.output:
        atomic_write_text(Path(args.output), text, mode=0o644)
    else:
        sys.stdout.write(text)


def period(since_text: str | None, until_text: str | None, now: float) -> tuple[float, float]:
    """``(since, until)`` epoch seconds; a date-only ``until`` includes that whole day."""
    until = now if not until_text else _bound(until_text, "--until", end_of_day=True)
    if since_text:
        since = _bound(since_text, "--since", end_of_day=False)
    else:
        today = datetime.fromtimestamp(min(until, now)).date()
        first = today - timedelta(days=DEFAULT_DAYS - 1)
        since = datetime(first.year, first.month, first.day).timestamp()
    if since >= until:
        raise UsageError("--since must be before --until")
    return since, until


def _bound(text: str, option: str, end_of_day: bool) -> float:
    try:
        value = parse_since(text)
    except BadDate:
        raise BadDate(f"bad {option} date {text!r}: use YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][+HH:MM]") from None
    if end_of_day and len(text.strip()) == 10:
        day = datetime.fromtimestamp(value).date() + timedelta(days=1)
        value = datetime(day.year, day.month, day.day).timestamp()
    return value


def _preload_report_modules() -> threading.Thread:
    """Import matplotlib (~0.5 s) on a side thread while the main thread reads the journal:
    SQLite works without the GIL, so part of the import happens meanwhile. The import lock
    makes the later import in :func:`write_output` wait for this one, never repeat it."""
    thread = threading.Thread(target=importlib.import_module, args=("viewer.reports.evaluation_html",),
                              name="evaluate-preload", daemon=True)
    thread.start()
    return thread


def _fail(message: str) -> int:
    print(f"videowall evaluate: {message}", file=sys.stderr)
    return 2


def _catalog_path(given: str | None) -> Path:
    if given:
        return Path(given)
    from viewer import paths
    from viewer.core.settings import load_settings

    settings, _raw = load_settings(paths.settings_path())
    if settings.catalog_path:
        return Path(settings.catalog_path)
    return paths.default_catalog_path()


def _default_journal() -> Path:
    from viewer.paths import journal_path

    return journal_path()
