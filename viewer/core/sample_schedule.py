"""Which camera stream to sample next: the quality samples' schedule (pure, times passed in).

A *target* is one stream of one camera (its sub-stream where the catalog names one, or the
main stream, or both). :func:`sample_order` leaves out cameras on screen (the wall already
measures those), those sampled less than ``min_interval_s`` ago and those in flight; the rest
go least recently sampled first (never sampled before all), spread over recorders and
districts: the stalest stream of every recorder comes before the second stalest of any, so
consecutive samples (and the few in flight) reach different recorders and district links.
Units: seconds of whatever clock the caller uses for ``last_sampled`` and ``now``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from viewer.core.catalog_model import Camera
from viewer.core.stream_figures import STREAM_MAIN, STREAM_SUB

#: ``streams`` choices: the sub-stream where there is one (else the only stream), the main
#: stream, or both.
STREAMS_SUB, STREAMS_MAIN, STREAMS_BOTH = "sub", "main", "both"
STREAM_CHOICES = (STREAMS_SUB, STREAMS_MAIN, STREAMS_BOTH)


@dataclass(frozen=True)
class SampleTarget:
    """One stream to sample. ``url`` carries no credentials; the password never shows in repr."""

    camera_id: str
    stream: str  # STREAM_MAIN, STREAM_SUB or "" (the camera has one stream)
    url: str
    district: str
    recorder: str
    camera_name: str = ""
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def key(self) -> tuple[str, str]:
        return self.camera_id, self.stream


def sample_targets(cameras: Iterable[Camera], streams: str = STREAMS_SUB) -> list[SampleTarget]:
    """The streams to sample of the enabled ``cameras`` (``streams``: see STREAM_CHOICES)."""
    if streams not in STREAM_CHOICES:
        raise ValueError(f"streams must be one of {', '.join(STREAM_CHOICES)}, not {streams!r}")
    out: list[SampleTarget] = []
    for cam in cameras:
        if not cam.enabled:
            continue
        common = dict(camera_id=cam.id, district=cam.district, recorder=cam.recorder_address,
                      camera_name=cam.name, username=cam.username, password=cam.password)  # fmt: skip
        if not cam.substream:
            out.append(SampleTarget(stream="", url=cam.url, **common))
            continue
        if streams in (STREAMS_SUB, STREAMS_BOTH):
            out.append(SampleTarget(stream=STREAM_SUB, url=cam.substream, **common))
        if streams in (STREAMS_MAIN, STREAMS_BOTH):
            out.append(SampleTarget(stream=STREAM_MAIN, url=cam.url, **common))
    return out


def sample_order(
    targets: Iterable[SampleTarget],
    last_sampled: Mapping[tuple[str, str], float],
    now: float,
    min_interval_s: float = 0.0,
    on_screen: Collection[str] = (),
    in_flight: Collection[tuple[str, str]] = (),
) -> list[SampleTarget]:
    """The targets due for a sample, in the order to sample them (see the module docstring)."""
    screen = set(on_screen)
    busy = set(in_flight)
    groups: dict[tuple[str, str], list[tuple[float, SampleTarget]]] = defaultdict(list)
    for target in targets:
        if target.camera_id in screen or target.key in busy:
            continue
        last = last_sampled.get(target.key)
        if last is not None and now - last < min_interval_s:
            continue
        groups[(target.district, target.recorder)].append((float("-inf") if last is None else last, target))
    ranked: list[tuple[int, float, str, str, str, str, SampleTarget]] = []
    for (district, recorder), members in groups.items():
        members.sort(key=lambda m: (m[0], m[1].camera_id, m[1].stream))
        for rank, (last, target) in enumerate(members):
            ranked.append((rank, last, district, recorder, target.camera_id, target.stream, target))
    ranked.sort(key=lambda r: r[:6])
    return [r[-1] for r in ranked]


def next_due_s(
    targets: Iterable[SampleTarget], last_sampled: Mapping[tuple[str, str], float], now: float, min_interval_s: float
) -> float | None:
    """Seconds until the next target becomes due (0 when one is due now; None without targets)."""
    waits = [0.0 if (last := last_sampled.get(t.key)) is None else max(0.0, last + min_interval_s - now)
             for t in targets]  # fmt: skip
    return min(waits) if waits else None


__all__ = ["STREAM_MAIN", "STREAM_SUB", "SampleTarget", "next_due_s", "sample_order", "sample_targets"]
