"""Runs a :class:`viewer.core.tour.TourSchedule` on one wall window.

A timer ticks the schedule; when the current dwell is about to end, the next page is
pre-rolled (started hidden) so that the switch itself only swaps visible tiles. How early
depends on the next page's cameras: the wall learns each camera's time to first picture
(:meth:`WallController.preroll_lead`); a page whose slowest camera needs more than the dwell
allows is logged once and shown in the tour status. Operator actions on the wall pause the
tour; it resumes by itself after the idle time. Main thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.core.layouts import LayoutError
from viewer.core.preroll_lead import PageLead
from viewer.core.tour import (
    BUILTIN_TOUR_ID,
    TICK_INTERVAL_S,
    TourPosition,
    TourSchedule,
    TourStatus,
    builtin_all_districts_tour,
    pages_for_items,
)
from viewer.core.views import WallView

log = logging.getLogger(__name__)


class TourController(QObject):
    status_changed = Signal(object)  # TourStatus, or None when no tour runs

    def __init__(self, controller, views, clock: Callable[[], float] = time.monotonic,
                 idle_resume_s: float = 60.0, window_key: str = "0", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window_key = window_key
        self.controller = controller  # WallController
        self.views = views  # ViewStore, for "view:NAME" steps
        self.clock = clock
        self.idle_resume_s = idle_resume_s
        self.schedule: TourSchedule | None = None
        self.tour_name = ""
        self.preroll_enabled = True
        self._prerolled_for: TourPosition | None = None
        self._lead: PageLead | None = None  # the upcoming page's pre-roll lead, last computed
        self._warned_short: set[tuple[str, int, str | None]] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(int(TICK_INTERVAL_S * 1000))
        self._timer.timeout.connect(self._tick)
        controller.operator_acted.connect(self.operator_action)

    # --- control --------------------------------------------------------------------
    def start(self, tour_id: str) -> bool:
        catalog = self.controller.catalog
        if tour_id == BUILTIN_TOUR_ID:
            _, name, dwell, steps = builtin_all_districts_tour([d.id for d in catalog.districts])
        else:
            try:
                tour = catalog.tour(tour_id)
            except KeyError:
                log.error("unknown tour %s", tour_id)
                return False
            name, dwell, steps = tour.name, tour.dwell_s, tour.steps
        now = self.clock()
        self.schedule = TourSchedule(tour_id, name, dwell, steps, self._pages_of, now, self.idle_resume_s)
        self.tour_name = name
        self._prerolled_for = None
        self._show(self.schedule.current())
        self._timer.start()
        self.views.set_last_tour(tour_id, self.window_key)
        self._emit_status()
        log.info("tour %s started (%d steps, dwell %.0f s)", tour_id, len(steps), dwell)
        return True

    def stop(self, remember: bool = False) -> None:
        """Stop the tour; ``remember`` keeps it as the one to resume at the next start
        (window closing), otherwise the operator ended it."""
        self._timer.stop()
        if self.schedule is not None and not remember:
            self.views.set_last_tour(None, self.window_key)
        self.schedule = None
        self.status_changed.emit(None)

    @property
    def running(self) -> bool:
        return self.schedule is not None

    def toggle_pause(self) -> None:
        if self.schedule is not None:
            self.schedule.toggle_pause(self.clock())
            self._emit_status()

    def next(self) -> None:
        if self.schedule is not None:
            self._show(self.schedule.next(self.clock()))

    def previous(self) -> None:
        if self.schedule is not None:
            self._show(self.schedule.previous(self.clock()))

    def operator_action(self) -> None:
        if self.schedule is not None:
            self.schedule.operator_action(self.clock())
            self._emit_status()

    def layout_changed(self) -> None:
        if self.schedule is not None:
            self._show(self.schedule.set_pages_of(self._pages_of, self.clock()))

    # --- internals ------------------------------------------------------------------
    def _pages_of(self, target: str) -> int:
        if target.startswith("view:"):
            if self.views.get(target[5:]) is None:
                raise KeyError(target)
            return 1
        size = self.controller.view.layout.size
        return pages_for_items(len(self.controller.catalog.cameras_in(target)), size)

    def _view_for(self, position: TourPosition) -> WallView | None:
        if position.page_count == 0:
            return None
        if position.target.startswith("view:"):
            return self.views.get(position.target[5:])
        try:
            return self.controller.district_view(position.target, position.page_index)
        except (KeyError, LayoutError):
            return None

    def _show(self, position: TourPosition) -> None:
        view = self._view_for(position)
        if view is not None:
            self.controller.show_view(view)
        self._prerolled_for = None
        self._lead = None
        self._emit_status()

    def _tick(self) -> None:
        schedule = self.schedule
        if schedule is None:
            return
        now = self.clock()
        switched = schedule.tick(now)
        if switched is not None:
            self._show(switched)
            return
        due = schedule.switch_due_at()
        upcoming = schedule.upcoming()
        if (
            self.preroll_enabled
            and due is not None
            and upcoming != schedule.current()
            and self._prerolled_for != upcoming
        ):
            view = self._view_for(upcoming)
            self._lead = None if view is None else self.controller.preroll_lead(view, schedule.dwell_s)
            lead_s = 0.0 if self._lead is None else self._lead.lead_s
            if now >= due - lead_s:
                if view is not None:
                    started = self.controller.preroll(view)
                    log.debug("pre-rolled %s page %d %.1f s ahead: %d players", upcoming.target,
                              upcoming.page_index, due - now, started)
                    self._warn_if_short(upcoming, self._lead)
                self._prerolled_for = upcoming
        self._emit_status()

    def _warn_if_short(self, position: TourPosition, lead: PageLead | None) -> None:
        if lead is None or not lead.dwell_too_short:
            return
        key = (position.target, position.page_index, lead.slowest_camera)
        if key in self._warned_short:
            return
        self._warned_short.add(key)
        log.warning(
            "tour %s: dwell %.0f s is too short for %s page %d: camera %s needs %.1f s to its first picture "
            "(%s), so the page would need a %.1f s pre-roll; it gets %.1f s",
            self.schedule.tour_id if self.schedule else "?", self.schedule.dwell_s if self.schedule else 0,
            position.target, position.page_index + 1, lead.slowest_camera, lead.slowest_estimate_s,
            "p90 of its recent opens" if lead.learned else "no history yet: the cautious default",
            lead.needed_s, lead.lead_s)

    def status(self) -> TourStatus | None:
        """The schedule's status, plus the "dwell too short" warning for the next page."""
        if self.schedule is None:
            return None
        status = self.schedule.status(self.clock())
        lead = self._lead
        if lead is not None and lead.dwell_too_short:
            status = replace(status, preroll_short_camera=lead.slowest_camera, preroll_needed_s=lead.needed_s)
        return status

    def _emit_status(self) -> None:
        self.status_changed.emit(self.status())
