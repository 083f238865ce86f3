"""The journal's rules as pure logic: observations of the wall, pre-roll and sweep in,
open/close/note/coverage decisions out (no Qt, no SQLite, times passed in)."""

from __future__ import annotations

from viewer.core.outage_rules import (
    AddNote,
    CloseOutage,
    Observation,
    OpenOutage,
    OutageRules,
    Status,
    Unwatch,
    UpdateOutage,
    Watch,
)
from viewer.core.reasons import Reason

T0 = 1_800_000_000.0


def ok(source: str, at: float, camera: str = "cam-1") -> Observation:
    return Observation(camera, source, Status.HEALTHY, T0 + at)


def bad(source: str, at: float, reason: Reason = Reason.REFUSED, since: float | None = None,
        camera: str = "cam-1") -> Observation:
    return Observation(camera, source, Status.FAILING, T0 + at, reason, "d",
                       None if since is None else T0 + since, "Jl. Pemuda", "Tengah")


def outages_only(decisions):
    return [d for d in decisions if not isinstance(d, (Watch, Unwatch))]


def test_first_source_opens_and_a_later_source_does_not_open_a_second() -> None:
    rules = OutageRules(confirm_s=30)
    assert outages_only(rules.observe(bad("wall", 10, Reason.STALLED, since=7))) == [
        OpenOutage("cam-1", "Jl. Pemuda", "Tengah", Reason.STALLED, "d", T0 + 7, "wall")
    ]
    assert outages_only(rules.observe(bad("sweep", 20, Reason.REFUSED))) == []  # the sweep does not refine it
    assert outages_only(rules.observe(bad("wall", 21, Reason.ENDED))) == [UpdateOutage("cam-1", Reason.ENDED, "d")]
    assert rules.open_state("cam-1").source == "wall"


def test_recovery_closes_at_the_first_healthy_time_after_the_hysteresis() -> None:
    rules = OutageRules(confirm_s=30)
    rules.observe(bad("wall", 0))
    for t in range(40, 70):  # healthy each second: confirmed once 30 s have passed
        assert outages_only(rules.observe(ok("wall", t))) == []
    assert outages_only(rules.observe(ok("wall", 70))) == [CloseOutage("cam-1", T0 + 40)]
    assert rules.open_state("cam-1") is None


def test_a_relapse_inside_the_hysteresis_is_the_same_outage() -> None:
    """A stale HLS playlist replayed on every reopen: pictures for a few seconds, stall again."""
    rules = OutageRules(confirm_s=30)
    opened = [d for d in rules.observe(bad("wall", 0, Reason.STALLED)) if isinstance(d, OpenOutage)]
    decisions = []
    for cycle in range(3):
        base = 10 + cycle * 20
        for t in range(base, base + 8):  # 8 s of replayed pictures
            decisions += outages_only(rules.observe(ok("wall", t)))
        decisions += outages_only(rules.observe(bad("wall", base + 11, Reason.STALLED)))
    assert len(opened) == 1 and decisions == []
    for t in range(100, 131):
        decisions += outages_only(rules.observe(ok("wall", t)))
    assert decisions == [CloseOutage("cam-1", T0 + 100)]


def test_the_sweep_closes_an_outage_the_wall_opened_after_the_tour_moved_on() -> None:
    rules = OutageRules(confirm_s=30)
    rules.set_coverage_gap("sweep", 190)
    rules.observe(bad("wall", 0))
    assert rules.stop_watching("cam-1", "wall", T0 + 5) == [Unwatch("cam-1", "wall", T0 + 5)]
    assert outages_only(rules.observe(ok("sweep", 60))) == []  # one answer: not confirmed yet
    assert rules.recovering_since("cam-1") == T0 + 60
    assert outages_only(rules.observe(ok("sweep", 120))) == [CloseOutage("cam-1", T0 + 60)]


