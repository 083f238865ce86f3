"""``videowall report`` against a real journal file, in a fixed local time zone (UTC+7)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from viewer.cli import report as cli_report
from viewer.core.journal import Journal
from viewer.core.reasons import Reason
from viewer.core.report import human_duration, render_table

HEADER = (
    "camera_id,camera_name,district,reason,started_at,ended_at,duration_s,"
    "source,acknowledged_at,acknowledged_by,ack_note"
)
PLUS7 = timezone(timedelta(hours=7))
#: Local time = UTC+7 for every test here (tests.support.timezone).
pytestmark = pytest.mark.usefixtures("local_tz")


def epoch(*args: int) -> float:
    """A wall-clock time in UTC+7 as epoch seconds."""
    return datetime(*args, tzinfo=PLUS7).timestamp()


@pytest.fixture
def journal_path(tmp_path: Path) -> Path:
    path = tmp_path / "journal.sqlite3"
    j = Journal(path)
    closed = j.open_outage("cam-1", "Market St, east", "north", Reason.REFUSED, epoch(2025, 11, 27, 9, 0, 0))
    j.close_outage(closed, epoch(2025, 11, 27, 10, 2, 30))
    harbour = j.open_outage("cam-2", "Harbour", "south", Reason.AUTH, epoch(2025, 11, 28, 14, 3, 7))
    j.acknowledge(harbour, epoch(2025, 11, 28, 14, 10, 0), "budi", "ticket 42")
    j.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_report.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_header_and_open_outage(capsys, journal_path: Path) -> None:
    before = time.time()
    code, out, err = run(capsys, "--journal", str(journal_path), "--format", "csv")
    after = time.time()
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["camera_id"] for r in rows] == ["cam-2", "cam-1"]  # newest first
    open_row, closed_row = rows
    assert open_row["started_at"] == "2025-11-28T14:03:07+07:00"
    assert open_row["ended_at"] == ""
    start = epoch(2025, 11, 28, 14, 3, 7)
    assert round(before - start) <= int(open_row["duration_s"]) <= round(after - start)
    assert closed_row["camera_name"] == "Market St, east"  # quoted comma survives
    assert closed_row["ended_at"] == "2025-11-27T10:02:30+07:00"
    assert closed_row["duration_s"] == str(62 * 60 + 30)


def test_since_filters_by_local_date_and_datetime(capsys, journal_path: Path) -> None:
    code, out, _ = run(capsys, "--journal", str(journal_path), "--format", "csv", "--since", "2025-11-28")
    assert code == 0
    assert [r["camera_id"] for r in csv.DictReader(io.StringIO(out))] == ["cam-2"]
    # naive datetime = local time: 10:02 local is before cam-1 ended (10:02:30)
    since = "2025-11-27T10:02"
    code, out, _ = run(capsys, "--journal", str(journal_path), "--format", "csv", "--since", since)
    assert [r["camera_id"] for r in csv.DictReader(io.StringIO(out))] == ["cam-2", "cam-1"]
    code, out, _ = run(
        capsys, "--journal", str(journal_path), "--format", "csv", "--since", "2025-11-27T03:03:00Z"
    )
    assert [r["camera_id"] for r in csv.DictReader(io.StringIO(out))] == ["cam-2"]


def test_district_and_open_filters(capsys, journal_path: Path) -> None:
    _, out, _ = run(capsys, "--journal", str(journal_path), "--format", "csv", "--district", "north")
    assert [r["camera_id"] for r in csv.DictReader(io.StringIO(out))] == ["cam-1"]
    _, out, _ = run(capsys, "--journal", str(journal_path), "--format", "csv", "--open")
    assert [r["camera_id"] for r in csv.DictReader(io.StringIO(out))] == ["cam-2"]


def test_json_has_the_same_keys(capsys, journal_path: Path) -> None:
    code, out, _ = run(capsys, "--journal", str(journal_path), "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [list(r) for r in records] == [HEADER.split(",")] * 2
    assert records[0]["ended_at"] is None and isinstance(records[0]["duration_s"], int)
    assert records[1]["reason"] == "refused"
    assert (records[0]["acknowledged_at"], records[0]["acknowledged_by"], records[0]["ack_note"]) == (
        "2025-11-28T14:10:00+07:00", "budi", "ticket 42"
    )
    assert records[1]["acknowledged_at"] is None and records[1]["source"] == "wall"


def test_table_is_aligned_with_human_durations(capsys, journal_path: Path) -> None:
    code, out, _ = run(capsys, "--journal", str(journal_path))
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["CAMERA", "NAME", "DISTRICT", "REASON", "STARTED", "ENDED", "DURATION", "ACKNOWLEDGED"]
    assert "1h 02m" in rows[1] and "ongoing" in rows[0]
    assert rows[0].endswith("budi 2025-11-28 14:10:00 (ticket 42)")
    assert rows[0].index("budi") == header.index("ACKNOWLEDGED")
    assert header.index("DISTRICT") == rows[0].index("south") == rows[1].index("north")
    assert render_table([], 0.0) == "no outages\n"


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (45, "45s"), (185, "3m 05s"), (3720, "1h 02m"), (183_600, "2d 03h")]
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_empty_journal_exits_0(capsys, tmp_path: Path) -> None:
    Journal(tmp_path / "j.sqlite3").close()
    code, out, _ = run(capsys, "--journal", str(tmp_path / "j.sqlite3"), "--format", "csv")
    assert code == 0 and out == HEADER + "\n"


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", "28/11/2026", "2025-11-28T25:00"])
def test_bad_date_exits_2_with_one_line(capsys, journal_path: Path, bad: str) -> None:
    code, out, err = run(capsys, "--journal", str(journal_path), "--since", bad)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "--since" in err


def test_missing_or_unreadable_journal_exits_2(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "--journal", str(tmp_path / "nope.sqlite3"))
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nope.sqlite3" in err
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("not sqlite\n" * 200)
    code, _, err = run(capsys, "--journal", str(junk))
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_register_adds_the_subcommand(capsys, journal_path: Path) -> None:
    parser = argparse.ArgumentParser(prog="videowall")
    cli_report.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["report", "--journal", str(journal_path), "--format", "csv", "--open"])
    assert args.func(args) == 0
    assert capsys.readouterr().out.splitlines()[0] == HEADER


def test_default_journal_comes_from_paths(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIDEOWALL_HOME", str(tmp_path))
    from viewer.paths import journal_path

    Journal(journal_path()).close()
    code, out, _ = run(capsys, "--format", "json")
    assert code == 0 and json.loads(out) == []
