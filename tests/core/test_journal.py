"""The outage journal against a real SQLite file (tmp_path), including a SIGKILLed writer."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from viewer.core.journal import SCHEMA_VERSION, Journal, JournalError, Outage, read_outages
from viewer.core.reasons import Reason

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def journal(tmp_path: Path):
    j = Journal(tmp_path / "data" / "journal.sqlite3")
    yield j
    j.close()


def test_schema_version_and_wal(journal: Journal) -> None:
    db = sqlite3.connect(journal.path)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        db.close()


def test_outage_survives_sigkill_of_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "journal.sqlite3"
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from viewer.core.journal import Journal
        from viewer.core.reasons import Reason
        j = Journal(Path({str(path)!r}))
        j.record_event("start", "pid %d" % os.getpid(), 1000.0)
        j.open_outage("cam-7", "Market St", "d-north", Reason.REFUSED, 1234.5, detail="refused")
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()

    (outage,) = read_outages(path, open_only=True)
    assert (outage.camera_id, outage.reason, outage.started_at, outage.ended_at) == (
        "cam-7",
        Reason.REFUSED,
        1234.5,
        None,
    )
    # the next run resumes that outage instead of opening a duplicate
    j = Journal(path)
    try:
        assert j.open_outage("cam-7", "Market St", "d-north", Reason.TIMEOUT, 2000.0) == outage.id
        assert j.events()[0][0] == "start"
        j.close_outage(outage.id, 2100.0)
        assert j.query(open_only=True) == []
        assert j.open_outage("cam-7", "Market St", "d-north", Reason.TIMEOUT, 3000.0) != outage.id
    finally:
        j.close()


def test_open_update_close_roundtrip(journal: Journal) -> None:
    oid = journal.open_outage("c1", "Cam 1", "d1", Reason.ERROR, 100.0, detail="libVLC error")
    assert journal.open_outage_for("c1") == oid
    assert journal.open_outage_for("c2") is None
    journal.update_reason(oid, Reason.AUTH, "HTTP 401")
    journal.close_outage(oid, 160.0)
    journal.close_outage(oid, 999.0)  # already closed: unchanged
    (outage,) = journal.query()
    assert outage == Outage(oid, "c1", "Cam 1", "d1", Reason.AUTH, "HTTP 401", 100.0, 160.0, "wall")
    assert outage.duration_s() == 60.0 and not outage.is_open
    assert journal.open_outage_for("c1") is None


def test_open_outage_duration_needs_now(journal: Journal) -> None:
    journal.open_outage("c1", "Cam 1", "d1", Reason.STALLED, 100.0, source="sweep")
    (outage,) = journal.query()
    assert outage.is_open and outage.source == "sweep"
    assert outage.duration_s() is None
    assert outage.duration_s(now=145.0) == 45.0


def test_query_filters_and_order(journal: Journal) -> None:
    a = journal.open_outage("a", "A", "north", Reason.REFUSED, 100.0)
    journal.close_outage(a, 200.0)
    b = journal.open_outage("b", "B", "south", Reason.TIMEOUT, 300.0)
    journal.close_outage(b, 400.0)
    c = journal.open_outage("c", "C", "north", Reason.AUTH, 500.0)  # still open
    d = journal.open_outage("d", "D", "north", Reason.ENDED, 50.0)  # open since long ago

    assert [o.id for o in journal.query()] == [c, b, a, d]  # newest first
    assert [o.id for o in journal.query(district="north")] == [c, a, d]
    assert [o.id for o in journal.query(open_only=True)] == [c, d]
    # since: outages going on at or after that time (started, ended or still open after it)
    assert [o.id for o in journal.query(since=350.0)] == [c, b, d]
    assert [o.id for o in journal.query(since=450.0)] == [c, d]
    assert [o.id for o in journal.query(district="south", since=450.0)] == []
    assert [o.id for o in journal.query(district="north", since=150.0, open_only=True)] == [c, d]


def test_reader_sees_writes_while_the_writer_is_open(journal: Journal) -> None:
    assert read_outages(journal.path) == []
    oid = journal.open_outage("c1", "Cam 1", "d1", Reason.REFUSED, 100.0)
    assert [o.id for o in read_outages(journal.path)] == [oid]
    journal.close_outage(oid, 110.0)
    assert read_outages(journal.path, open_only=True) == []


def test_passwords_never_reach_the_file(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    secret = "Hunter2secret"
    oid = journal.open_outage("c1", "Cam 1", "d1", Reason.AUTH, 1.0, detail=f"rtsp://op:{secret}@10.0.0.5/live")
    journal.update_reason(oid, Reason.AUTH, f"401 for http://op:{secret}@10.0.0.5/x?password={secret}")
    journal.record_event("start", f"catalog rtsp://op:{secret}@h/", 1.0)
    journal.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert secret.encode() not in raw
    assert "op:***@10.0.0.5" in read_outages(journal.path)[0].detail


def test_record_event(journal: Journal) -> None:
    journal.record_event("start", "videowall 0.1.0", 10.0)
    journal.record_event("exit", "", 20.0)
    assert journal.events() == [("start", "videowall 0.1.0", 10.0), ("exit", "", 20.0)]


def test_reader_errors(tmp_path: Path) -> None:
    with pytest.raises(JournalError, match="no journal"):
        read_outages(tmp_path / "missing.sqlite3")
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(JournalError):
        read_outages(junk)
    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    with pytest.raises(JournalError, match="not a videowall journal"):
        read_outages(empty)


def test_newer_schema_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(JournalError, match="newer"):
        Journal(path)
    with pytest.raises(JournalError, match="newer"):
        read_outages(path)


def test_prune_deletes_only_ended_outages_and_events_older_than_the_cutoff(journal: Journal) -> None:
    old_closed = journal.open_outage("c1", "Cam 1", "d1", Reason.REFUSED, started_at=100.0)
    journal.close_outage(old_closed, 200.0)
    recent_closed = journal.open_outage("c2", "Cam 2", "d1", Reason.REFUSED, started_at=100.0)
    journal.close_outage(recent_closed, 900.0)
    still_open = journal.open_outage("c3", "Cam 3", "d1", Reason.STALLED, started_at=50.0)  # down for ages
    journal.record_event("start", "old", 150.0)
    journal.record_event("start", "new", 950.0)
    assert journal.prune(before=500.0) == (1, 1)
    assert {o.id for o in journal.query()} == {recent_closed, still_open}
    assert [e[1] for e in journal.events()] == ["new"]
    assert journal.prune(before=500.0) == (0, 0)
