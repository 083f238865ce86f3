"""``videowall run --supervise``: keep the wall running.

Starts the wall as a child process and restarts it, with backoff, whenever it exits
abnormally (a crash, a kill); each restart is recorded in the outage journal's event log.
The wall restores its last view or tour itself. SIGTERM/SIGINT to the supervisor are
passed to the wall, and the supervisor exits when the wall exits normally.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
import time

from viewer import paths
from viewer.core.restart_policy import RestartPolicy

log = logging.getLogger(__name__)


def wall_command(wall_args: list[str]) -> list[str]:
    if paths.is_frozen():
        return [sys.executable, *wall_args]
    return [sys.executable, "-m", "viewer", *wall_args]


#: After passing SIGTERM on, give the wall this long to close before killing it.
STOP_GRACE_S = 30.0


def _wait(proc: subprocess.Popen, stopping: threading.Event) -> int:
    stop_seen: float | None = None
    while True:
        try:
            return proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            pass
        if stopping.is_set():
            stop_seen = stop_seen or time.monotonic()
            if time.monotonic() - stop_seen > STOP_GRACE_S:
                log.error("supervisor: the wall did not close in %.0f s; killing it", STOP_GRACE_S)
                proc.kill()


def supervise(wall_args: list[str], policy: RestartPolicy | None = None) -> int:
    from viewer.core.journal import Journal

    policy = policy or RestartPolicy()
    stopping = threading.Event()
    child: list[subprocess.Popen] = []

    def forward(signum, _frame) -> None:
        stopping.set()
        if child and child[0].poll() is None:
            child[0].send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, forward)
    restarts = 0
    while True:
        started = time.monotonic()
        proc = subprocess.Popen(wall_command(wall_args))
        child[:] = [proc]
        log.info("supervisor: wall started (pid %d)", proc.pid)
        code = _wait(proc, stopping)
        ran_s = time.monotonic() - started
        if stopping.is_set():
            log.info("supervisor: stopped (wall exit %d)", code)
            return 0
        delay = policy.delay_after(code, ran_s)
        if delay is None:
            log.info("supervisor: wall closed normally")
            return 0
        restarts += 1
        detail = f"wall exited with {code} after {ran_s:.0f} s; restart {restarts} in {delay:.0f} s"
        log.warning("supervisor: %s", detail)
        try:
            journal = Journal(paths.journal_path())
            journal.record_event("restart", detail, time.time())
            journal.close()
        except Exception:
            log.exception("supervisor: could not journal the restart")
        if stopping.wait(delay):
            return 0
