"""Journal schema 2 against real SQLite files: migration of a schema-1 file, coverage
intervals, acknowledgements, notes, and the rows handed to the network evaluation
(``Journal.evaluation_input`` and the read-only ``read_evaluation_input``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from viewer.core.evaluation_model import CoverageRow, OutageRow
from viewer.core.journal import SCHEMA_VERSION, Journal, JournalError, read_evaluation_input, read_outages
from viewer.core.journal_schema import _SCHEMA_V1
from viewer.core.reasons import Reason

T0 = 1_800_000_000.0  # a fixed UTC epoch; tests pass every time in


@pytest.fixture
def journal(tmp_path: Path):
    j = Journal(tmp_path / "journal.sqlite3", now=T0 - 1000)
    yield j
    j.close()


def write_v1_journal(path: Path) -> None:
    """A journal exactly as videowall with schema 1 wrote it: one closed, one open outage."""
    db = sqlite3.connect(path)
    db.executescript(f"BEGIN; {_SCHEMA_V1} PRAGMA user_version = 1; COMMIT;")
    db.execute(
        "INSERT INTO outages (camera_id, camera_name, district, reason, detail, started_at, ended_at, source)"
        " VALUES ('cam-1', 'Jl. Pemuda', 'Tengah', 'refused', 'connection refused', ?, ?, 'wall')",
        (T0, T0 + 60),
    )
    db.execute(
        "INSERT INTO outages (camera_id, camera_name, district, reason, detail, started_at, source)"
        " VALUES ('cam-2', 'Simpang Lima', 'Tengah', 'stalled', '', ?, 'sweep')",
        (T0 + 30,),
    )
    db.execute("INSERT INTO events (kind, detail, at) VALUES ('start', 'videowall 0.9', ?)", (T0 - 5,))
    db.commit()
    db.close()


def test_schema_1_file_is_readable_and_migrates_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    write_v1_journal(path)

    # read-only readers cope with the old schema: no acknowledgements, no coverage
    before = read_outages(path)
    assert [(o.camera_id, o.acknowledged_at, o.ack_note) for o in before] == [("cam-2", None, ""), ("cam-1", None, "")]
    old_input = read_evaluation_input(path, T0, T0 + 3600, now=T0 + 3600)
    assert old_input.coverage == () and old_input.coverage_since is None
    assert [o.camera_id for o in old_input.outages] == ["cam-1", "cam-2"]

    journal = Journal(path, now=T0 + 100)
    try:
        db = sqlite3.connect(path)
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        db.close()
        assert journal.events() == [("start", "videowall 0.9", T0 - 5)]
        after = journal.query()
        assert [(o.camera_id, o.reason, o.started_at, o.ended_at, o.source) for o in after] == [
            ("cam-2", Reason.STALLED, T0 + 30, None, "sweep"),
            ("cam-1", Reason.REFUSED, T0, T0 + 60, "wall"),
        ]
        assert journal.acknowledge(after[0].id, T0 + 120, "budi", "ticket 42")
        assert journal.evaluation_input(T0, T0 + 3600, now=T0 + 3600).coverage_since == T0 + 100
    finally:
        journal.close()
    # a second open does not migrate again
    again = Journal(path, now=T0 + 999)
    again.close()
    assert read_evaluation_input(path, T0, T0 + 1, now=T0 + 1).coverage_since == T0 + 100


def test_a_journal_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(JournalError, match="newer"):
        Journal(path)
    with pytest.raises(JournalError, match="newer"):
        read_evaluation_input(path, T0, T0 + 1, now=T0)


def test_acknowledgement_is_recorded_only_on_an_open_outage(journal: Journal) -> None:
    oid = journal.open_outage("cam-1", "Jl. Pemuda", "Tengah", Reason.REFUSED, T0)
    assert journal.acknowledge(oid, T0 + 90, "budi", "rtsp://admin:secret@10.0.0.9/ ticket 7")
    outage = journal.outage(oid)
    assert (outage.acknowledged_at, outage.acknowledged_by) == (T0 + 90, "budi")
    assert "secret" not in outage.ack_note and "ticket 7" in outage.ack_note
    journal.close_outage(oid, T0 + 300)
    assert not journal.acknowledge(oid, T0 + 400, "sari")
    assert journal.outage(oid).acknowledged_by == "budi"


def test_coverage_intervals_extend_break_on_gaps_and_merge_across_sources(journal: Journal) -> None:
    # the sweep confirms every 60 s (gap allowed 180 s); a tile watches cam-1 for a while
    for t in (0, 60, 120):
        journal.watch(["cam-1", "cam-2"], "sweep", T0 + t, max_gap_s=180)
    journal.watch(["cam-1"], "wall", T0 + 100, max_gap_s=90)
    journal.watch(["cam-1"], "wall", T0 + 190, max_gap_s=90)
    journal.unwatch(["cam-1"], "wall", T0 + 250)
    # the sweep pauses 400 s (longer than its gap): that time is not covered
    journal.watch(["cam-1", "cam-2"], "sweep", T0 + 520, max_gap_s=180)
    journal.watch(["cam-1", "cam-2"], "sweep", T0 + 580, max_gap_s=180)
    assert journal.watching("sweep") == {"cam-1", "cam-2"} and journal.watching("wall") == set()

    rows = journal.evaluation_input(T0, T0 + 600, now=T0 + 600).coverage
    assert rows == (
        CoverageRow("cam-1", T0, T0 + 250),  # sweep 0..120 merged with the tile 100..250
        CoverageRow("cam-1", T0 + 520, None),  # still watched
        CoverageRow("cam-2", T0, T0 + 120),
        CoverageRow("cam-2", T0 + 520, None),
    )
    # only some cameras
    assert {r.camera_id for r in journal.evaluation_input(T0, T0 + 600, {"cam-2"}, now=T0 + 600).coverage} == {"cam-2"}
    # the app exits: the open intervals end then
    assert journal.end_coverage(("wall", "sweep"), T0 + 600) == 2
    assert journal.evaluation_input(T0, T0 + 700, now=T0 + 700).coverage[1] == CoverageRow("cam-1", T0 + 520, T0 + 600)


def test_coverage_left_open_by_a_dead_process_ends_at_its_last_confirmation(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    writer = Journal(path, now=T0)
    writer.watch(["cam-1"], "wall", T0 + 10, max_gap_s=90)
    writer.watch(["cam-1"], "wall", T0 + 70, max_gap_s=90)
    # the writer is still alive (confirmed 30 s ago): a live reader sees it as still watched
    assert read_evaluation_input(path, T0, T0 + 100, now=T0 + 100).coverage == (CoverageRow("cam-1", T0 + 10, None),)
    # no confirmation for longer than its gap: it died at T0 + 70 as far as anyone knows
    assert read_evaluation_input(path, T0, T0 + 500, now=T0 + 500).coverage == (CoverageRow("cam-1", T0 + 10, T0 + 70),)
    writer.close()  # killed, in effect: nothing ended the interval
    restarted = Journal(path, now=T0 + 900)
    try:
        assert restarted.close_abandoned_coverage(("wall", "sweep")) == 1
        restarted.watch(["cam-1"], "wall", T0 + 900, max_gap_s=90)
        assert restarted.evaluation_input(T0, T0 + 950, now=T0 + 950).coverage == (
            CoverageRow("cam-1", T0 + 10, T0 + 70),
            CoverageRow("cam-1", T0 + 900, None),
        )
    finally:
        restarted.close()


def test_evaluation_input_outages_overlapping_the_period_unclipped(journal: Journal) -> None:
    before = journal.open_outage("cam-1", "A", "Tengah", Reason.REFUSED, T0 - 500)
    journal.close_outage(before, T0 - 100)  # ended before the period: left out
    spanning = journal.open_outage("cam-1", "A", "Tengah", Reason.STALLED, T0 - 50, source="sweep")
    journal.close_outage(spanning, T0 + 50)  # started before: comes whole
    journal.acknowledge(ongoing := journal.open_outage("cam-2", "B", "Barat", Reason.AUTH, T0 + 100), T0 + 130, "sari")
    after = journal.open_outage("cam-3", "C", "Barat", Reason.NOT_FOUND, T0 + 3600)  # after the period
    assert after

    got = journal.evaluation_input(T0, T0 + 3600, now=T0 + 4000)
    assert (got.since, got.until, got.generated_at) == (T0, T0 + 3600, T0 + 4000)
    assert got.outages == (
        OutageRow(spanning, "cam-1", "stalled", T0 - 50, T0 + 50, "sweep"),
        OutageRow(ongoing, "cam-2", "auth", T0 + 100, None, "wall", acknowledged_at=T0 + 130, acknowledged_by="sari"),
    )
    assert [o.camera_id for o in journal.evaluation_input(T0, T0 + 3600, {"cam-2"}, now=T0).outages] == ["cam-2"]
    with pytest.raises(ValueError):
        journal.evaluation_input(T0 + 10, T0)


def test_read_evaluation_input_while_the_writer_is_open(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    writer = Journal(path, now=T0)
    try:
        oid = writer.open_outage("cam-1", "A", "Tengah", Reason.REFUSED, T0 + 5)
        writer.watch(["cam-1"], "sweep", T0, max_gap_s=180)
        got = read_evaluation_input(path, T0, T0 + 60, now=T0 + 60)
        assert [o.id for o in got.outages] == [oid]
        assert got.coverage == (CoverageRow("cam-1", T0, None),)
    finally:
        writer.close()
    with pytest.raises(JournalError, match="no journal"):
        read_evaluation_input(tmp_path / "missing.sqlite3", T0, T0 + 1, now=T0)


def test_notes_and_pruning_keep_open_rows_and_the_schema_mark(journal: Journal) -> None:
    journal.add_note("cam-1", "contradiction", "sweep", "probe refused while the wall shows pictures", T0)
    journal.watch(["cam-1"], "sweep", T0, max_gap_s=180)
    journal.watch(["cam-2"], "sweep", T0, max_gap_s=180)
    journal.unwatch(["cam-2"], "sweep", T0 + 10)
    journal.prune(T0 + 1000)
    assert journal.notes() == []
    assert journal.watching() == {"cam-1"}
    assert journal.evaluation_input(T0, T0 + 1, now=T0 + 1).coverage_since == T0 - 1000
