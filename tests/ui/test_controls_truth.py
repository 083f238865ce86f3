"""The toolbar tells the truth: the layout box, the View › Layout menu, the page label and the
tour status follow what is on screen whatever put it there — the command line, a saved view,
a tour, the last session (kiosk restore) or the operator. A real wall window under Xvfb."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.support.catalogs import catalog_yaml
from viewer.app import initial_view
from viewer.core.views import WallView
from viewer.options import WallOptions

TOUR = """tours:
  - id: ab
    name: A and B
    dwell_s: 30
    steps: [da, db]
"""


def _wall(make_wall, colour_streams):
    a = [(f"a-{n}", colour_streams(n)) for n in ("red", "green", "blue")]
    b = [(f"b-{n}", colour_streams(n)) for n in ("yellow", "magenta")]
    return make_wall(catalog_yaml({"da": a, "db": b}, TOUR))


def _args(**values) -> WallOptions:
    return WallOptions(**values)


def _checked_layout(window) -> list[str]:
    return [spec for spec, action in window.layout_actions.items() if action.isChecked()]


def test_command_line_layout_shows_in_the_layout_box(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    initial_view(window, window.services, _args(layout="1x2"))
    assert window.controller.view.layout_spec == "1x2"
    assert window.layout_box.currentText() == "1x2"  # not in the menu's list: it joins the box
    assert _checked_layout(window) == []
    assert "District DA · page 1/2" in window.page_label.text()
    qtbot.keyClick(window, Qt.Key.Key_3)  # the operator picks 3x3 afterwards
    assert window.layout_box.currentText() == "3x3" and _checked_layout(window) == ["3x3"]


def test_saved_view_and_last_session_set_the_controls(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    window.services.views.save("gate", WallView("1+5", ("a-red", "b-yellow")))
    initial_view(window, window.services, _args(view="gate"))
    assert window.layout_box.currentText() == "1+5" and _checked_layout(window) == ["1+5"]
    assert "gate" in window.page_label.text()

    # the kiosk restarts: the last session comes back with its layout
    window.services.views.set_last_session(WallView("2x1", ("b-magenta",)), window.window_key)
    initial_view(window, window.services, _args())
    assert window.controller.view.cameras[0] == "b-magenta"
    assert window.layout_box.currentText() == "2x1"
    assert "custom view" in window.page_label.text()


def test_tour_status_follows_the_tour_and_operator_pauses(qtbot, make_wall, colour_streams):
    window = _wall(make_wall, colour_streams)
    initial_view(window, window.services, _args(tour="ab", layout="1x2"))
    assert window.layout_box.currentText() == "1x2"
    assert "Tour A and B: 1/2 District DA · page 1/2" in window.tour_label.text()
    assert "District DA · page 1/2" in window.page_label.text()

    qtbot.keyClick(window, Qt.Key.Key_PageDown)  # the operator pages: the tour pauses, the label says so
    assert "District DA · page 2/2" in window.page_label.text()
    assert "paused, resumes in" in window.tour_label.text()

    window.services.views.save("mine", WallView("2x2", ("b-yellow",)))
    window.tour.toggle_pause()  # resume, then a saved view: paused again
    assert "paused" not in window.tour_label.text()
    assert window.open_view("mine")
    assert "paused, resumes in" in window.tour_label.text()
    assert window.layout_box.currentText() == "2x2"
    window.tour.stop()
    assert window.tour_label.text() == ""
