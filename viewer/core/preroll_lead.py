"""How early a tour must pre-roll its next page: learned from each camera's recent opens.

A camera's *time to first picture* is the time from the wall's decision to open it to its
first displayed picture (libVLC's Vout): any wait for a free open slot of its recorder (the
open gate admits a few streams per recorder at a time), the connection, and the wait for a
keyframe. It depends on the camera and its recorder (keyframe interval, recorder delay, RTSP
set-up, how many cameras of a page share the recorder), so it is learned per camera from its last
``PREROLL_HISTORY_OPENS`` opens; the estimate is their p90 (nearest rank). A camera
without history gets a cautious default: ``PREROLL_DEFAULT_FIRST_PICTURE_S``, or the p90 of
every camera's recent opens when that is longer (a loaded machine, a slow recorder: what
this wall sees now). With fewer than ``PREROLL_MIN_OPENS`` opens the estimate is never
below that default: where a client joins a live
stream decides whether it waits 0 s or a whole keyframe interval, so one quick open proves
little, while one slow open raises the estimate at once.

A page's lead is its slowest camera's estimate, plus the stagger with which the wall starts
that camera's player, plus a margin; at least ``PREROLL_MIN_LEAD_S``, at most
``PREROLL_MAX_DWELL_FRACTION`` of the dwell. When the cap cuts it, the dwell is too short
for the page's cameras: :class:`PageLead` says so and which camera decides.

Pure data in, data out; seconds throughout. Not thread-safe: one thread (the Qt main thread).
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from viewer.core.constants import (
    PREROLL_DEFAULT_FIRST_PICTURE_S,
    PREROLL_HISTORY_OPENS,
    PREROLL_MARGIN_S,
    PREROLL_MAX_DWELL_FRACTION,
    PREROLL_MIN_LEAD_S,
    PREROLL_MIN_OPENS,
    PREROLL_QUANTILE,
)


@dataclass(frozen=True)
class LeadConfig:
    default_first_picture_s: float = PREROLL_DEFAULT_FIRST_PICTURE_S
    margin_s: float = PREROLL_MARGIN_S
    min_lead_s: float = PREROLL_MIN_LEAD_S
    max_dwell_fraction: float = PREROLL_MAX_DWELL_FRACTION
    history_opens: int = PREROLL_HISTORY_OPENS
    min_opens: int = PREROLL_MIN_OPENS
    quantile: float = PREROLL_QUANTILE

    def __post_init__(self) -> None:
        if self.history_opens < 1:
            raise ValueError("history_opens must be >= 1")
        if not 0 < self.quantile <= 1:
            raise ValueError("quantile must be in (0, 1]")
        if not 0 < self.max_dwell_fraction <= 1:
            raise ValueError("max_dwell_fraction must be in (0, 1]")
        for name in ("default_first_picture_s", "margin_s", "min_lead_s"):
            value = getattr(self, name)
            if not (value >= 0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a finite number of seconds >= 0, got {value!r}")


@dataclass(frozen=True)
class PageLead:
    """When to start a page's players, seconds before its switch."""

    lead_s: float  # what the tour uses: ``needed_s`` within [min lead, the dwell's cap]
    needed_s: float  # what the page's slowest camera needs (estimate + stagger + margin)
    slowest_camera: str | None  # the camera that decides ``needed_s``; None for an empty page
    slowest_estimate_s: float  # that camera's estimated time to first picture
    learned: bool  # the slowest camera's estimate comes from its history, not the default

    @property
    def dwell_too_short(self) -> bool:
        """The cap cut the lead: some camera may still be without a picture at the switch."""
        return self.needed_s > self.lead_s + 1e-9


def quantile(values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile (``q`` in (0, 1]) of a non-empty sequence."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q * len(ordered)))
    return ordered[rank - 1]


class FirstPictureHistory:
    """Recent times to first picture per camera, and the page leads they imply."""

    def __init__(self, config: LeadConfig | None = None) -> None:
        self.config = config or LeadConfig()
        self._opens: dict[str, deque[float]] = {}
        self._all: deque[float] = deque(maxlen=10 * self.config.history_opens)  # every camera's

    def record(self, camera_id: str, seconds: float) -> None:
        """One open of ``camera_id`` showed its first picture ``seconds`` after the wall decided
        to open it. Negative or non-finite values (a clock step) are ignored."""
        if not (seconds >= 0 and math.isfinite(seconds)):
            return
        opens = self._opens.get(camera_id)
        if opens is None:
            opens = self._opens[camera_id] = deque(maxlen=self.config.history_opens)
        opens.append(float(seconds))
        self._all.append(float(seconds))

    def default_estimate(self) -> float:
        """For a camera without (enough) history: the configured default, or the p90 of all
        cameras' recent opens when that is longer."""
        fleet = quantile(self._all, self.config.quantile) if self._all else 0.0
        return max(self.config.default_first_picture_s, fleet)

    def opens(self, camera_id: str) -> tuple[float, ...]:
        return tuple(self._opens.get(camera_id, ()))

    def estimate(self, camera_id: str) -> tuple[float, bool]:
        """``(seconds, learned)``: the camera's p90 time to first picture; the default
        (:meth:`default_estimate`) without history; never below it with fewer than
        ``min_opens`` opens."""
        cfg = self.config
        opens = self._opens.get(camera_id)
        if not opens:
            return self.default_estimate(), False
        if len(opens) < cfg.min_opens:
            slowest, default = max(opens), self.default_estimate()
            return max(slowest, default), slowest >= default
        return quantile(opens, cfg.quantile), True

    def page_lead(self, camera_ids: Sequence[str | None], dwell_s: float, stagger_s: float = 0.0) -> PageLead:
        """The lead for a page showing ``camera_ids`` (None: empty tile) in this order; the
        wall starts them ``stagger_s`` apart, the first at once."""
        cfg = self.config
        needed, slowest, slowest_estimate, learned = 0.0, None, 0.0, False
        started = 0
        for camera_id in camera_ids:
            if camera_id is None:
                continue
            estimate, known = self.estimate(camera_id)
            total = estimate + started * stagger_s
            started += 1
            if slowest is None or total > needed:
                needed, slowest, slowest_estimate, learned = total, camera_id, estimate, known
        needed = needed + cfg.margin_s if slowest is not None else 0.0
        cap = max(0.0, dwell_s * cfg.max_dwell_fraction)
        lead = min(max(needed, cfg.min_lead_s), cap)
        return PageLead(lead_s=lead, needed_s=needed, slowest_camera=slowest,
                        slowest_estimate_s=slowest_estimate, learned=learned)
