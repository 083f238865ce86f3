"""Quality samples into a real journal: per-minute rows on the writer's thread, the retention
pruning (stream minutes older than the setting go, once a day), and a failing write that is
logged instead of stopping the caller."""

from __future__ import annotations

import pytest

from viewer.core.journal import Journal
from viewer.core.reasons import Reason
from viewer.core.sample_report import SampleResult
from viewer.core.sample_schedule import SampleTarget
from viewer.core.stream_figures import StreamMinute, StreamSample
from viewer.jobs.sample_journal import PRUNE_INTERVAL_S, SampleJournalWriter

T0 = 1_800_000_000.0  # a minute boundary (UTC epoch s)
TARGET = SampleTarget("cam", "sub", "rtsp://10.0.0.1/sub", "d", "10.0.0.1:554")


def result(at: float, frames: int = 125) -> SampleResult:
    sample = StreamSample("cam", "sub", "sample", at, 5.0, 400_000, frames, 3, 25.0, "h264", 640, 360, 0.3)
    return SampleResult(TARGET, Reason.OK, at + 5, sample)


@pytest.fixture
def journal(tmp_path):
    journal = Journal(tmp_path / "journal.sqlite3")
    yield journal
    journal.close()


def test_minutes_are_written_once_finished_and_flushed_at_the_end(journal):
    writer = SampleJournalWriter(journal, retention_days=0)
    failed = SampleResult(TARGET, Reason.REFUSED, T0 + 2, None, "refused")
    assert writer.take([result(T0 + 1), result(T0 + 20), failed], now=T0 + 30) == 0  # minute not over
    assert writer.take([], now=T0 + 75) == 1  # over (and its 10 s grace)
    (row,) = journal.stream_minutes(T0, T0 + 60)
    assert (row.source, row.frames, row.bytes, row.opens, row.seconds) == ("sample", 250, 800_000, 2, 10.0)
    writer.take([result(T0 + 70)], now=T0 + 80)
    assert writer.take([], now=T0 + 81, flush=True) == 1
    assert len(journal.stream_minutes(T0, T0 + 180)) == 2


def test_retention_prunes_old_stream_minutes_once_a_day(journal):
    old = StreamMinute("cam", "sub", "sample", T0 - 10 * 86400, 5.0, 1, 1)
    journal.add_stream_minutes([old])
    writer = SampleJournalWriter(journal, retention_days=7)
    writer.take([], now=T0)
    assert journal.stream_minutes(0, T0 + 60) == []
    journal.add_stream_minutes([old])
    writer.take([], now=T0 + PRUNE_INTERVAL_S - 1)  # not a day yet: kept
    assert len(journal.stream_minutes(0, T0 + 60)) == 1
    writer.take([], now=T0 + PRUNE_INTERVAL_S)
    assert journal.stream_minutes(0, T0 + 60) == []


def test_a_failing_write_is_logged_not_raised(journal, caplog):
    journal.close()  # every write now fails
    writer = SampleJournalWriter(journal, retention_days=7)
    assert writer.take([result(T0)], now=T0 + 120) == 1  # handed over ...
    assert writer.written == 0  # ... not written
    assert "journal: 1 sampled stream minutes failed" in caplog.text
