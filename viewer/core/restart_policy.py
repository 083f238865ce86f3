"""When the supervisor restarts a wall that exited abnormally. Pure; clock passed in."""

from __future__ import annotations

from dataclasses import dataclass

RESTART_BASE_S = 1.0
RESTART_CAP_S = 60.0
#: A wall that ran this long before failing is treated as a fresh failure (backoff reset).
HEALTHY_RUN_S = 600.0


@dataclass
class RestartPolicy:
    base_s: float = RESTART_BASE_S
    cap_s: float = RESTART_CAP_S
    healthy_run_s: float = HEALTHY_RUN_S
    failures: int = 0

    @staticmethod
    def abnormal(returncode: int) -> bool:
        """Exit 0 is the operator closing the wall; anything else (crash, signal) is not."""
        return returncode != 0

    def delay_after(self, returncode: int, ran_s: float) -> float | None:
        """Seconds to wait before the restart, or None when the wall must not be restarted."""
        if not self.abnormal(returncode):
            return None
        if ran_s >= self.healthy_run_s:
            self.failures = 0
        delay = min(self.cap_s, self.base_s * (2**self.failures))
        self.failures += 1
        return delay
