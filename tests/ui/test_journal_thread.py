"""The wall never touches its journal on the Qt main thread: every Journal method the wall
runs — an outage opened, refined, acknowledged and closed, tile coverage, stream minutes,
events, the flagged feeds' export — runs on ``journal-writer`` (viewer.jobs.journal_worker).
Each write is an fsync (``synchronous=FULL``): measured before, 37-118 ms of the main
thread per 16-tile page-up."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from viewer.core.journal import Journal
from viewer.sim.cameras import Behaviour, SimCamera

WAIT_MS = 30_000


@pytest.fixture
def journal_calls(monkeypatch):
    """(thread name, Journal method) -> calls, for every public method and the constructor."""
    calls: Counter = Counter()
    names = [n for n, v in vars(Journal).items() if callable(v) and (not n.startswith("_") or n == "__init__")]
    for name in names:
        original = getattr(Journal, name)

        def spy(self, *args, _original=original, _name=name, **kwargs):
            calls[(threading.current_thread().name, _name)] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Journal, name, spy)
    return calls


def test_the_wall_writes_its_journal_on_its_own_thread(qtbot, make_wall, simulator, colour_streams, clips,
                                                       journal_calls, tmp_path):  # fmt: skip
    down = simulator.add_http(SimCamera("/down", Behaviour.REFUSED, clip=clips["green"], own_port=True))
    window = make_wall(catalog_yaml({"d1": [("ok-cam", colour_streams("red")), ("bad-cam", down)],
                                     "d2": [("other", colour_streams("blue"))]}))  # fmt: skip
    window.controller.show_district("d1", 0, "1x2")
    journal = reading(window.services.journal)
    qtbot.waitUntil(lambda: journal.query(open_only=True) != [], timeout=WAIT_MS)
    assert window.services.outages.acknowledge("bad-cam", "ticket 1") is not None
    window.controller.show_district("d2", 0, "1x1")  # coverage ends, a new one starts
    with qtbot.waitSignal(window.flag_panel.export_finished, timeout=WAIT_MS):
        window.flag_panel.export_csv(tmp_path / "outages.csv")
    window.services.streams.sample()  # hands over the stream minutes
    simulator.set_behaviour(down, Behaviour.HEALTHY)
    window.controller.show_district("d1", 0, "1x2")
    qtbot.waitUntil(lambda: journal.query(open_only=True) == [], timeout=WAIT_MS)  # recovered: closed

    used = {name for (_thread, name) in journal_calls}
    assert {"__init__", "open_outage", "acknowledge", "close_outage", "watch_each", "unwatch", "query"} <= used
    threads = {thread for (thread, _name) in journal_calls}
    assert threads == {"journal-writer"}, journal_calls
