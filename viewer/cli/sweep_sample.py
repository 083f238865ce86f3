"""``videowall sweep --sample CATALOG``: one quality sample of every enabled camera, under a cap.

Receives ``--sample-seconds`` of each camera's stream (its sub-stream where there is one;
``--sample-streams``) without decoding, ``--sample-concurrency`` at a time and never more than
``--sample-budget-mbps`` on the network together (``viewer.jobs.sampler``), and reports per
stream: bitrate, delivered and nominal frame rate, keyframe interval, time to first packet,
codec and size, or the reason it failed. Results to stdout or ``-o`` (table, CSV, JSON); a
summary to stderr; ``--journal FILE`` also stores them as stream minutes (source "sample").
Exit codes as ``videowall sweep``: 0 every stream delivered video, 1 some did not, 130 Ctrl-C.
No Qt, no vlc; no password in any output.
"""

from __future__ import annotations

import argparse
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from viewer.core import constants as C
from viewer.core.catalog_model import Camera
from viewer.core.sample_report import SampleResult, render_csv, render_json, render_summary, render_table
from viewer.core.sample_schedule import STREAM_CHOICES, STREAMS_SUB, sample_targets
from viewer.core.stream_figures import MinuteAggregator

log = logging.getLogger(__name__)

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
RENDERERS = {"table": render_table, "csv": render_csv, "json": render_json}


def add_arguments(parser: argparse.ArgumentParser, positive) -> None:
    """The ``--sample`` options of ``videowall sweep`` (``positive``: its number parser)."""
    group = parser.add_argument_group("quality sample (--sample)")
    group.add_argument("--sample", action="store_true",
                       help="receive a few seconds of every camera's stream (no decoding) and report bitrate, "
                            "frame rate, keyframe interval and first-packet time, under a bandwidth cap")  # fmt: skip
    group.add_argument("--sample-seconds", type=positive(float), default=C.SAMPLE_SECONDS, metavar="S",
                       help=f"seconds per stream after its first packet (default {C.SAMPLE_SECONDS:g})")  # fmt: skip
    group.add_argument("--sample-budget-mbps", type=positive(float), default=C.SAMPLE_BUDGET_MBPS, metavar="MBIT/S",
                       help="all samples together receive at most this many Mbit/s "
                            f"(default {C.SAMPLE_BUDGET_MBPS:g})")  # fmt: skip
    group.add_argument("--sample-concurrency", type=positive(int), default=C.SAMPLE_CONCURRENCY, metavar="N",
                       help=f"streams sampled at once at most (default {C.SAMPLE_CONCURRENCY})")  # fmt: skip
    group.add_argument("--sample-streams", choices=STREAM_CHOICES, default=STREAMS_SUB,
                       help="sub: the sub-stream where there is one (default); main; both")  # fmt: skip
    group.add_argument("--journal", metavar="FILE", help="also store the figures in this journal (stream minutes)")


def run_sample(args: argparse.Namespace, cameras: Sequence[Camera], out: TextIO, err: TextIO) -> int:
    """Sample ``cameras`` once (blocks); write the results; return the exit code."""
    from viewer.jobs.sampler import QualitySampler, SamplerOptions

    targets = sample_targets(cameras, args.sample_streams)
    options = SamplerOptions(budget_mbps=args.sample_budget_mbps, seconds=args.sample_seconds,
                             concurrency=args.sample_concurrency, streams=args.sample_streams)  # fmt: skip
    done: list[SampleResult] = []
    sampler = QualitySampler(targets, done.append, options, once=True)
    started = time.monotonic()
    sampler.start()
    try:
        while not sampler.wait(0.2):
            pass
    except KeyboardInterrupt:
        sampler.stop()
        print(f"videowall sweep: interrupted ({len(done)} of {len(targets)} streams sampled)", file=err)
        return EXIT_INTERRUPTED
    elapsed_s = time.monotonic() - started
    order = {t.key: n for n, t in enumerate(targets)}
    results = sorted(done, key=lambda r: order.get(r.target.key, 0))
    from viewer.cli.sweep import write_results

    if not write_results(RENDERERS[args.format](results), args.output, out, err):
        return EXIT_USAGE
    if args.journal:
        stored = store_minutes(Path(args.journal), results)
        print(f"{stored} stream minutes stored in {args.journal}", file=err)
    err.write(render_summary(results, args.sample_budget_mbps, elapsed_s))
    return EXIT_OK if all(r.ok for r in results) else EXIT_NOT_OK


def store_minutes(path: Path, results: Sequence[SampleResult]) -> int:
    """Add the results' samples to the journal at ``path`` as stream minutes (source "sample")."""
    from viewer.core.journal import Journal

    aggregator = MinuteAggregator()
    for result in results:
        if result.sample is not None:
            aggregator.add(result.sample)
    journal = Journal(path)
    try:
        return journal.add_stream_minutes(aggregator.flush())
    finally:
        journal.close()
