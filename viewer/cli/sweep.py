"""``videowall sweep CATALOG``: probe every enabled camera at once and report who answers.

No video is decoded: each camera gets the protocol probe of ``viewer.core.probe`` (RTSP
OPTIONS + DESCRIBE, HTTP GET), all on one asyncio loop, at most ``--concurrency`` at a time,
each within ``--timeout`` seconds. Results go to stdout (or ``-o FILE``) as a table, CSV or
JSON; a per-district summary (and, on a terminal, a progress bar) goes to stderr.
Exit codes: 0 every camera ok, 1 some are not, 2 usage or catalog error, 130 Ctrl-C.
No Qt, no vlc; no password in any output.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from viewer.core.catalog import load_catalog
from viewer.core.catalog_model import Camera, CatalogError
from viewer.core.probe import DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_S, ProbeResult, probe_many
from viewer.core.secrets import mask_urls_in_text
from viewer.core.store import atomic_write_text
from viewer.core.sweep import SweepResult, sweep_result, sweep_targets
from viewer.core.sweep_report import district_summaries, render_csv, render_json, render_summary, render_table

log = logging.getLogger(__name__)

EXIT_OK, EXIT_NOT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
FORMATS = ("table", "csv", "json")
RENDERERS: dict[str, Callable[[list[SweepResult]], str]] = {
    "table": render_table,
    "csv": render_csv,
    "json": render_json,
}
PROGRESS_INTERVAL_S = 0.1  # redraw the progress bar at most 10 times a second
PROGRESS_BAR_CHARS = 30

_DESCRIPTION = (
    "Probe every enabled camera of a catalog concurrently (no video decoding) and report which"
    " answer properly. Exit 0 if all are ok, 1 if some are not, 2 on a usage or catalog error."
)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``sweep`` subcommand (``args.func(args) -> int``)."""
    parser = subparsers.add_parser("sweep", help="probe every camera and report who answers", description=_DESCRIPTION)
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("catalog", help="catalog YAML file")
    parser.add_argument("--district", metavar="ID", help="only this district")
    parser.add_argument(
        "--concurrency",
        type=_positive(int),
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"probes in flight at once (default {DEFAULT_CONCURRENCY})",
    )
    parser.add_argument(
        "--timeout",
        type=_positive(float),
        default=DEFAULT_TIMEOUT_S,
        metavar="S",
        help=f"seconds per camera, all included (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    parser.add_argument("-o", "--output", metavar="FILE", help="write the results here instead of stdout")
    from viewer.cli.sweep_sample import add_arguments as add_sample_arguments

    add_sample_arguments(parser, _positive)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``sweep`` with its own options (``argv`` excludes the word ``sweep``)."""
    parser = argparse.ArgumentParser(prog="videowall sweep", description=_DESCRIPTION)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help or a usage error (argparse already printed it)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run(args)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """``videowall sweep``: results to stdout or ``-o``, summary and progress to stderr."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        catalog = load_catalog(args.catalog)
    except CatalogError as exc:
        for issue in [*exc.warnings, *exc.issues]:
            print(issue, file=err)
        return EXIT_USAGE
    try:
        cameras = sweep_targets(catalog, args.district)
    except KeyError:
        known = ", ".join(d.id for d in catalog.districts) or "none"
        print(f"videowall sweep: unknown district {args.district!r} (known: {known})", file=err)
        return EXIT_USAGE
    if getattr(args, "sample", False):
        from viewer.cli.sweep_sample import run_sample

        return run_sample(args, cameras, out, err)
    progress = ProgressBar(err, len(cameras), draw=_is_terminal(err))
    started = time.monotonic()
    try:
        results = sweep(cameras, args.concurrency, args.timeout, progress.advance)
    except KeyboardInterrupt:
        progress.clear()
        print(f"videowall sweep: interrupted ({progress.done} of {len(cameras)} checked)", file=err)
        return EXIT_INTERRUPTED
    progress.clear()
    elapsed_s = time.monotonic() - started
    if not write_results(RENDERERS[args.format](results), args.output, out, err):
        return EXIT_USAGE
    not_ok = sum(not r.ok for r in results)
    err.write(render_summary(district_summaries(catalog, results, district=args.district)))
    noun = "camera" if len(results) == 1 else "cameras"
    where = f" -> {args.output}" if args.output else ""
    print(f"{len(results)} {noun} in {elapsed_s:.1f} s: {len(results) - not_ok} ok, {not_ok} not ok{where}", file=err)
    return EXIT_NOT_OK if not_ok else EXIT_OK


def write_results(text: str, output: str | None, out: TextIO, err: TextIO) -> bool:
    """``text`` to the file ``output`` (atomically) or to ``out``; False (said on ``err``) when
    it cannot be written."""
    try:
        if output:
            atomic_write_text(Path(output), text, mode=0o644, newline="")
        else:
            out.write(text)
            out.flush()
    except OSError as exc:
        print(f"videowall sweep: cannot write {output or 'output'}: {exc.strerror or exc}", file=err)
        return False
    return True


def sweep(
    cameras: Sequence[Camera],
    concurrency: int = DEFAULT_CONCURRENCY,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_done: Callable[[], None] | None = None,
) -> list[SweepResult]:
    """Probe ``cameras`` on a new event loop (blocks); results in the cameras' order.
    ``on_done()`` is called (on this thread) after each camera. Ctrl-C raises KeyboardInterrupt."""
    checked_at: dict[str, float] = {}

    def finished(camera_id: str, _result: ProbeResult) -> None:
        checked_at[camera_id] = time.time()
        if on_done is not None:
            on_done()

    targets = [(c.id, c.url, c.username, c.password) for c in cameras]
    found = asyncio.run(probe_many(targets, concurrency, timeout_s, on_result=finished))
    return [
        sweep_result(c, found[c.id].reason, found[c.id].latency_ms, checked_at[c.id], found[c.id].detail)
        for c in cameras
    ]


class ProgressBar:
    """Counts finished cameras; with ``draw``, shows ``[#####-----] 1234/4470`` redrawn in place
    with ``\\r`` at most every ``PROGRESS_INTERVAL_S`` (and once at the end). Single thread."""

    def __init__(self, stream: TextIO, total: int, draw: bool = True) -> None:
        self.stream = stream
        self.total = total
        self.draw = draw
        self.done = 0
        self._drawn_at = float("-inf")
        self._width = 0

    def advance(self) -> None:
        self.done += 1
        if not self.draw:
            return
        now = time.monotonic()
        if now - self._drawn_at >= PROGRESS_INTERVAL_S or self.done == self.total:
            self._drawn_at = now
            self._draw()

    def _draw(self) -> None:
        filled = PROGRESS_BAR_CHARS * self.done // max(1, self.total)
        line = f"[{'#' * filled}{'-' * (PROGRESS_BAR_CHARS - filled)}] {self.done}/{self.total}"
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line)
        self.stream.flush()

    def clear(self) -> None:
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def _positive(kind: type) -> Callable[[str], float]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {mask_urls_in_text(text)!r}") from None
        if not value > 0 or not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"must be a finite number greater than 0: {text!r}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


if __name__ == "__main__":
    sys.exit(main())
