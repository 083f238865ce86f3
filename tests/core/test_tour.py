"""Tour schedule: plain floats as the clock, never a sleep."""

from __future__ import annotations

import pytest

from viewer.core.catalog_model import Tour
from viewer.core.tour import (
    BUILTIN_TOUR_ID,
    TourPosition,
    TourSchedule,
    builtin_all_districts_tour,
    pages_for_items,
)

DWELL_S = 10.0
IDLE_S = 60.0


def pages_from(counts: dict[str, int]):
    """pages_of backed by a dict: unknown targets raise KeyError, like a catalog lookup."""
    return lambda target: counts[target]


def schedule(counts: dict[str, int], steps=None, now: float = 0.0, **kwargs) -> TourSchedule:
    steps = list(counts) if steps is None else steps
    return TourSchedule("t1", "Tour one", DWELL_S, steps, pages_from(counts), now, idle_resume_s=IDLE_S, **kwargs)


def where(pos: TourPosition | None) -> tuple[str, int] | None:
    return None if pos is None else (pos.target, pos.page_index)


def run_ticks(tour: TourSchedule, start: float, end: float, step_s: float = 0.5) -> list[tuple[float, tuple]]:
    """Tick from ``start`` to ``end``; return (time, (target, page)) of every switch."""
    switches = []
    t = start
    while t <= end:
        pos = tour.tick(t)
        if pos is not None:
            switches.append((t, where(pos)))
        t += step_s
    return switches


def test_dwell_then_advance_across_pages_and_steps_with_wrap():
    tour = schedule({"a": 1, "b": 2, "c": 1})
    assert where(tour.current()) == ("a", 0)
    assert tour.switch_due_at() == DWELL_S
    assert tour.tick(DWELL_S - 0.01) is None
    switches = run_ticks(tour, DWELL_S, 4 * DWELL_S)
    assert switches == [
        (10.0, ("b", 0)),
        (20.0, ("b", 1)),
        (30.0, ("c", 0)),
        (40.0, ("a", 0)),  # wraps
    ]
    pos = tour.current()
    assert (pos.step_index, pos.page_count, pos.step_count) == (0, 1, 3)


def test_district_with_three_pages_shows_each_then_moves_on():
    tour = schedule({"big": 3, "small": 1})
    seen = [where(tour.current())] + [sw for _, sw in run_ticks(tour, 0.0, 3 * DWELL_S)]
    assert seen == [("big", 0), ("big", 1), ("big", 2), ("small", 0)]
    assert tour.current().page_count == 1


def test_upcoming_is_what_tick_switches_to():
    tour = schedule({"a": 2, "b": 0, "c": 1})
    for i in range(1, 8):
        expected = tour.upcoming()
        due = tour.switch_due_at()
        assert due == pytest.approx(i * DWELL_S)
        assert tour.tick(due) == expected
        assert tour.current() == expected


def test_pause_stops_advancing_and_resume_restarts_dwell():
    tour = schedule({"a": 1, "b": 1})
    tour.tick(4.0)
    tour.pause(4.0)
    status = tour.status(5.0)
    assert status.paused and not status.paused_by_operator_action
    assert status.time_left_s is None and status.resumes_in_s is None
    assert tour.switch_due_at() is None
    assert run_ticks(tour, 5.0, 500.0, step_s=5.0) == []  # explicit pause never ends by itself
    tour.resume(500.0)
    assert tour.switch_due_at() == 500.0 + DWELL_S  # full dwell, not the 6 s that were left
    assert tour.status(503.0).time_left_s == pytest.approx(DWELL_S - 3.0)
    assert tour.tick(509.9) is None
    assert where(tour.tick(510.0)) == ("b", 0)


def test_toggle_pause():
    tour = schedule({"a": 1, "b": 1})
    tour.toggle_pause(1.0)
    assert tour.status(1.0).paused
    tour.toggle_pause(2.0)
    assert not tour.status(2.0).paused
    assert tour.switch_due_at() == 2.0 + DWELL_S
    tour.operator_action(3.0)
    tour.toggle_pause(4.0)  # Space during the auto-resume countdown resumes now
    assert not tour.status(4.0).paused
    assert tour.switch_due_at() == 4.0 + DWELL_S


def test_operator_action_pauses_then_auto_resumes_after_idle_time():
    tour = schedule({"a": 1, "b": 1})
    tour.operator_action(5.0)
    status = tour.status(20.0)
    assert status.paused and status.paused_by_operator_action
    assert status.resumes_in_s == pytest.approx(5.0 + IDLE_S - 20.0)
    assert status.time_left_s is None
    assert run_ticks(tour, 5.0, 5.0 + IDLE_S - 0.5) == []
    assert tour.tick(5.0 + IDLE_S) is None  # resumes; the dwell starts from full
    status = tour.status(5.0 + IDLE_S)
    assert not status.paused and status.resumes_in_s is None
    assert tour.switch_due_at() == 5.0 + IDLE_S + DWELL_S
    assert where(tour.tick(5.0 + IDLE_S + DWELL_S)) == ("b", 0)


