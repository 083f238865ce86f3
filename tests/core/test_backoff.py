"""Reconnect backoff (viewer.core.backoff): full jitter within growing bounds, the cap, the
floor for refused servers, determinism with a seeded RNG. Pure, no clock."""

from __future__ import annotations

import random

import pytest

from viewer.core.backoff import backoff_delay_s, jittered_s


def test_full_jitter_stays_within_growing_bounds() -> None:
    rng = random.Random(1)
    for attempts in range(12):
        ceiling = min(60.0, 1.0 * 2**attempts)
        delays = [backoff_delay_s(attempts, rng, 1.0, 60.0, 0.5) for _ in range(300)]
        assert all(max(0.5, 0.0) <= d <= max(ceiling, 0.5) for d in delays)
        if ceiling > 4:
            # full jitter: the whole range is used, not just the top
            assert min(delays) < 0.25 * ceiling
            assert max(delays) > 0.75 * ceiling


def test_cap_holds_for_huge_attempt_counts() -> None:
    rng = random.Random(2)
    assert all(backoff_delay_s(10_000, rng, 1.0, 60.0, 0.5) <= 60.0 for _ in range(100))


def test_floor_keeps_refused_servers_from_being_hammered() -> None:
    rng = random.Random(3)
    assert min(backoff_delay_s(0, rng, 1.0, 60.0, 0.5) for _ in range(500)) == 0.5


def test_seeded_rng_is_deterministic() -> None:
    first = [backoff_delay_s(a, random.Random(7)) for a in range(8)]
    second = [backoff_delay_s(a, random.Random(7)) for a in range(8)]
    assert first == second


def test_negative_attempts_rejected() -> None:
    with pytest.raises(ValueError):
        backoff_delay_s(-1, random.Random(0))


def test_jitter_within_fraction() -> None:
    rng = random.Random(4)
    values = [jittered_s(3.0, 0.3, rng) for _ in range(500)]
    assert all(2.1 <= v <= 3.9 for v in values)
    assert min(values) < 2.3 and max(values) > 3.7
    with pytest.raises(ValueError):
        jittered_s(3.0, 1.5, rng)
