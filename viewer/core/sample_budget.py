"""The quality samples' bandwidth cap as data: admission by reservation, reading as a backstop.

Measured (docs/benchmarks.md, ``--only sample``, server-side bytes): pausing the readers alone
does NOT keep the bytes on the wire under the cap: 48 samples under a 20 Mbit/s cap made the
simulator send 23.0 Mbit/s on average (worst 2 s: 31.5), since it keeps sending into socket
buffers while a reader sleeps, and the samples measured the throttle (bitrates 30 % off).
So a sample is *admitted* only when the budget holds its
expected bytes (what the camera's last sample cost; see :func:`estimate_bytes`), and
those bytes are reserved at once. While it reads, bytes beyond the reservation are charged as
they arrive; when the bucket is in debt the reader pauses (the backstop for a camera sending
far more than expected). Reserved bytes not received are not refunded (see :meth:`settle`).

Units: bytes, kbit/s, seconds of a monotonic clock passed in. Pure; not thread-safe (the
sampler job holds a lock around it).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from viewer.core.token_bucket import TokenBucket

#: RTP/RTSP (or MPEG-TS/HTTP) headers on top of the video payload that a sample counts.
WIRE_OVERHEAD_FRACTION = 0.05
#: The bucket holds this many seconds of the budget. Small on purpose: a sample reserves its
#: whole expected bytes when it starts but receives them over its length D, so the samples
#: admitted within any D seconds, all on the wire together, are at most the budget × (D +
#: burst): 2 % over the cap for D = 5 s. A sample bigger than the bucket waits for a full
#: bucket and leaves it in debt, which the next admission waits out.
BUDGET_BURST_S = 0.1


#: A stream never sampled is expected to cost what this share of the sampled ones stayed
#: under (once UNKNOWN_ESTIMATE_MIN_KNOWN have been sampled): generous, not the worst.
UNKNOWN_ESTIMATE_QUANTILE = 0.9
UNKNOWN_ESTIMATE_MIN_KNOWN = 5


def estimate_bytes(known: Mapping[object, float], key: object, default_bytes: float) -> float:
    """The bytes to reserve for a sample of ``key``: what its last sample cost on the wire
    (every byte read: the window, the pictures queued while opening, often a key picture
    bigger than a second of the rest); for a stream never sampled, the 90th percentile of
    the others (a fleet's sub-streams are alike), or ``default_bytes`` while fewer than five
    were sampled."""
    if key in known:
        return known[key]
    if len(known) < UNKNOWN_ESTIMATE_MIN_KNOWN:
        return default_bytes
    ordered = sorted(known.values())
    return ordered[min(len(ordered) - 1, int(UNKNOWN_ESTIMATE_QUANTILE * len(ordered)))]


@dataclass
class Reservation:
    """Bytes a running sample reserved (``reserved``) and what it was charged beyond them."""

    reserved: float
    charged: float = 0.0  # payload bytes already counted against the reservation or the bucket


class SampleBudget:
    """A shared cap of ``mbps`` Mbit/s (10**6 bit/s) over every sample in flight."""

    def __init__(self, mbps: float, clock: Callable[[], float], burst_s: float = BUDGET_BURST_S) -> None:
        if not mbps > 0:
            raise ValueError("the sample budget must be more than 0 Mbit/s")
        self.mbps = float(mbps)
        rate = self.mbps * 1e6 / 8
        self.bucket = TokenBucket(rate, rate * burst_s, clock)

    @staticmethod
    def expected_bytes(kbps: float, seconds: float) -> float:
        """Wire bytes of ``seconds`` of a ``kbps`` stream, headers included."""
        return max(0.0, kbps) * 1000 / 8 * max(0.0, seconds) * (1 + WIRE_OVERHEAD_FRACTION)

    def admit_wait_s(self, expected: float) -> float:
        """Seconds before a sample expecting ``expected`` bytes may start (0: now)."""
        return self.bucket.wait_s(expected)

    def admit(self, expected: float) -> Reservation:
        """Reserve ``expected`` bytes (call when :meth:`admit_wait_s` said 0)."""
        self.bucket.take(expected)
        return Reservation(expected)

    def received(self, reservation: Reservation, payload_bytes: int) -> float:
        """``payload_bytes`` more arrived: charge what exceeds the reservation. Returns how
        long the reader should pause (seconds): 0 while the sample is within its reservation
        (its bytes were paid for), else until the bucket is out of debt."""
        wire = payload_bytes * (1 + WIRE_OVERHEAD_FRACTION)
        before = reservation.charged
        reservation.charged += wire
        beyond = max(0.0, reservation.charged - max(before, reservation.reserved))
        if not beyond:
            return 0.0
        self.bucket.take(beyond)
        return self.bucket.wait_s(0.0)

    def settle(self, reservation: Reservation) -> None:
        """The sample ended. Reserved bytes it did not receive are NOT refunded: that budget
        was held back while it ran, and giving it back now would let the next samples catch
        up on it, above the cap (measured: 4-s windows 15 % over with refunds)."""
