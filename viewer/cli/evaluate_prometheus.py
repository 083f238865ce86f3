"""``videowall evaluate --prometheus URL``: district and recorder availability from Prometheus.

City-wide: Prometheus holds the history of every monitor it scrapes (shards, several
machines), through the shipped recording rules (``resources/monitoring/videowall-rules.yml``).
Availability is the time average of "share of the cameras answering" over the period, which is
what the journal-based evaluation computes as up ÷ covered when the monitors watched the whole
period (README, *Network evaluation*). ``covered_pct`` says how much of the period Prometheus
saw (rule evaluations × their interval ÷ period).

Tables ``districts`` and ``recorders``; formats ``table``, ``csv`` and ``json`` (the journal's
HTML report needs the journal's per-camera figures, so it is refused). Exit 2 with one line on
stderr for a bad option, an unreachable Prometheus or missing recording rules. Blocking HTTP
with a timeout (:data:`viewer.core.prometheus_evaluation.HTTP_TIMEOUT_S`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from viewer.cli.evaluate import UsageError, check_csv_options
from viewer.core import evaluate_tables as tables
from viewer.core.prometheus_evaluation import (
    Availability,
    PrometheusError,
    coverage_pct,
    fetch_availability,
    fetch_rule_interval,
)
from viewer.core.report import iso_local

#: The tables Prometheus can give (the recording rules are per district and per recorder).
PROMETHEUS_TABLES = ("districts", "recorders")
#: Options that only make sense with the journal.
JOURNAL_ONLY = (("journal", "--journal"), ("catalog", "--catalog"), ("group", "--group"))


def check_arguments(args: argparse.Namespace) -> None:
    """UsageError for an option the Prometheus evaluation cannot honour."""
    if not args.prometheus.startswith(("http://", "https://")):
        raise UsageError(f"--prometheus wants http://host:port, not {args.prometheus!r}")
    for attribute, option in JOURNAL_ONLY:
        if getattr(args, attribute, None):
            raise UsageError(f"{option} does not go with --prometheus (Prometheus has its own history)")
    if args.format == "html":
        raise UsageError("--prometheus gives table, csv or json (the HTML report needs the journal)")
    for name in args.table or ():
        if name not in PROMETHEUS_TABLES:
            raise UsageError(f"--prometheus gives the tables {' and '.join(PROMETHEUS_TABLES)}, not {name!r}")


def records(rows: tuple[Availability, ...], key: str, interval_s: float, period_s: float,
            district: str | None = None) -> list[dict]:  # fmt: skip
    """One table's records, worst first; ``district`` keeps only that district's row."""
    return [
        {
            key: row.key,
            "availability_pct": tables.percent(100.0 * row.availability),
            "covered_pct": tables.percent(coverage_pct(row.samples, interval_s, period_s)),
            "evaluations": row.samples,
        }
        for row in rows
        if key != "district" or district is None or row.key == district
    ]


def columns(name: str) -> list[str]:
    return ["district" if name == "districts" else "recorder", "availability_pct", "covered_pct", "evaluations"]


def run(args: argparse.Namespace, since: float, until: float) -> int:
    """The command once the period is known. Returns the exit code."""
    try:
        check_arguments(args)
        check_csv_options(args)
        interval_s = fetch_rule_interval(args.prometheus)
        evaluation = fetch_availability(args.prometheus, since, until)
    except (UsageError, PrometheusError) as exc:
        print(f"videowall evaluate: {exc}", file=sys.stderr)
        return 2
    period_s = until - since
    found = {
        "districts": records(evaluation.districts, "district", interval_s, period_s, args.district),
        "recorders": records(evaluation.recorders, "recorder", interval_s, period_s),
    }
    if not evaluation.districts:
        print("videowall evaluate: note: Prometheus has no availability history in this period", file=sys.stderr)
    try:
        _write(found, args, since, until)
    except OSError as exc:
        print(f"videowall evaluate: cannot write {args.output}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0


def _write(found: dict[str, list[dict]], args: argparse.Namespace, since: float, until: float) -> None:
    import json

    from viewer.core.store import atomic_write_text

    names = tuple(args.table or PROMETHEUS_TABLES)
    if args.format == "csv" and not args.table:
        folder = Path(args.output)
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            atomic_write_text(folder / f"{name}.csv", tables.render_csv(found[name], columns(name)), mode=0o644)
        print(f"wrote {len(names)} CSV files to {folder}", file=sys.stderr)
        return
    if args.format == "csv":
        text = tables.render_csv(found[names[0]], columns(names[0]))
    elif args.format == "json":
        data = {"summary": {"since": iso_local(since), "until": iso_local(until), "source": "prometheus"}}
        data.update({name: found[name] for name in names})
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        head = f"since: {iso_local(since)}\nuntil: {iso_local(until)}\nsource: prometheus\n"
        text = "\n".join([head, *(f"{n.upper()}\n" + tables.render_text(found[n], columns(n)) for n in names)])
    if args.output:
        atomic_write_text(Path(args.output), text, mode=0o644)
    else:
        sys.stdout.write(text)
