"""The quality samples' bandwidth cap as pure logic: the token bucket and the admission budget,
driven by a fake clock (no sleeping)."""

from __future__ import annotations

import pytest

from viewer.core.sample_budget import WIRE_OVERHEAD_FRACTION, SampleBudget, estimate_bytes
from viewer.core.token_bucket import TokenBucket


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_starts_full_refills_at_its_rate_and_never_above_capacity():
    clock = Clock()
    bucket = TokenBucket(1000.0, 500.0, clock)
    assert bucket.level == 500.0
    assert bucket.try_take(400.0)
    assert bucket.level == pytest.approx(100.0)
    assert bucket.wait_s(300.0) == pytest.approx(0.2)
    assert not bucket.try_take(300.0)
    clock.now += 0.2
    assert bucket.try_take(300.0)
    clock.now += 100.0
    assert bucket.level == 500.0  # capped


def test_bucket_debt_is_paid_back_before_anything_else():
    clock = Clock()
    bucket = TokenBucket(1000.0, 500.0, clock)
    bucket.take(2500.0)  # more than the capacity: 2000 in debt
    assert bucket.level == pytest.approx(-2000.0)
    assert bucket.wait_s(0.0) == pytest.approx(2.0)
    assert bucket.wait_s(10_000.0) == pytest.approx(2.5)  # a request above capacity waits for a full bucket
    bucket.give(1000.0)
    assert bucket.wait_s(0.0) == pytest.approx(1.0)


def test_bucket_refuses_nonsense():
    with pytest.raises(ValueError):
        TokenBucket(0.0, 10.0, Clock())


def test_admission_keeps_the_long_run_rate_at_the_cap():
    """Samples of a 1 Mbit/s stream for 5 s under a 20 Mbit/s cap: admitted as fast as the
    budget allows, the bytes admitted per second over a minute stay at the cap."""
    clock = Clock()
    budget = SampleBudget(20.0, clock)
    expected = budget.expected_bytes(1000.0, 5.0)
    assert expected == pytest.approx(1000 * 1000 / 8 * 5 * (1 + WIRE_OVERHEAD_FRACTION))
    admitted = 0
    start = clock.now
    while clock.now - start < 60.0:
        wait = budget.admit_wait_s(expected)
        if wait > 0:
            clock.now += wait
            continue
        budget.admit(expected)
        admitted += 1
    rate_bytes_per_s = admitted * expected / (clock.now - start)
    cap = 20e6 / 8
    assert cap * 0.95 <= rate_bytes_per_s <= cap * 1.05


def test_reading_beyond_the_reservation_is_charged_and_pauses_the_reader():
    clock = Clock()
    budget = SampleBudget(8.0, clock, burst_s=1.0)  # 1 MB/s, bucket 1 MB
    reservation = budget.admit(budget.expected_bytes(800.0, 5.0))  # 525,000 bytes reserved
    assert budget.received(reservation, 400_000) == 0.0  # within the reservation: nothing more
    pause = budget.received(reservation, 1_000_000)  # far beyond: the bucket goes into debt
    assert pause > 0
    assert budget.bucket.level == pytest.approx(-pause * 1e6, rel=1e-6)


def test_a_reader_within_its_reservation_never_pauses_even_in_debt():
    clock = Clock()
    budget = SampleBudget(8.0, clock)  # bucket 0.1 s = 100 kB: a 5 s sample leaves it in debt
    reservation = budget.admit(budget.expected_bytes(800.0, 5.0))
    assert budget.bucket.level < 0
    assert budget.received(reservation, 100_000) == 0.0


def test_settle_refunds_nothing():
    """Budget held back by a sample that received less than expected is not given back: the
    next samples would catch up on it, above the cap."""
    clock = Clock()
    budget = SampleBudget(8.0, clock, burst_s=1.0)
    reservation = budget.admit(600_000.0)
    budget.received(reservation, 100_000)
    budget.settle(reservation)
    assert budget.bucket.level == pytest.approx(400_000.0)


def test_budget_must_be_positive():
    with pytest.raises(ValueError):
        SampleBudget(0.0, Clock())


def test_estimate_for_a_stream_never_sampled():
    assert estimate_bytes({}, "new", 2048.0) == 2048.0
    known = {f"c{n}": float(100 * (n + 1)) for n in range(10)}  # 100 … 1000 bytes per sample
    assert estimate_bytes(known, "c0", 2048.0) == 100.0  # its own last cost
    assert estimate_bytes(known, "new", 2048.0) == 1000.0  # the 90th percentile of the fleet
    assert estimate_bytes({"a": 1.0, "b": 2.0}, "new", 2048.0) == 2048.0  # too few known
