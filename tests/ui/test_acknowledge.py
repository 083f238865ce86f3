"""Acknowledging an outage ("reported to the technical team") on the real wall in kiosk mode:
from a flagged tile and from the flagged-feeds panel, with the inline editor (no dialog);
the tile caption, the panel and the journal show who and when; the feed stays flagged and
its outage open until the camera really recovers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMenu

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from viewer.core.reasons import Reason
from viewer.core.wall_outages import operator_name
from viewer.sim.cameras import Behaviour, SimCamera

WAIT_MS = 30_000


def _flagged_wall(make_wall, simulator, colour_streams, clips):
    down = simulator.add_http(SimCamera("/down", Behaviour.REFUSED, clip=clips["green"], own_port=True))
    window = make_wall(catalog_yaml({"d1": [("ok-cam", colour_streams("red")), ("bad-cam", down)]}))
    window.controller.show_district("d1", 0, "1x2")
    return window, down


def test_acknowledge_a_flagged_tile_inline_and_it_stays_flagged_until_it_recovers(
    qtbot, make_wall, simulator, colour_streams, clips
):
    window, down = _flagged_wall(make_wall, simulator, colour_streams, clips)
    assert window.services.kiosk  # no dialogs allowed
    journal = reading(window.services.journal)
    feed = window.controller.feed_at(1)
    qtbot.waitUntil(lambda: feed.flag is not None and journal.query(open_only=True) != [], timeout=WAIT_MS)

    window.enter_kiosk()  # fullscreen, no menus, no dialogs: the inline editor must still work
    qtbot.waitUntil(window.isFullScreen, timeout=WAIT_MS)
    tile = window.grid.tiles[window.controller.slots[1]]
    menu = tile.context_menu()
    assert menu.actions()[0].text() == "Acknowledge / reported to the technical team…"
    menu.actions()[0].trigger()  # the tile's right-click entry
    editor = window.ack_editor
    assert editor.isVisible() and editor.camera_id == "bad-cam"
    qtbot.keyClicks(editor.note, "tiket #4711")
    qtbot.keyClick(editor.note, Qt.Key.Key_Return)
    assert not editor.isVisible()

    [outage] = journal.query(open_only=True)
    assert (outage.acknowledged_by, outage.ack_note) == (operator_name(), "tiket #4711")
    assert outage.acknowledged_at >= outage.started_at
    assert f"reported by {operator_name()}" in tile.caption_text() and tile.state == "flagged"
    assert "tiket #4711" in tile.tooltip_text()
    panel = window.flag_panel
    panel.refresh()
    ack_column = panel.COLUMNS.index("Acknowledged")
    assert operator_name() in panel.table.item(0, ack_column).text()

    simulator.set_behaviour(down, Behaviour.HEALTHY)  # it really recovers
    qtbot.waitUntil(lambda: journal.query(open_only=True) == [], timeout=WAIT_MS)
    assert window.services.outages.acknowledgement("bad-cam") is None
    [closed] = journal.query()
    assert closed.acknowledged_by == operator_name() and closed.ended_at is not None


def test_acknowledge_from_the_flagged_feeds_panel_context_menu(qtbot, make_wall, simulator, colour_streams, clips):
    window, _down = _flagged_wall(make_wall, simulator, colour_streams, clips)
    journal = reading(window.services.journal)
    feed = window.controller.feed_at(1)
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason is Reason.REFUSED, timeout=WAIT_MS)
    panel = window.flag_panel
    panel.refresh()
    assert panel.table.rowCount() == 1
    rect = panel.table.visualItemRect(panel.table.item(0, 0))
    panel._context_menu(rect.center())
    menu = next(m for m in panel.findChildren(QMenu) if m.isVisible())
    menu.actions()[0].trigger()  # "Acknowledge / reported to the technical team…"
    menu.close()
    editor = window.ack_editor
    assert editor.isVisible() and editor.camera_id == "bad-cam"
    editor.ok.click()  # the preset: no note
    [outage] = journal.query(open_only=True)
    assert outage.acknowledged_by == operator_name() and outage.ack_note == ""
    assert feed.flag is not None  # acknowledged is not recovered

    # a tile that is not flagged has nothing to acknowledge (and its menu does not offer it)
    healthy_tile = window.grid.tiles[window.controller.slots[0]]
    assert all("Acknowledge" not in a.text() for a in healthy_tile.context_menu().actions())
    window.begin_acknowledge(0)
    assert not editor.isVisible()