def test_further_operator_actions_restart_the_countdown():
    tour = schedule({"a": 1, "b": 1})
    tour.operator_action(0.0)
    tour.operator_action(50.0)
    tour.operator_action(100.0)
    assert tour.tick(100.0 + IDLE_S - 1.0) is None
    assert tour.status(100.0 + IDLE_S - 1.0).resumes_in_s == pytest.approx(1.0)
    tour.tick(100.0 + IDLE_S)
    assert not tour.status(100.0 + IDLE_S).paused


def test_status_shows_auto_resume_even_before_a_tick():
    tour = schedule({"a": 1, "b": 1})
    tour.operator_action(0.0)
    status = tour.status(IDLE_S + 2.0)
    assert not status.paused
    assert status.time_left_s == pytest.approx(DWELL_S - 2.0)


def test_explicit_pause_is_not_overridden_by_operator_action():
    tour = schedule({"a": 1, "b": 1})
    tour.pause(1.0)
    tour.operator_action(2.0)
    status = tour.status(3.0)
    assert status.paused and not status.paused_by_operator_action and status.resumes_in_s is None
    assert run_ticks(tour, 3.0, 10 * IDLE_S, step_s=7.0) == []
    assert tour.status(10 * IDLE_S).paused


def test_explicit_pause_cancels_a_pending_auto_resume():
    tour = schedule({"a": 1, "b": 1})
    tour.operator_action(1.0)
    tour.pause(2.0)
    assert run_ticks(tour, 2.0, 10 * IDLE_S, step_s=7.0) == []
    assert tour.status(10 * IDLE_S).paused


def test_manual_next_and_previous_pages_cross_steps_and_restart_dwell():
    tour = schedule({"a": 2, "b": 1, "c": 3})
    assert where(tour.next(3.0)) == ("a", 1)
    assert tour.switch_due_at() == 3.0 + DWELL_S
    assert where(tour.next(4.0)) == ("b", 0)
    assert where(tour.next(5.0)) == ("c", 0)
    assert where(tour.previous(6.0)) == ("b", 0)
    assert where(tour.previous(7.0)) == ("a", 1)  # previous step's LAST page
    assert where(tour.previous(8.0)) == ("a", 0)
    assert where(tour.previous(9.0)) == ("c", 2)  # wraps backwards
    assert where(tour.next(10.0)) == ("a", 0)  # wraps forwards
    assert tour.switch_due_at() == 10.0 + DWELL_S


def test_manual_whole_steps():
    tour = schedule({"a": 2, "b": 0, "c": 3})
    tour.next(1.0)
    assert where(tour.next_step(2.0)) == ("c", 0)
    assert where(tour.next_step(3.0)) == ("a", 0)
    assert where(tour.previous_step(4.0)) == ("c", 0)
    tour.next(5.0)
    assert where(tour.previous_step(6.0)) == ("a", 0)
    assert tour.switch_due_at() == 6.0 + DWELL_S


def test_manual_navigation_keeps_the_pause():
    tour = schedule({"a": 1, "b": 1})
    tour.pause(1.0)
    assert where(tour.next(2.0)) == ("b", 0)
    assert tour.status(2.0).paused and tour.switch_due_at() is None
    assert run_ticks(tour, 2.0, 200.0) == []


def test_empty_districts_are_skipped():
    tour = schedule({"empty0": 0, "a": 1, "empty1": 0, "empty2": 0, "b": 2})
    assert where(tour.current()) == ("a", 0)  # starts on the first non-empty step
    assert tour.current().step_index == 1
    switches = [sw for _, sw in run_ticks(tour, 0.0, 4 * DWELL_S)]
    assert switches == [("b", 0), ("b", 1), ("a", 0), ("b", 0)]


def test_unknown_target_is_skipped():
    tour = schedule({"a": 1, "b": 1}, steps=["a", "gone", "view:missing", "b"])
    assert where(tour.upcoming()) == ("b", 0)
    assert [sw for _, sw in run_ticks(tour, 0.0, 2 * DWELL_S)] == [("b", 0), ("a", 0)]
    assert where(tour.next_step(30.0)) == ("b", 0)
    assert where(tour.previous_step(31.0)) == ("a", 0)


def test_all_steps_empty_stays_on_step_zero_and_tick_terminates():
    tour = schedule({"x": 0}, steps=["x", "y", "z"])
    pos = tour.current()
    assert (pos.step_index, pos.page_index, pos.target, pos.page_count, pos.step_count) == (0, 0, "x", 0, 3)
    assert tour.upcoming() == pos
    assert run_ticks(tour, 0.0, 100.0) == []
    assert tour.next(101.0) == pos and tour.previous(102.0) == pos
    assert tour.next_step(103.0) == pos and tour.previous_step(104.0) == pos


