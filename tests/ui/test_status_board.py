"""The status board widget: summaries in -> box texts and colours; a click emits the district id."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from viewer.core.reasons import Reason
from viewer.core.sweep_report import DistrictSummary
from viewer.ui.status_board import BOX_MIN_WIDTH_PX, HEALTH_COLOURS, StatusBoard

GREEN, AMBER, RED, GREY = (QColor(HEALTH_COLOURS[h][0]) for h in ("ok", "degraded", "down", "unknown"))

SUMMARIES = [
    DistrictSummary("smg-tengah", "Semarang Tengah", 12, 14, {Reason.REFUSED: 1, Reason.AUTH: 1}),
    DistrictSummary("smg-utara", "Semarang Utara", 9, 9, {}),
    DistrictSummary("smg-barat", "Semarang Barat", 1, 5, {Reason.TIMEOUT: 3, Reason.NOT_FOUND: 1}),
    DistrictSummary("smg-timur", "Semarang Timur", 0, 7, {}, checked=0),
    DistrictSummary("pedurungan", "Pedurungan", 0, 3, {Reason.UNREACHABLE: 3}),
]


@pytest.fixture
def board(qtbot):
    widget = StatusBoard()
    qtbot.addWidget(widget)
    widget.resize(4 * BOX_MIN_WIDTH_PX + 40, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.update_summaries(SUMMARIES)
    return widget


def painted_colour(qtbot, box) -> QColor:
    """The colour actually painted near the box's top-left corner (inside the rounded border)."""
    qtbot.waitUntil(lambda: box.isVisible() and box.width() > 0)
    image = box.grab().toImage()
    return image.pixelColor(12, image.height() // 2)


def close(a: QColor, b: QColor, tolerance: int = 8) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a.getRgb()[:3], b.getRgb()[:3], strict=True))


def test_box_texts(board):
    assert board.box("smg-tengah").text() == "Semarang Tengah\n12 / 14 online\nrefused 1 · auth 1"
    assert board.box("smg-utara").text() == "Semarang Utara\n9 / 9 online\nall online"
    assert board.box("smg-barat").text() == "Semarang Barat\n1 / 5 online\ntimeout 3 · not found 1"
    assert board.box("smg-timur").text() == "Semarang Timur\n– / 7 online\nnot checked yet"
    assert board.box("pedurungan").text() == "Pedurungan\n0 / 3 online\nunreachable 3"


def test_box_colours_follow_health(board, qtbot):
    expected = {"smg-tengah": AMBER, "smg-utara": GREEN, "smg-barat": RED, "smg-timur": GREY, "pedurungan": RED}
    for district_id, colour in expected.items():
        painted = painted_colour(qtbot, board.box(district_id))
        assert close(painted, colour), (district_id, painted.name(), colour.name())


def test_update_changes_colour_and_removes_vanished_districts(board, qtbot):
    board.update_summaries([DistrictSummary("smg-tengah", "Semarang Tengah", 14, 14, {})])
    assert board.box("smg-tengah").text().endswith("14 / 14 online\nall online")
    assert close(painted_colour(qtbot, board.box("smg-tengah")), GREEN)
    with pytest.raises(KeyError):
        board.box("smg-utara")
    board.update_summaries([])
    assert board.empty_label.isVisible()


def test_click_emits_the_district_id(board, qtbot):
    box = board.box("smg-barat")
    with qtbot.waitSignal(board.district_clicked, timeout=2000) as blocker:
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert blocker.args == ["smg-barat"]


def test_grid_is_responsive(board, qtbot):
    assert board.columns == 4
    positions = [board.box(s.district_id).pos() for s in SUMMARIES]
    assert len({p.y() for p in positions[:4]}) == 1 and positions[4].y() > positions[0].y()  # 4 per row
    board.resize(BOX_MIN_WIDTH_PX + 50, 700)
    qtbot.waitUntil(lambda: board.columns == 1)
    qtbot.waitUntil(lambda: board.box("smg-utara").pos().y() > board.box("smg-tengah").pos().y())
    assert board.box("smg-utara").pos().x() == board.box("smg-tengah").pos().x()


def test_text_is_big_enough_for_a_control_room(board):
    assert board.box("smg-tengah").label.font().pointSize() >= 14
