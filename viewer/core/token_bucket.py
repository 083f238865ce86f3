"""A token bucket for the quality samples' bandwidth cap (pure: the clock is passed in).

Tokens are bytes. The bucket refills at ``rate_bytes_per_s`` up to ``capacity_bytes`` and may
go into debt (a negative level): a sample that received more than it reserved pays it back
before the next one is admitted. Units: bytes, seconds of any monotonic clock.
Threading: not thread-safe; its owner guards it with a lock (``viewer.jobs.sampler``).
"""

from __future__ import annotations

from collections.abc import Callable

#: Float sums of rate × dt fall just short of whole amounts: a shortfall this small is none.
_EPSILON_BYTES = 1e-6


class TokenBucket:
    """``wait_s(n)``: how long until ``n`` bytes (at most the capacity) are available;
    ``take(n)``: spend them (the level may go negative); ``give(n)``: refund unspent ones."""

    def __init__(self, rate_bytes_per_s: float, capacity_bytes: float, clock: Callable[[], float]) -> None:
        if not rate_bytes_per_s > 0 or not capacity_bytes > 0:
            raise ValueError("a token bucket needs a positive rate and capacity")
        self.rate_bytes_per_s = float(rate_bytes_per_s)
        self.capacity_bytes = float(capacity_bytes)
        self._clock = clock
        self._level = self.capacity_bytes  # starts full
        self._at = clock()

    def _refill(self) -> float:
        now = self._clock()
        if now > self._at:
            self._level = min(self.capacity_bytes, self._level + (now - self._at) * self.rate_bytes_per_s)
        self._at = max(self._at, now)
        return self._level

    @property
    def level(self) -> float:
        """Bytes available now (negative: in debt)."""
        return self._refill()

    def wait_s(self, amount: float) -> float:
        """Seconds until ``min(amount, capacity)`` bytes are available (0.0: now). A request
        bigger than the capacity waits for a full bucket, then :meth:`take` puts it in debt."""
        wanted = min(max(0.0, amount), self.capacity_bytes)
        missing = wanted - self._refill()
        return 0.0 if missing <= _EPSILON_BYTES else missing / self.rate_bytes_per_s

    def take(self, amount: float) -> None:
        """Spend ``amount`` bytes now, whatever the level (it may go negative)."""
        self._refill()
        self._level -= max(0.0, amount)

    def try_take(self, amount: float) -> bool:
        """Spend ``amount`` if :meth:`wait_s` says it is available now; True when it was."""
        if self.wait_s(amount) > 0:
            return False
        self.take(amount)
        return True

    def give(self, amount: float) -> None:
        """Refund ``amount`` bytes that were reserved but not received (never above capacity)."""
        self._refill()
        self._level = min(self.capacity_bytes, self._level + max(0.0, amount))
