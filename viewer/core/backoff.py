"""Retry delays: full-jitter exponential backoff and jittered intervals.

Pure functions; the caller injects the ``random.Random`` so tests are deterministic.
All values are seconds.
"""

from __future__ import annotations

import random

from viewer.core.constants import BACKOFF_BASE_S, BACKOFF_CAP_S, BACKOFF_FLOOR_S

#: 2**30 seconds is decades: larger exponents only risk float overflow.
_MAX_EXPONENT = 30


def backoff_delay_s(
    attempts: int,
    rng: random.Random,
    base_s: float = BACKOFF_BASE_S,
    cap_s: float = BACKOFF_CAP_S,
    floor_s: float = BACKOFF_FLOOR_S,
) -> float:
    """Delay before retry number ``attempts + 1`` (``attempts`` = failures so far, from 0).

    Full jitter: ``uniform(0, min(cap, base * 2**attempts))``, raised to ``floor_s`` so a
    refusing server is never retried in a tight loop. Never more than ``max(cap_s, floor_s)``.
    """
    if attempts < 0:
        raise ValueError(f"attempts must be >= 0, got {attempts}")
    ceiling_s = min(cap_s, base_s * 2 ** min(attempts, _MAX_EXPONENT))
    return max(floor_s, rng.uniform(0.0, ceiling_s))


def jittered_s(interval_s: float, fraction: float, rng: random.Random) -> float:
    """``interval_s`` moved at random by up to ``fraction`` of itself either way."""
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"jitter fraction must be in [0, 1), got {fraction}")
    return interval_s * rng.uniform(1.0 - fraction, 1.0 + fraction)
