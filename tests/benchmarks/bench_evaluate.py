"""Benchmark: ``videowall evaluate`` over a year of journal for a city of 4,470 cameras.

    python -m tests.benchmarks.bench_evaluate [--cameras 4470] [--outages 100000] [--runs 3]
                                              [--stream-minutes-days 7]

Generates (same seed every run) a catalog and a schema-2 journal: ~100,000 outages over 365
days (a tenth of them recorder-wide), about 200,000 coverage intervals, acknowledgements on
half. Then times ``python -m viewer evaluate --format html`` (and ``--format json``) as child
processes, spawn to exit, wall clock and CPU (``os.wait4``); breaks one in-process run down
into catalog, journal read, evaluation and HTML; and opens the HTML report in headless
Chromium (screenshot, console messages). Prints one JSON line. Goal: <= 3 s for the html
command. Not collected by pytest.

Then, apart (the goal figure above stays comparable with earlier runs), the capacity section:
the same journal gets ``--stream-minutes-days`` of stream minutes (every camera's sub-stream
sampled hourly, 16 wall tiles playing all the time; written through
``Journal.add_stream_minutes`` in time order) and a catalog with sub-streams, and the html
command and the in-process steps are timed again (``capacity`` in the JSON).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from itertools import pairwise
from pathlib import Path

from tests.benchmarks.harness import ROOT, median

GOAL_S = 3.0
DAYS = 365


def build(folder: Path, cameras: int, outages: int) -> tuple[Path, Path, int, int]:
    from tests.support.eval_journal import generate_city, write_journal

    since = datetime(2025, 12, 1).timestamp()
    city = generate_city(cameras, outages, since, DAYS)
    catalog = folder / "catalog.yaml"
    catalog.write_text(city.catalog_yaml, encoding="utf-8")
    journal = write_journal(folder / "journal.sqlite3", city.outages, city.coverage, city.district_of,
                            created_at=since - 86_400)
    return catalog, journal, len(city.outages), len(city.coverage)


def timed_command(args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one child process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "viewer", *args], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"evaluate failed: {proc.stderr.read().decode(errors='replace')[-2000:]}")
    proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def add_stream_minutes(folder: Path, journal: Path, cameras: int, outages: int, days: float) -> tuple[Path, int]:
    """Stream minutes of the last ``days`` of the period into ``journal``; a catalog with
    sub-streams next to it. Returns (catalog, minutes written)."""
    from tests.support.eval_journal import generate_city, generate_stream_minutes
    from viewer.core.journal import Journal

    since = datetime(2025, 12, 1).timestamp()
    city = generate_city(cameras, outages, since, DAYS, substreams=True)  # same seed: the same city
    catalog = folder / "catalog-substreams.yaml"
    catalog.write_text(city.catalog_yaml, encoding="utf-8")
    written = 0
    store = Journal(journal)
    try:
        for batch in generate_stream_minutes(city, datetime(2026, 11, 30).timestamp(), days):
            written += store.add_stream_minutes(batch)
    finally:
        store.close()
    return catalog, written


def breakdown(catalog: Path, journal: Path, since: float, until: float) -> dict:
    from viewer.core.catalog import gc_paused, load_catalog
    from viewer.core.evaluate import Scope, evaluate
    from viewer.core.journal import read_evaluation_input
    from viewer.reports.evaluation_html import render_html

    marks = [time.perf_counter()]
    with gc_paused():  # as the command runs
        cat = load_catalog(catalog)
        marks.append(time.perf_counter())
        data = read_evaluation_input(journal, since, until, time.time(), {c.id for c in Scope().cameras(cat)})
        marks.append(time.perf_counter())
        ev = evaluate(data, cat)
        marks.append(time.perf_counter())
        render_html(ev, "id")
        marks.append(time.perf_counter())
    steps = [b - a for a, b in pairwise(marks)]
    return {"catalog_s": steps[0], "read_s": steps[1], "evaluate_s": steps[2], "html_s": steps[3],
            "incidents": len(ev.incidents), "outages_counted": ev.network.outages}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cameras", type=int, default=4470)
    parser.add_argument("--outages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--stream-minutes-days", type=float, default=7.0,
                        help="then time the capacity section over this many days of stream minutes (0: not)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-evaluate-") as tmp:
        folder = Path(tmp)
        catalog, journal, outages, coverage = build(folder, args.cameras, args.outages)
        gc.collect()  # the generated city is garbage now: do not time its collection
        period = ["--since", "2025-12-01", "--until", "2026-11-30"]
        common = ["evaluate", "--journal", str(journal), "--catalog", str(catalog), *period]
        html_runs, json_runs = [], []
        report = folder / "report.html"
        for _ in range(args.runs):
            html_runs.append(timed_command([*common, "--format", "html", "--lang", "id", "-o", str(report)]))
            json_runs.append(timed_command([*common, "--format", "json", "-o", str(folder / "out.json")]))
        since, until = datetime(2025, 12, 1).timestamp(), datetime(2026, 12, 1).timestamp()
        parts = breakdown(catalog, journal, since, until)  # html_s includes importing matplotlib (first use here)
        journal_bytes, report_bytes = journal.stat().st_size, report.stat().st_size
        from tests.support.chromium import chromium_path, render

        browser = {}
        if chromium_path():
            started = time.perf_counter()
            rendered = render(report, folder / "report.png", 1280, 4000)
            browser = {"chromium_s": time.perf_counter() - started, "console": rendered.console,
                       "svg_charts": rendered.dom.count("<svg"), "dom_chars": len(rendered.dom)}
        capacity = {}
        if args.stream_minutes_days > 0:
            catalog, minutes = add_stream_minutes(folder, journal, args.cameras, args.outages,
                                                  args.stream_minutes_days)
            gc.collect()
            common = ["evaluate", "--journal", str(journal), "--catalog", str(catalog), *period]
            runs = [timed_command([*common, "--format", "html", "--lang", "id", "-o", str(report)])
                    for _ in range(args.runs)]
            capacity = {"stream_minutes": minutes, "days": args.stream_minutes_days,
                        "html_wall_s": median([w for w, _ in runs]), "html_cpu_s": median([c for _, c in runs]),
                        **breakdown(catalog, journal, since, until), "journal_bytes": journal.stat().st_size,
                        "report_bytes": report.stat().st_size}
        result = {
            "cameras": args.cameras, "outages": outages, "coverage_rows": coverage, "days": DAYS,
            "html_wall_s": median([w for w, _ in html_runs]), "html_cpu_s": median([c for _, c in html_runs]),
            "json_wall_s": median([w for w, _ in json_runs]), "json_cpu_s": median([c for _, c in json_runs]),
            "html_runs_s": [round(w, 3) for w, _ in html_runs], "report_bytes": report_bytes,
            "journal_bytes": journal_bytes, **parts, **browser, "capacity": capacity,
        }
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
