"""``videowall monitor CATALOG``: the always-on, headless monitor for the technical team.

Probes every enabled camera (or this monitor's ``--shard K/N`` / ``--district`` share) so that
no camera's state is older than ``--max-age`` seconds, journals outages, logs one line per
state change, and serves ``/metrics`` (Prometheus) and ``/status.json`` on ``--listen``
(127.0.0.1:9480 unless another address is named). SIGHUP or a changed catalog file reloads the
catalog (a broken one is refused and the old one kept); SIGTERM or Ctrl-C stops cleanly.
Exit codes: 0 clean stop, 2 usage, catalog or port error. No Qt, no vlc; no password in any
output. Runs on the main thread (signal handlers need it); the work happens in
``viewer.jobs.monitor``.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import logging
import math
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from viewer import paths
from viewer.core import constants as C
from viewer.core.catalog_model import CatalogError
from viewer.core.monitor_model import Shard
from viewer.core.probe import DEFAULT_TIMEOUT_S
from viewer.core.sample_schedule import STREAM_CHOICES, STREAMS_SUB
from viewer.jobs.monitor import Monitor, MonitorOptions, MonitorSetupError
from viewer.jobs.sampler import SamplerOptions

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_LISTEN = "127.0.0.1:9480"
DEFAULT_MAX_AGE_S = 60.0
DEFAULT_CONCURRENCY = 512  # sockets in flight at most; keep below the open-file limit

_DESCRIPTION = (
    "Watch every camera of a catalog without a wall: keep each camera's state no older than"
    " --max-age, journal outages, serve /metrics (Prometheus) and /status.json."
)


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the ``monitor`` subcommand (``args.func(args) -> int``)."""
    parser = subparsers.add_parser("monitor", help="headless monitor with Prometheus metrics", description=_DESCRIPTION)
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("catalog", help="catalog YAML file")
    parser.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                        help=f"serve /metrics and /status.json here (default {DEFAULT_LISTEN}; "
                             "another address exposes the fleet state to that network)")  # fmt: skip
    parser.add_argument("--max-age", type=float, default=DEFAULT_MAX_AGE_S, metavar="S",
                        help=f"no camera's state older than this (default {DEFAULT_MAX_AGE_S:g} s)")  # fmt: skip
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT_S, metavar="S",
                        help=f"seconds per probe, all included (default {DEFAULT_TIMEOUT_S:g})")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                        help=f"probes (sockets) in flight at most (default {DEFAULT_CONCURRENCY})")  # fmt: skip
    split = parser.add_mutually_exclusive_group()
    split.add_argument("--shard", type=_shard, metavar="K/N",
                       help="watch only shard K of N (0-based; a stable hash of the camera id)")  # fmt: skip
    split.add_argument("--district", action="append", metavar="ID",
                       help="watch only this district (repeat for several)")  # fmt: skip
    journal = parser.add_mutually_exclusive_group()
    journal.add_argument("--journal", metavar="FILE", help="outage journal (default: the user data dir's)")
    journal.add_argument("--no-journal", action="store_true", help="keep no outage journal")
    parser.add_argument("--recovery-confirm", type=_recovery_confirm_s, default=C.RECOVERY_CONFIRM_S, metavar="S",
                        help="a camera's outage ends (at its first good probe) once it has answered this long "
                             f"without a failure (default {C.RECOVERY_CONFIRM_S:g} s)")  # fmt: skip
    add_sample_arguments(parser)
    parser.add_argument("--log-file", metavar="FILE", help="log file (default: videowall-monitor.log in the log dir)")
    parser.add_argument("--debug", action="store_true", help="verbose log")


def add_sample_arguments(parser: argparse.ArgumentParser) -> None:
    """Quality samples (off unless ``--sample-budget-mbps`` is given): README "Quality samples"."""
    group = parser.add_argument_group("quality samples (off by default: they cost bandwidth)")
    group.add_argument("--sample-budget-mbps", type=float, default=0.0, metavar="MBIT/S",
                       help="sample the cameras' streams (a few seconds each, no decoding), all samples together "
                            f"receiving at most this many Mbit/s (e.g. {C.SAMPLE_BUDGET_MBPS:g}); 0: off (default)")
    group.add_argument("--sample-seconds", type=float, default=C.SAMPLE_SECONDS, metavar="S",
                       help=f"seconds per sample after the first packet (default {C.SAMPLE_SECONDS:g})")
    group.add_argument("--sample-concurrency", type=int, default=C.SAMPLE_CONCURRENCY, metavar="N",
                       help=f"samples at once at most (default {C.SAMPLE_CONCURRENCY})")
    group.add_argument("--sample-every", type=float, default=C.SAMPLE_EVERY_S, metavar="S",
                       help=f"sample each stream at most this often (default {C.SAMPLE_EVERY_S:g} s)")
    group.add_argument("--sample-streams", choices=STREAM_CHOICES, default=STREAMS_SUB,
                       help="sub: the sub-stream where there is one (default); main; both")
    group.add_argument("--stream-minutes-retention-days", type=float, default=C.STREAM_MINUTES_RETENTION_DAYS,
                       metavar="DAYS", help="delete stream minutes older than this from the journal "
                                            f"(default {C.STREAM_MINUTES_RETENTION_DAYS:g}; 0 keeps all)")


