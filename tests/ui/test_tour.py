"""Tours under Xvfb with real libVLC: district A, then B, then A again, on screen; the next
page is pre-rolled so a switch shows pictures at once; operator actions pause the tour."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from tests.support.catalogs import catalog_yaml
from tests.support.screen_samples import screen_colours
from viewer.core.health_model import FeedState

DWELL_S = 4
TOUR = f"""tours:
  - id: ab
    name: A and B
    dwell_s: {DWELL_S}
    steps: [da, db]
"""


def _wall(make_wall, colour_streams):
    a = [(f"a-{n}", colour_streams(n)) for n in ("red", "green")]
    b = [(f"b-{n}", colour_streams(n)) for n in ("blue", "yellow")]
    window = make_wall(catalog_yaml({"da": a, "db": b}, TOUR))
    window.controller.show_view(window.controller.district_view("da", 0, "1x2"))
    return window


def test_tour_shows_a_then_b_then_a_with_prerolled_pictures(qtbot, make_wall, colour_streams, caplog):
    window = _wall(make_wall, colour_streams)
    assert window.start_tour("ab")
    qtbot.waitUntil(lambda: screen_colours(window) == ["red", "green"], timeout=15_000)
    assert "Tour A and B: 1/2" in window.tour_label.text()

    # Before the dwell ends, the next page plays hidden: its players already show pictures.
    qtbot.waitUntil(lambda: window.controller._preroll is not None, timeout=DWELL_S * 1000 + 2000)
    hidden = [window.controller.feeds[i] for i in window.controller._preroll[1]]
    qtbot.waitUntil(lambda: all(f.state is FeedState.PLAYING for f in hidden), timeout=10_000)
    # B's cameras have no history yet: the cautious default needs more than 0.9 of a 4 s dwell
    assert "dwell too short: b-yellow needs" in window.tour_label.text()  # started last (stagger)
    assert any("is too short for db page 1: camera b-yellow" in r.getMessage() for r in caplog.records)

    qtbot.waitUntil(lambda: window.controller.view.district == "db", timeout=DWELL_S * 1000 + 2000)
    switched = time.monotonic()
    qtbot.waitUntil(lambda: screen_colours(window) == ["blue", "yellow"], timeout=5_000)
    pictures_after_s = time.monotonic() - switched
    assert "2/2" in window.tour_label.text()
    assert pictures_after_s < 1.0, f"pre-rolled page took {pictures_after_s:.2f} s to show"

    qtbot.waitUntil(lambda: window.controller.view.district == "da", timeout=DWELL_S * 1000 + 3000)
    qtbot.waitUntil(lambda: screen_colours(window) == ["red", "green"], timeout=5_000)


def test_space_pauses_and_operator_action_pauses_the_tour(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    window.start_tour("ab")
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.tour.status().paused
    assert "PAUSED" in window.tour_label.text()
    qtbot.wait((DWELL_S + 1) * 1000)  # observe a whole dwell: the condition is "nothing happens"
    assert window.controller.view.district == "da"  # no switch while paused
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.tour.status().paused
    window.controller.toggle_maximise(0)  # an operator action: paused with an auto-resume
    status = window.tour.status()
    assert status.paused and status.resumes_in_s is not None
    qtbot.waitUntil(lambda: "resumes in" in window.tour_label.text(), timeout=2000)