def test_a_probe_failing_while_the_wall_shows_pictures_is_a_note_not_an_outage() -> None:
    rules = OutageRules(confirm_s=30)
    rules.observe(ok("wall", 0))
    first = outages_only(rules.observe(bad("sweep", 2, Reason.TIMEOUT)))
    assert len(first) == 1 and isinstance(first[0], AddNote)
    assert (first[0].kind, first[0].source, first[0].at) == ("contradiction", "sweep", T0 + 2)
    rules.observe(ok("wall", 3))
    assert outages_only(rules.observe(bad("sweep", 4, Reason.TIMEOUT))) == []  # noted once
    assert rules.open_state("cam-1") is None
    # the tile leaves; the probe keeps failing (since T0 + 2 by its own count): now it is an
    # outage, starting when the pictures were last seen, not when the probe began failing
    rules.stop_watching("cam-1", "wall", T0 + 5)
    assert outages_only(rules.observe(bad("sweep", 64, Reason.TIMEOUT, since=2))) == [
        OpenOutage("cam-1", "Jl. Pemuda", "Tengah", Reason.TIMEOUT, "d", T0 + 3, "sweep")
    ]


def test_a_probe_answering_while_the_tile_shows_no_pictures_does_not_recover() -> None:
    rules = OutageRules(confirm_s=30)
    rules.observe(bad("wall", 0, Reason.FROZEN_IMAGE))
    decisions = outages_only(rules.observe(ok("sweep", 1))) + outages_only(rules.observe(ok("sweep", 40)))
    assert [type(d) for d in decisions] == [AddNote]
    assert rules.open_state("cam-1") is not None


def test_an_outage_opened_by_the_sweep_is_closed_by_the_wall() -> None:
    rules = OutageRules(confirm_s=30)
    rules.observe(bad("sweep", 0, Reason.REFUSED, since=-60))
    assert rules.open_state("cam-1").started_at == T0 - 60
    closes = [d for t in range(100, 131) for d in outages_only(rules.observe(ok("preroll", t)))]
    assert closes == [CloseOutage("cam-1", T0 + 100)]


def test_coverage_heartbeats_and_stop() -> None:
    rules = OutageRules(heartbeat_s=30)
    watches = [d for t in range(0, 65) for d in rules.observe(Observation("cam-1", "wall", Status.WATCHING, T0 + t))]
    assert watches == [Watch("cam-1", "wall", T0 + t, 90.0) for t in (0, 30, 60)]
    assert rules.stop_sources(["wall", "sweep"], T0 + 70) == [Unwatch("cam-1", "wall", T0 + 70)]
    assert rules.stop_sources(["wall"], T0 + 80) == []


def test_a_source_with_a_short_coverage_gap_heartbeats_within_it() -> None:
    """A monitor with --max-age 1 has a 1.7 s gap: a 30 s heartbeat would start a new, empty
    coverage interval at every Watch (its time counted unwatched)."""
    rules = OutageRules(heartbeat_s=30)
    rules.set_coverage_gap("monitor", 1.7)
    times = [t / 2 for t in range(0, 9)]  # a probe every 0.5 s
    watches = [d for t in times for d in rules.observe(Observation("cam-1", "monitor", Status.HEALTHY, T0 + t))]
    assert [w.at - T0 for w in watches] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert all(w.max_gap_s == 1.7 for w in watches)


def test_adopted_outage_from_an_earlier_run_closes_on_recovery() -> None:
    rules = OutageRules(confirm_s=30)
    rules.adopt("cam-1", Reason.ENDED, T0 - 3600, "wall")
    assert outages_only(rules.observe(bad("wall", 0, Reason.REFUSED))) == [UpdateOutage("cam-1", Reason.REFUSED, "d")]
    closes = [d for t in range(10, 41) for d in outages_only(rules.observe(ok("wall", t)))]
    assert closes == [CloseOutage("cam-1", T0 + 10)]
    # a new fault later opens a new outage, never starting before the last one ended; the
    # tile's own flag time counts (its pictures stopped before the flag was raised)
    assert outages_only(rules.observe(bad("wall", 50, since=5)))[0].started_at == T0 + 10
    closes = [d for t in range(80, 111) for d in outages_only(rules.observe(ok("wall", t)))]
    assert closes == [CloseOutage("cam-1", T0 + 80)]
    # ... nor before a tile last saw pictures (T0 + 120), however long the probe had failed
    rules.observe(ok("wall", 120))
    rules.stop_watching("cam-1", "wall", T0 + 121)
    assert outages_only(rules.observe(bad("sweep", 130, since=100)))[0].started_at == T0 + 120