def sample_options(args: argparse.Namespace) -> SamplerOptions | None:
    """The sampler's options from the command line; None when sampling is off. ValueError
    names a bad value."""
    if args.sample_budget_mbps < 0 or not math.isfinite(args.sample_budget_mbps):
        raise ValueError("--sample-budget-mbps must be 0 (off) or a positive number")
    if args.stream_minutes_retention_days < 0:
        raise ValueError("--stream-minutes-retention-days must be 0 (keep all) or positive")
    if args.sample_budget_mbps == 0:
        return None
    if not args.sample_seconds > 0 or args.sample_concurrency < 1 or not args.sample_every >= 0:
        raise ValueError("--sample-seconds must be > 0, --sample-concurrency >= 1, --sample-every >= 0")
    return SamplerOptions(budget_mbps=args.sample_budget_mbps, seconds=args.sample_seconds,
                          concurrency=args.sample_concurrency, every_s=args.sample_every, streams=args.sample_streams)


def run(args: argparse.Namespace) -> int:
    """Parse the options, install the signal handlers, run the monitor until a signal."""
    from viewer.log import setup_logging
    from viewer.memory_tuning import tune_malloc

    try:
        host, port = parse_listen(args.listen)
    except ValueError as exc:
        print(f"videowall monitor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(Path(args.log_file) if args.log_file else paths.log_dir() / "videowall-monitor.log",
                  logging.DEBUG if args.debug else logging.INFO)  # fmt: skip
    tune_malloc()  # 2 arenas for the sweep, HTTP and render threads; freed blocks go back
    _use_uvloop()
    journal = None if args.no_journal else Path(args.journal) if args.journal else paths.journal_path()
    try:
        sampling = sample_options(args)
    except ValueError as exc:
        print(f"videowall monitor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    options = MonitorOptions(
        Path(args.catalog), journal, host, port, args.max_age, args.timeout, args.concurrency, args.shard,
        tuple(args.district) if args.district else None, sampling, args.stream_minutes_retention_days,
        args.recovery_confirm,
    )  # fmt: skip
    try:
        monitor = Monitor(options)
    except CatalogError as exc:
        for issue in [*exc.warnings, *exc.issues]:
            print(issue, file=sys.stderr)
        return EXIT_USAGE
    except ValueError as exc:  # unknown district, --max-age too short
        print(f"videowall monitor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not ipaddress.ip_address(host).is_loopback:
        log.warning("serving on %s: anyone who reaches it sees the fleet state (never passwords)", host)
    _install_signals(monitor)
    try:
        monitor.run()
    except MonitorSetupError as exc:
        print(f"videowall monitor: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK


def _use_uvloop() -> None:
    """Probe on libuv's event loop where uvloop is installed (not on Windows): the sweep's
    ``asyncio.new_event_loop()`` then returns one. ~30 % less CPU per probe."""
    try:
        import uvloop
    except ImportError:
        log.info("uvloop not installed: probing on asyncio's own event loop")
        return
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    log.info("probing on uvloop %s", uvloop.__version__)


def parse_listen(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (IPv6 as ``[::1]:9480``) -> (host, port); ValueError when malformed."""
    host, colon, port_text = text.rpartition(":")
    host = host.strip("[]")
    try:
        port = int(port_text)
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(f"--listen wants an IP address and a port like 127.0.0.1:9480, not {text!r}") from None
    if not colon or not 0 <= port <= 65535:
        raise ValueError(f"--listen port out of range in {text!r}")
    return host, port


def _install_signals(monitor: Monitor) -> None:
    """SIGTERM/SIGINT stop, SIGHUP reloads. The handler runs on the main thread, which may hold
    the monitor queue's lock at that instant: it hands the call to a short-lived thread."""

    def later(action):
        return lambda *_: threading.Thread(target=action, name="signal", daemon=True).start()

    signal.signal(signal.SIGTERM, later(monitor.stop))
    signal.signal(signal.SIGINT, later(monitor.stop))
    if hasattr(signal, "SIGHUP"):  # not on Windows: there the file watch reloads
        signal.signal(signal.SIGHUP, later(monitor.request_reload))


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _recovery_confirm_s(text: str) -> float:
    """``--recovery-confirm``: seconds, the settings' range (``viewer.core.settings``)."""
    from viewer.core.settings import setting_problem

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    problem = setting_problem("recovery_confirm_s", value)
    if problem:
        raise argparse.ArgumentTypeError(f"{text} {problem}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="videowall monitor", description=_DESCRIPTION)
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