def test_single_page_tour_does_not_report_switches():
    tour = schedule({"only": 1})
    assert tour.upcoming() == tour.current()
    assert run_ticks(tour, 0.0, 50.0) == []
    assert tour.switch_due_at() == pytest.approx(60.0)  # the dwell keeps restarting


def test_layout_change_keeps_step_and_clamps_page():
    counts = {"a": 4, "b": 1}
    tour = schedule(counts)
    tour.next(1.0)
    tour.next(2.0)
    tour.next(3.0)
    assert where(tour.current()) == ("a", 3)
    pos = tour.set_pages_of(pages_from({"a": 2, "b": 1}), 4.0)  # e.g. 3x3 -> 4x4
    assert where(pos) == ("a", 1) and pos.page_count == 2
    assert tour.switch_due_at() == 4.0 + DWELL_S
    assert where(tour.tick(14.0)) == ("b", 0)
    pos = tour.set_pages_of(pages_from({"a": 8, "b": 3}), 15.0)
    assert where(pos) == ("b", 0) and pos.page_count == 3


def test_layout_change_that_empties_the_current_step_moves_on():
    tour = schedule({"a": 1, "b": 1, "c": 1})
    tour.next(1.0)
    assert where(tour.set_pages_of(pages_from({"a": 1, "b": 0, "c": 1}), 2.0)) == ("c", 0)


def test_layout_change_while_paused_stays_paused():
    tour = schedule({"a": 3})
    tour.pause(1.0)
    tour.set_pages_of(pages_from({"a": 1}), 2.0)
    assert tour.switch_due_at() is None and tour.status(2.0).paused


def test_long_gap_advances_exactly_once():
    tour = schedule({"a": 1, "b": 1, "c": 1, "d": 1})
    expected = tour.upcoming()
    # The machine slept for an hour: 360 dwells went by unseen.
    assert tour.tick(3600.0) == expected
    assert where(tour.current()) == ("b", 0)
    assert tour.switch_due_at() == 3600.0 + DWELL_S  # a full dwell from now, no burst
    assert tour.tick(3601.0) is None


def test_long_gap_during_operator_pause_resumes_and_advances_once():
    tour = schedule({"a": 1, "b": 1, "c": 1})
    tour.operator_action(1.0)
    assert where(tour.tick(10_000.0)) == ("b", 0)
    assert tour.switch_due_at() == 10_000.0 + DWELL_S


def test_status_time_left_counts_down():
    tour = schedule({"a": 1, "b": 1}, now=100.0)
    status = tour.status(103.5)
    assert not status.paused and status.time_left_s == pytest.approx(DWELL_S - 3.5)
    assert status.position == tour.current()


@pytest.mark.parametrize("dwell_s", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_dwell_is_rejected(dwell_s):
    with pytest.raises(ValueError, match="dwell_s"):
        TourSchedule("t", "T", dwell_s, ["a"], pages_from({"a": 1}), 0.0)
    with pytest.raises(ValueError, match="dwell_s"):
        builtin_all_districts_tour(["a"], dwell_s)


def test_bad_idle_and_no_steps_are_rejected():
    with pytest.raises(ValueError, match="idle_resume_s"):
        TourSchedule("t", "T", 5.0, ["a"], pages_from({"a": 1}), 0.0, idle_resume_s=-1.0)
    with pytest.raises(ValueError, match="no steps"):
        TourSchedule("t", "T", 5.0, [], pages_from({}), 0.0)


def test_other_errors_from_pages_of_propagate():
    def broken(target: str) -> int:
        raise RuntimeError("bug")

    with pytest.raises(RuntimeError):
        TourSchedule("t", "T", 5.0, ["a"], broken, 0.0)


def test_builtin_all_districts_tour_and_from_tour():
    tour_id, name, dwell_s, steps = builtin_all_districts_tour(["north", "south"])
    assert (tour_id, name, dwell_s, steps) == (BUILTIN_TOUR_ID, "All districts", 20.0, ("north", "south"))
    assert BUILTIN_TOUR_ID == "all"
    built = TourSchedule(tour_id, name, dwell_s, steps, pages_from({"north": 1, "south": 1}), 0.0)
    assert where(built.tick(20.0)) == ("south", 0)
    tour = TourSchedule.from_tour(
        Tour("night", "Night", 7.5, ("north", "view:gates")), pages_from({"north": 1, "view:gates": 1}), 0.0
    )
    assert (tour.tour_id, tour.name, tour.dwell_s) == ("night", "Night", 7.5)
    assert where(tour.tick(7.5)) == ("view:gates", 0)


def test_pages_for_items():
    assert pages_for_items(0, 9) == 0
    assert pages_for_items(1, 9) == 1
    assert pages_for_items(9, 9) == 1
    assert pages_for_items(10, 9) == 2
    assert pages_for_items(27, 9) == 3
    with pytest.raises(ValueError):
        pages_for_items(3, 0)
