"""The wall's outage bookkeeping without Qt (viewer.core.wall_outages): tiles' sightings in,
journal outages and coverage out, on a clock the test moves (no sleeping, a real journal)."""

from __future__ import annotations

from viewer.core.health_model import Flag
from viewer.core.journal import Journal
from viewer.core.outage_rules import OutageRules, Status
from viewer.core.reasons import Reason
from viewer.core.wall_outages import TileSighting, WallOutages

T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


def sighting(status: Status, flag: Flag | None = None, source: str = "wall") -> TileSighting:
    return TileSighting("cam-1", "Gate", "north", source, status, flag)


def test_a_failing_tile_opens_an_outage_and_pictures_close_it_after_the_confirmation(tmp_path):
    clock = Clock()
    journal = Journal(tmp_path / "journal.sqlite3")
    book = WallOutages(journal, OutageRules(confirm_s=2.0), clock)
    flag = Flag(Reason.REFUSED, T0 - 5, "RTSP refused")
    book.report([("tile-a", sighting(Status.FAILING, flag))])
    assert journal.open_outage_for("cam-1") is not None
    assert book.known_flag("cam-1") == Flag(Reason.REFUSED, T0 - 5, "RTSP refused")
    assert "cam-1" in journal.watching("wall")
    clock.now = T0 + 1
    book.report([("tile-a", sighting(Status.HEALTHY))])
    clock.now = T0 + 4
    book.report([("tile-a", sighting(Status.HEALTHY))])
    assert journal.open_outage_for("cam-1") is None
    assert book.known_flag("cam-1") is None
    outage = journal.query()[0]
    assert (outage.started_at, outage.source, outage.district) == (T0 - 5, "wall", "north")
    journal.close()


def test_acknowledging_records_who_and_a_tile_that_goes_stops_watching(tmp_path):
    clock = Clock()
    journal = Journal(tmp_path / "journal.sqlite3")
    book = WallOutages(journal, OutageRules(confirm_s=2.0), clock)
    assert book.acknowledge("cam-1", "no outage yet") is None
    book.report([("tile-a", sighting(Status.FAILING, Flag(Reason.TIMEOUT, T0, "")))])
    clock.now = T0 + 10
    ack = book.acknowledge("cam-1", "  ticket 7 ", by="rina")
    assert (ack.at, ack.by, ack.note) == (T0 + 10, "rina", "ticket 7")
    assert book.acknowledgement("cam-1") == ack
    book.forget("tile-a")
    assert "cam-1" not in journal.watching("wall")
    book.report([("tile-b", sighting(Status.WATCHING, source="preroll"))])
    assert "cam-1" in journal.watching("preroll")
    book.close()
    assert journal.watching() == set()
    assert journal.open_outage_for("cam-1") is not None  # closing the wall leaves outages open
    journal.close()
