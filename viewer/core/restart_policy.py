"""When the supervisor restarts a wall that exited abnormally or stopped answering. Pure;
clock passed in."""

from __future__ import annotations

from dataclasses import dataclass

RESTART_BASE_S = 1.0
RESTART_CAP_S = 60.0
#: A wall that ran this long before failing is treated as a fresh failure (backoff reset).
HEALTHY_RUN_S = 600.0
#: The wall's main thread proves it is alive this often (a heartbeat file's mtime changes).
HEARTBEAT_INTERVAL_S = 5.0
#: The environment variable naming the heartbeat file (set by the supervisor for the wall).
HEARTBEAT_ENV = "VIDEOWALL_HEARTBEAT_FILE"
#: The wall's exit code for "restart me": too many stuck players, a clean restart at a quiet
#: moment brings the same view back (EX_TEMPFAIL). Restarted at once, without backoff.
EXIT_RESTART_REQUESTED = 75
#: No heartbeat for this long: the wall is hung (a deadlock, a stuck driver call); restart it.
HANG_TIMEOUT_S = 60.0


@dataclass
class RestartPolicy:
    base_s: float = RESTART_BASE_S
    cap_s: float = RESTART_CAP_S
    healthy_run_s: float = HEALTHY_RUN_S
    failures: int = 0

    @staticmethod
    def abnormal(returncode: int) -> bool:
        """Exit 0 is the operator closing the wall; anything else (crash, signal, a requested
        restart) is not."""
        return returncode != 0

    def delay_after(self, returncode: int, ran_s: float) -> float | None:
        """Seconds to wait before the restart, or None when the wall must not be restarted.
        ``EXIT_RESTART_REQUESTED`` restarts after ``base_s`` and leaves the backoff alone."""
        if not self.abnormal(returncode):
            return None
        if returncode == EXIT_RESTART_REQUESTED:
            return self.base_s  # asked for, not a failure: no backoff
        if ran_s >= self.healthy_run_s:
            self.failures = 0
        delay = min(self.cap_s, self.base_s * (2**self.failures))
        self.failures += 1
        return delay


#: A gap this long between two looks means the supervisor itself was not running (the
#: machine slept; Windows' monotonic clock counts sleep): the silence is not the wall's fault.
SUPERVISOR_GAP_S = 10.0


class HangWatch:
    """Decides from heartbeat observations whether the wall hangs. Monotonic seconds in, so a
    wall-clock jump (NTP, daylight saving) can never look like a hang; observe it every
    second or so."""

    def __init__(self, timeout_s: float, now_s: float) -> None:
        self.timeout_s = timeout_s
        self._last_mark: object = None
        self._last_change_s = now_s  # the start counts as a beat: the wall needs time to load
        self._last_look_s = now_s

    def observe(self, mark: object, now_s: float) -> bool:
        """``mark``: the heartbeat's current value (e.g. the file's mtime). True when hung."""
        if now_s - self._last_look_s > SUPERVISOR_GAP_S:
            self._last_change_s = now_s  # we were asleep too: give the wall a fresh timeout
        self._last_look_s = now_s
        if mark != self._last_mark:
            self._last_mark = mark
            self._last_change_s = now_s
        return self.timeout_s > 0 and now_s - self._last_change_s > self.timeout_s

    def silent_s(self, now_s: float) -> float:
        return now_s - self._last_change_s


def should_request_restart(stuck_players: int, limit: int, supervised: bool, idle_s: float, quiet_s: float) -> bool:
    """Whether the wall should exit with ``EXIT_RESTART_REQUESTED`` now: enough stuck players,
    a supervisor to start it again, and nobody touching it for ``quiet_s`` seconds."""
    return supervised and limit > 0 and stuck_players >= limit and idle_s >= quiet_s
