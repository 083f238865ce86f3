"""The journal is the truth, driven through the real wall (libVLC under Xvfb) and the real
background sweep against the camera simulator: a tour leaves a down camera and the sweep
closes its outage off screen; a probe failing while the tile shows pictures is a note, not
an outage. (The app closed during an outage and restarted: tests/ui/test_journal_crash.py.)"""

from __future__ import annotations

import time

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, SimCamera

WAIT_MS = 30_000
SWEEP_INTERVAL_S = 1.0
DWELL_S = 3
TOUR = f"""tours:
  - id: ab
    name: A and B
    dwell_s: {DWELL_S}
    steps: [da, db]
"""


def _start_sweep(window, interval_s: float = SWEEP_INTERVAL_S) -> None:
    from viewer.ui.fleet import FleetMonitor

    services = window.services
    services.fleet = FleetMonitor(services.catalog, services.journal, services.flagged_tiles,
                                  interval_s=interval_s, rules=services.outages.rules)
    services.fleet.start()  # the fixture stops it


def test_tour_leaves_a_down_camera_and_the_sweep_closes_its_outage_off_screen(
    qtbot, make_wall, simulator, colour_streams
):
    down = simulator.add_http(SimCamera("/down", Behaviour.REFUSED, own_port=True))
    catalog = catalog_yaml(
        {"da": [("a-down", down), ("a-red", colour_streams("red"))],
         "db": [("b-blue", colour_streams("blue")), ("b-green", colour_streams("green"))]},
        TOUR,
    )
    window = make_wall(catalog, recovery_confirm_s=3.0)
    journal = reading(window.services.journal)
    window.controller.show_view(window.controller.district_view("da", 0, "1x2"))
    assert window.start_tour("ab")
    qtbot.waitUntil(  # flagged "error" at once, refined to "refused" by the tile's probe
        lambda: [(o.camera_id, o.reason) for o in journal.query(open_only=True)] == [("a-down", Reason.REFUSED)],
        timeout=WAIT_MS,
    )
    [opened] = journal.query(open_only=True)
    assert opened.source == "wall"

    # the tour moves on to district B; the operator pauses it there
    qtbot.waitUntil(lambda: window.controller.view.district == "db", timeout=DWELL_S * 1000 + 5000)
    window.toggle_tour_pause()
    qtbot.waitUntil(  # the old page's players stop one by one after the switch
        lambda: all(f.camera is None or f.camera.id != "a-down" for f in window.controller.running_feeds()),
        timeout=WAIT_MS,
    )
    assert journal.query(open_only=True) == [opened]  # off screen, still down: still open

    # the camera recovers while nobody shows it; the sweep finds it online and closes the
    # outage at the time it first answered (after the hysteresis confirmed it)
    _start_sweep(window)
    recovered_at = time.time()
    simulator.set_behaviour(down, Behaviour.HEALTHY)
    qtbot.waitUntil(lambda: journal.query(open_only=True) == [], timeout=WAIT_MS)
    closed_seen_at = time.time()
    [outage] = journal.query()
    assert outage.id == opened.id and outage.started_at == opened.started_at
    assert recovered_at <= outage.ended_at <= closed_seen_at - 3.0
    assert window.services.outages.known_flag("a-down") is None  # not flagged when shown again
    assert window.controller.view.district == "db"  # it never came back on screen
    coverage = [c for c in journal.evaluation_input(opened.started_at - 60, time.time()).coverage
                if c.camera_id == "a-down"]
    assert coverage and coverage[-1].ended_at is None  # the sweep watches it now


def test_a_probe_failing_while_the_tile_plays_is_a_note_not_an_outage(qtbot, make_wall, simulator, clips):
    """The wall plays the substream; the main stream (what the sweep probes) refuses."""
    sub = simulator.add_http(SimCamera("/sub", Behaviour.HEALTHY, clip=clips["green"]))
    main = simulator.add_http(SimCamera("/main", Behaviour.REFUSED, own_port=True))
    catalog = (
        "version: 1\ndistricts:\n  - {id: d1, name: Pusat}\ncameras:\n"
        f"  - {{id: cam, name: Simpang Lima, district: d1, url: '{main}', substream: '{sub}'}}\n"
    )
    window = make_wall(catalog)
    journal = reading(window.services.journal)
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    qtbot.waitUntil(lambda: feed.flag is None and feed.state.value == "playing", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.services.outages.rules.pictures_seen_at("cam") is not None, timeout=WAIT_MS)
    _start_sweep(window)
    fleet = window.services.fleet
    qtbot.waitUntil(lambda: journal.notes("cam") != [], timeout=WAIT_MS)
    first = fleet.results["cam"].checked_at
    qtbot.waitUntil(lambda: "cam" in fleet.results and fleet.results["cam"].checked_at >= first + 2, timeout=WAIT_MS)
    assert fleet.results["cam"].reason is Reason.REFUSED  # the sweep keeps failing ...
    assert journal.query() == []  # ... but the pictures win: no outage
    [note] = journal.notes("cam")  # noted once, not once per probe
    assert (note.kind, note.source) == ("contradiction", "sweep") and "refused" in note.detail


def test_the_wall_closed_during_an_outage_and_started_again_later(
    qtbot, make_wall, simulator, colour_streams, clips
):
    """Closed (not killed) mid-outage: the outage stays open, the tiles' coverage ends at the
    exit; started again with the camera back, the wall closes it when it first sees pictures,
    and the time in between is not covered (unknown)."""
    down = simulator.add_http(SimCamera("/down2", Behaviour.REFUSED, clip=clips["blue"], own_port=True))
    green = colour_streams("green")
    catalog = catalog_yaml({"d1": [("cam-down", down), ("cam-ok", green)]})
    first = make_wall(catalog)
    first.controller.show_district("d1", 0, "1x2")
    journal = reading(first.services.journal)
    qtbot.waitUntil(lambda: [o.camera_id for o in journal.query(open_only=True)] == ["cam-down"], timeout=WAIT_MS)
    [opened] = journal.query(open_only=True)
    first.allow_exit()
    first.close()  # the operator quits: what run_wall does at its exit
    first.services.outages.close()
    closed_at = time.time()
    journal.close()

    simulator.set_behaviour(down, Behaviour.HEALTHY)
    second = make_wall(catalog)
    assert second.services.outages.known_flag("cam-down") is not None  # still known down
    restarted_at = time.time()
    second.controller.show_district("d1", 0, "1x2")
    journal = reading(second.services.journal)
    qtbot.waitUntil(lambda: journal.query(open_only=True) == [], timeout=WAIT_MS)
    [outage] = journal.query()
    assert outage.id == opened.id and outage.started_at == opened.started_at
    assert outage.ended_at >= restarted_at
    coverage = [c for c in journal.evaluation_input(opened.started_at - 1, time.time()).coverage
                if c.camera_id == "cam-down"]
    assert len(coverage) == 2 and coverage[0].ended_at <= closed_at and coverage[1].started_at >= restarted_at
