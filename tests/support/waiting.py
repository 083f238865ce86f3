"""Wait for a condition with a deadline: the one polling helper of the test suite.

A test never sleeps in place of a condition; it polls one and fails with what it waited
for when the deadline passes. The polling interval starts at ``FIRST_STEP_S`` (a quick
condition is seen at once) and grows to ``LAST_STEP_S`` (a long wait on a scrape or a
query does not hammer the process it asks); it is never an assertion.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: The default deadline (seconds). Modules whose waits include process start-up or network
#: round trips pass their own (``timeout_s=``).
WAIT_S = 5.0
FIRST_STEP_S = 0.01
LAST_STEP_S = 0.1


def wait_until(condition: Callable[[], object], timeout_s: float = WAIT_S, what: str = "condition") -> object:
    """Poll ``condition`` until it returns something truthy (returned), or raise
    AssertionError after ``timeout_s`` seconds."""
    deadline = time.monotonic() + timeout_s
    step_s = FIRST_STEP_S
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:g} s waiting for {what}")
        time.sleep(step_s)
        step_s = min(step_s * 1.5, LAST_STEP_S)
