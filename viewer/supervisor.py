"""``videowall run --supervise``: keep the wall running.

Starts the wall as a child process and restarts it, with backoff, whenever it exits
abnormally (a crash, a kill) or hangs: the wall's main thread touches a heartbeat file every
``HEARTBEAT_INTERVAL_S`` (see :mod:`viewer.ui.heartbeat`), and a wall silent for
``hang_timeout_s`` is killed and restarted. Each restart is recorded in the outage journal's
event log. The wall restores its last view or tour itself. SIGTERM/SIGINT to the supervisor
are passed to the wall, and the supervisor exits when the wall exits normally.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import threading
import time

from viewer import paths
from viewer.core.restart_policy import (
    EXIT_RESTART_REQUESTED,
    HANG_TIMEOUT_S,
    HEARTBEAT_ENV,
    HangWatch,
    RestartPolicy,
)

log = logging.getLogger(__name__)


def wall_command(wall_args: list[str]) -> list[str]:
    if paths.is_frozen():
        return [sys.executable, *wall_args]
    return [sys.executable, "-m", "viewer", *wall_args]


#: After passing SIGTERM on, give the wall this long to close before killing it.
STOP_GRACE_S = 30.0


def _heartbeat_mark(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


def _wait(proc: subprocess.Popen, stopping: threading.Event, heartbeat: str,
          hang_timeout_s: float) -> tuple[int, float | None]:
    """The wall's exit code, and how long it had been silent when it was killed as hung."""
    stop_seen: float | None = None
    watch = HangWatch(hang_timeout_s, time.monotonic())
    hung_after: float | None = None
    while True:
        try:
            return proc.wait(timeout=0.5), hung_after
        except subprocess.TimeoutExpired:
            pass
        if stopping.is_set():
            stop_seen = stop_seen or time.monotonic()
            if time.monotonic() - stop_seen > STOP_GRACE_S:
                log.error("supervisor: the wall did not close in %.0f s; killing it", STOP_GRACE_S)
                proc.kill()
        elif hung_after is None and watch.observe(_heartbeat_mark(heartbeat), time.monotonic()):
            hung_after = watch.silent_s(time.monotonic())
            log.error("supervisor: no heartbeat from the wall for %.0f s: it hangs; killing it", hung_after)
            proc.kill()


def supervise(wall_args: list[str], policy: RestartPolicy | None = None,
              hang_timeout_s: float = HANG_TIMEOUT_S) -> int:
    """Run the wall until it closes normally (or the supervisor is told to stop); 0 on a
    clean end. ``hang_timeout_s`` 0 turns hang detection off."""
    policy = policy or RestartPolicy()
    stopping = threading.Event()
    child: list[subprocess.Popen] = []

    def forward(signum, _frame) -> None:
        stopping.set()
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    heartbeat = str(paths.cache_dir() / f"heartbeat-{os.getpid()}")
    env = dict(os.environ, **{HEARTBEAT_ENV: heartbeat})
    restarts = 0
    try:
        while True:
            with contextlib.suppress(OSError):
                os.remove(heartbeat)  # each wall starts a fresh beat
            started = time.monotonic()
            proc = subprocess.Popen(wall_command(wall_args), env=env)
            child[:] = [proc]
            log.info("supervisor: wall started (pid %d)", proc.pid)
            code, hung_after = _wait(proc, stopping, heartbeat, hang_timeout_s)
            ran_s = time.monotonic() - started
            if stopping.is_set():
                log.info("supervisor: stopped (wall exit %d)", code)
                return 0
            delay = policy.delay_after(code, ran_s)
            if delay is None:
                log.info("supervisor: wall closed normally")
                return 0
            restarts += 1
            what = f"wall exited with {code}" if hung_after is None else \
                f"wall hung (no heartbeat for {hung_after:.0f} s), killed"
            if code == EXIT_RESTART_REQUESTED:
                what = "wall asked for a clean restart (stuck players)"
            _journal_restart(f"{what} after {ran_s:.0f} s; restart {restarts} in {delay:.0f} s")
            if stopping.wait(delay):
                return 0
    finally:
        with contextlib.suppress(OSError):
            os.remove(heartbeat)


def _journal_restart(detail: str) -> None:
    from viewer.core.journal import Journal

    log.warning("supervisor: %s", detail)
    try:
        journal = Journal(paths.journal_path())
        journal.record_event("restart", detail, time.time())
        journal.close()
    except Exception:
        log.exception("supervisor: could not journal the restart")
