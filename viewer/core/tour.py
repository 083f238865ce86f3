"""Tour schedule: given ``now``, which district page the wall shows and what comes next.

A tour walks through its steps (district ids, or ``view:NAME`` for saved views). A step
with more cameras than tiles shows each of its pages for ``dwell_s`` before the tour moves
on; steps with no pages (empty districts) or unknown targets are skipped; the tour wraps.

Pure data in, data out: every time-dependent call takes ``now`` in seconds (any monotonic
clock, float). Not thread-safe: call it from one thread (the Qt main thread).

Pausing:
- ``pause``/``resume``/``toggle_pause`` (Space) are the operator's explicit pause: it stays
  until resumed.
- ``operator_action`` (maximise, drag, search jump) pauses with an auto-resume
  ``idle_resume_s`` after the last action. It never overrides an explicit pause.
- Any resume (explicit or automatic) restarts the current page's dwell from full.

Timing: the app calls ``tick(now)`` periodically (every ``TICK_INTERVAL_S`` or so); it
switches when the dwell has ended. After a long gap (a suspended machine, a blocked event
loop) it advances exactly ONCE, to ``upcoming()``, and starts that page's dwell at ``now``:
it never replays the missed pages, so what the UI pre-rolled is what gets shown.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from viewer.core.catalog_model import Tour

log = logging.getLogger(__name__)

BUILTIN_TOUR_ID = "all"
BUILTIN_TOUR_NAME = "All districts"
DEFAULT_DWELL_S = 20.0
DEFAULT_IDLE_RESUME_S = 60.0
#: How often the app should call ``TourSchedule.tick`` (switches land this late at most).
TICK_INTERVAL_S = 0.25

PagesOf = Callable[[str], int]


@dataclass(frozen=True)
class TourPosition:
    """One page of one step. ``page_count`` 0 only when every step of the tour is empty."""

    step_index: int
    page_index: int
    target: str  # district id, or "view:NAME"
    page_count: int
    step_count: int


@dataclass(frozen=True)
class TourStatus:
    """What the tour indicator shows at one moment; seconds."""

    position: TourPosition
    paused: bool
    paused_by_operator_action: bool  # True: paused by a wall action, resumes by itself
    time_left_s: float | None  # until the next switch; None while paused
    resumes_in_s: float | None  # auto-resume countdown after an operator action, else None
    #: Set by the wall when the dwell is too short for the next page's cameras to show their
    #: first pictures in time: the slowest camera, and the pre-roll lead it needs (seconds).
    preroll_short_camera: str | None = None
    preroll_needed_s: float | None = None


def pages_for_items(n_items: int, page_size: int) -> int:
    """Pages a tour step needs for ``n_items`` cameras: 0 when there are none (skipped)."""
    if page_size < 1:
        raise ValueError("page_size must be >= 1")
    return -(-max(0, n_items) // page_size)


def builtin_all_districts_tour(
    district_ids: Sequence[str], dwell_s: float = DEFAULT_DWELL_S
) -> tuple[str, str, float, tuple[str, ...]]:
    """``(id, name, dwell_s, steps)`` of the built-in tour through every district, in order."""
    _check_dwell(dwell_s)
    return BUILTIN_TOUR_ID, BUILTIN_TOUR_NAME, float(dwell_s), tuple(district_ids)


def _check_dwell(dwell_s: float) -> None:
    if not (dwell_s > 0 and math.isfinite(dwell_s)):
        raise ValueError(f"dwell_s must be a positive number of seconds, got {dwell_s!r}")


class TourSchedule:
    """Where a running tour is and when it switches. See the module docstring for the rules."""

    def __init__(
        self,
        tour_id: str,
        name: str,
        dwell_s: float,
        steps: Sequence[str],
        pages_of: PagesOf,
        now: float,
        idle_resume_s: float = DEFAULT_IDLE_RESUME_S,
    ) -> None:
        """``pages_of(target)``: pages the wall needs for a step at the current layout
        (0 = empty; KeyError = unknown target, skipped). Starts running at ``now`` on the
        first non-empty step. ValueError for ``dwell_s <= 0``, ``idle_resume_s < 0`` or no steps."""
        _check_dwell(dwell_s)
        if not (idle_resume_s >= 0 and math.isfinite(idle_resume_s)):
            raise ValueError(f"idle_resume_s must be >= 0 seconds, got {idle_resume_s!r}")
        if not steps:
            raise ValueError(f"tour {tour_id!r} has no steps")
        self.tour_id = tour_id
        self.name = name
        self.dwell_s = float(dwell_s)
        self.steps: tuple[str, ...] = tuple(steps)
        self.idle_resume_s = float(idle_resume_s)
        self._pages = self._count_pages(pages_of)
        self._step = self._next_nonempty_step(-1)
        self._page = 0
        self._due_at: float | None = now + self.dwell_s  # None while paused
        self._paused_explicitly = False
        self._auto_resume_at: float | None = None  # set while paused by an operator action

    @classmethod
    def from_tour(
        cls, tour: Tour, pages_of: PagesOf, now: float, idle_resume_s: float = DEFAULT_IDLE_RESUME_S
    ) -> TourSchedule:
        return cls(tour.id, tour.name, tour.dwell_s, tour.steps, pages_of, now, idle_resume_s)

    # --- where we are ---------------------------------------------------------------
    def current(self) -> TourPosition:
        return self._position(self._step, self._page)

    def upcoming(self) -> TourPosition:
        """The position the next switch (``tick`` or ``next``) goes to; for pre-roll.
        Equal to ``current()`` when there is nowhere else to go (then no switch happens)."""
        return self._position(*self._after(self._step, self._page))

    def switch_due_at(self) -> float | None:
        """When the current page's dwell ends (seconds, the caller's clock); None while paused."""
        return self._due_at

    @property
    def paused(self) -> bool:
        return self._paused_explicitly or self._auto_resume_at is not None

    def status(self, now: float) -> TourStatus:
        self._settle(now)
        resumes_in_s = None if self._auto_resume_at is None else max(0.0, self._auto_resume_at - now)
        return TourStatus(
            position=self.current(),
            paused=self.paused,
            paused_by_operator_action=self._auto_resume_at is not None,
            time_left_s=None if self._due_at is None else max(0.0, self._due_at - now),
            resumes_in_s=resumes_in_s,
        )

    # --- time passing ---------------------------------------------------------------
    def tick(self, now: float) -> TourPosition | None:
        """Apply a due auto-resume, then switch if the dwell has ended: returns the new
        position, or None (no switch, or the only position there is: its dwell restarts).
        After any gap it advances at most once; the new dwell starts at ``now``."""
        self._settle(now)
        if self._due_at is None or now < self._due_at:
            return None
        before = (self._step, self._page)
        self._step, self._page = self._after(*before)
        self._due_at = now + self.dwell_s
        if (self._step, self._page) == before:
            return None
        log.debug("tour %s: switch to %s", self.tour_id, self.current())
        return self.current()

    # --- manual navigation (does not change the pause state) ------------------------
    def next(self, now: float) -> TourPosition:
        """Next page, crossing into the next step; restarts the dwell."""
        return self._go(now, *self._after(self._step, self._page))

    def previous(self, now: float) -> TourPosition:
        """Previous page, crossing into the previous step's LAST page; restarts the dwell."""
        if self._page > 0:
            return self._go(now, self._step, self._page - 1)
        step = self._previous_nonempty_step(self._step)
        return self._go(now, step, max(0, self._pages[step] - 1))

    def next_step(self, now: float) -> TourPosition:
        """First page of the next non-empty step; restarts the dwell."""
        return self._go(now, self._next_nonempty_step(self._step), 0)

    def previous_step(self, now: float) -> TourPosition:
        """First page of the previous non-empty step; restarts the dwell."""
        return self._go(now, self._previous_nonempty_step(self._step), 0)

    # --- pausing --------------------------------------------------------------------
    def pause(self, now: float) -> None:
        """Explicit pause (Space): stays until ``resume``; cancels any auto-resume."""
        self._settle(now)
        if not self._paused_explicitly:
            log.info("tour %s paused by the operator", self.tour_id)
        self._paused_explicitly = True
        self._auto_resume_at = None
        self._due_at = None

    def resume(self, now: float) -> None:
        """End any pause; the current page's dwell restarts from full at ``now``."""
        if self.paused:
            log.info("tour %s resumed", self.tour_id)
        self._paused_explicitly = False
        self._auto_resume_at = None
        if self._due_at is None:
            self._due_at = now + self.dwell_s

    def toggle_pause(self, now: float) -> None:
        """Space: resume if paused in any way (an auto-resume countdown too), else pause."""
        self._settle(now)
        if self.paused:
            self.resume(now)
        else:
            self.pause(now)

    def operator_action(self, now: float) -> None:
        """An operator worked on the wall: pause, resuming ``idle_resume_s`` after the LAST
        such call. No effect during an explicit pause."""
        self._settle(now)
        if self._paused_explicitly:
            return
        if self._auto_resume_at is None:
            log.info("tour %s paused by an operator action (resumes after %g s idle)", self.tour_id, self.idle_resume_s)
        self._auto_resume_at = now + self.idle_resume_s
        self._due_at = None

    # --- layout / catalog changes ---------------------------------------------------
    def set_pages_of(self, pages_of: PagesOf, now: float) -> TourPosition:
        """Recount pages (layout or catalog changed). Keeps the current step and clamps its
        page; if the step is now empty or unknown, moves on to the next non-empty step.
        Restarts the dwell when running (the wall shows a new screen either way)."""
        self._settle(now)
        self._pages = self._count_pages(pages_of)
        if self._pages[self._step] <= 0:
            self._step, self._page = self._next_nonempty_step(self._step), 0
        else:
            self._page = min(self._page, self._pages[self._step] - 1)
        if self._due_at is not None:
            self._due_at = now + self.dwell_s
        return self.current()

    # --- internals ------------------------------------------------------------------
    def _settle(self, now: float) -> None:
        """Apply an auto-resume that fell due; its dwell starts at the resume moment."""
        if self._auto_resume_at is not None and now >= self._auto_resume_at:
            log.info("tour %s resumed after %g s without operator action", self.tour_id, self.idle_resume_s)
            self._due_at = self._auto_resume_at + self.dwell_s
            self._auto_resume_at = None

    def _go(self, now: float, step: int, page: int) -> TourPosition:
        self._settle(now)
        self._step, self._page = step, page
        if self._due_at is not None:
            self._due_at = now + self.dwell_s
        return self.current()

    def _count_pages(self, pages_of: PagesOf) -> list[int]:
        counts = []
        for target in self.steps:
            try:
                counts.append(max(0, int(pages_of(target))))
            except KeyError:
                log.warning("tour %s: step %r is unknown; skipped", self.tour_id, target)
                counts.append(0)
        if not any(counts):
            log.warning("tour %s: every step is empty; the tour stays on its first step", self.tour_id)
        return counts

    def _after(self, step: int, page: int) -> tuple[int, int]:
        if page + 1 < self._pages[step]:
            return step, page + 1
        return self._next_nonempty_step(step), 0

    def _next_nonempty_step(self, step: int) -> int:
        """The first non-empty step after ``step`` (wrapping, ``step`` itself last); 0 if none."""
        n = len(self.steps)
        for offset in range(1, n + 1):
            candidate = (step + offset) % n
            if self._pages[candidate] > 0:
                return candidate
        return 0

    def _previous_nonempty_step(self, step: int) -> int:
        n = len(self.steps)
        for offset in range(1, n + 1):
            candidate = (step - offset) % n
            if self._pages[candidate] > 0:
                return candidate
        return 0

    def _position(self, step: int, page: int) -> TourPosition:
        return TourPosition(step, page, self.steps[step], self._pages[step], len(self.steps))
