"""The wall's journal thread (viewer.jobs.journal_worker): work runs on ``journal-writer``, in
the order submitted; submitting never waits for the disk; a failing write is logged and the
next one still runs; closing writes what was queued; an unusable file fails at once."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from viewer.core.journal import Journal, JournalError
from viewer.core.journal_port import DirectJournalPort, as_port
from viewer.core.reasons import Reason
from viewer.jobs.journal_worker import JournalWorker

#: A submit must return at once even while the journal's thread is busy (seconds).
SUBMIT_RETURNS_WITHIN_S = 0.05


@pytest.fixture
def worker(tmp_path):
    port = JournalWorker(tmp_path / "journal.sqlite3")
    yield port
    port.close()


def test_work_runs_on_the_journal_thread_in_order(worker):
    threads: list[str] = []
    for n in range(20):
        worker.submit(lambda j, n=n: (threads.append(threading.current_thread().name), j.record_event("e", str(n), n)))
    events = worker.call(lambda j: j.events())
    assert [detail for _kind, detail, _at in events] == [str(n) for n in range(20)]
    assert set(threads) == {"journal-writer"}
    assert threading.current_thread().name not in threads


def test_submit_does_not_wait_for_a_busy_disk(worker):
    release = threading.Event()
    worker.submit(lambda j: release.wait(10), what="a write stuck on the disk")
    started = time.monotonic()
    worker.submit(lambda j: j.record_event("after", "", 1.0))
    took_s = time.monotonic() - started
    release.set()
    assert took_s < SUBMIT_RETURNS_WITHIN_S
    assert [k for k, _d, _a in worker.call(lambda j: j.events())] == ["after"]


def test_a_failing_write_is_logged_and_the_next_one_runs(worker, caplog):
    caplog.set_level(logging.ERROR, logger="viewer.jobs.journal_worker")
    worker.submit(lambda j: j.close_outage("not an id", 1.0) or 1 / 0, what="a broken write")
    done = []
    worker.submit(lambda j: j.open_outage("cam", "Cam", "d", Reason.REFUSED, 5.0), done.append)
    [outage] = worker.call(lambda j: j.query(open_only=True))
    assert outage.camera_id == "cam" and done == [outage.id]
    assert "a broken write failed" in caplog.text


def test_call_raises_what_the_work_raised_and_runs_inline_from_on_done(worker):
    with pytest.raises(ZeroDivisionError):
        worker.call(lambda j: 1 / 0)
    inner = []
    worker.submit(lambda j: 7, lambda result: inner.append((result, worker.call(lambda j: len(j.events())))))
    worker.call(lambda j: None)  # everything before it has run
    assert inner == [(7, 0)]


def test_close_writes_what_is_queued_then_refuses_work(tmp_path, caplog):
    path = tmp_path / "journal.sqlite3"
    worker = JournalWorker(path)
    for n in range(50):
        worker.submit(lambda j, n=n: j.record_event("queued", str(n), float(n)))
    assert worker.close()
    assert not any(t.name == "journal-writer" and t.is_alive() for t in threading.enumerate())
    caplog.set_level(logging.WARNING, logger="viewer.jobs.journal_worker")
    worker.submit(lambda j: j.record_event("late", "", 99.0), what="a late event")
    assert "journal closed: a late event not written" in caplog.text
    with pytest.raises(RuntimeError):
        worker.call(lambda j: None)
    reopened = Journal(path)
    try:
        assert [d for k, d, _a in reopened.events() if k == "queued"] == [str(n) for n in range(50)]
        assert "late" not in {k for k, _d, _a in reopened.events()}
    finally:
        reopened.close()


def test_an_unusable_file_fails_when_opened(tmp_path):
    path = tmp_path / "journal.sqlite3"
    path.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(JournalError, match="not a usable journal"):
        JournalWorker(path)


def test_a_journal_is_its_own_direct_port(tmp_path, caplog):
    journal = Journal(tmp_path / "journal.sqlite3")
    port = as_port(journal)
    assert isinstance(port, DirectJournalPort) and as_port(port) is port
    results = []
    port.submit(lambda j: j.open_outage("cam", "Cam", "d", Reason.REFUSED, 5.0), results.append)
    assert results == [journal.open_outage_for("cam")]  # ran at once, on this thread
    caplog.set_level(logging.ERROR, logger="viewer.core.journal_port")
    port.submit(lambda j: 1 / 0, what="a broken write")
    assert "a broken write failed" in caplog.text
    port.close()
