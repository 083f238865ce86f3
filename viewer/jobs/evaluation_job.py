"""The network evaluation window's background work: read the journal, evaluate, draw the
chart, write reports. Runs on a QThreadPool thread, never on the Qt main thread.

Signals (of :class:`JobSignals`, emitted from the pool thread; connect them to slots of
QObjects living on the main thread, so Qt queues them there):

- ``finished(int, object)``: the job's ``ticket`` and its result (an
  :class:`EvaluationResult`, or the path written for :class:`ReportJob`);
- ``failed(int, str)``: the ticket and a one-line reason (no traceback, no password).

Cancellation: a job cannot be interrupted mid-way (SQLite and matplotlib calls are short);
the window gives each job a ticket and ignores results of superseded tickets; queued jobs
can be dropped (:meth:`EvaluationJobs.cancel_queued`); :meth:`EvaluationJobs.shutdown`
joins the pool (the pool's destructor does too, when its owner goes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from viewer.core.catalog_model import Catalog
from viewer.core.evaluate import Scope, evaluate
from viewer.core.evaluate_model import Evaluation

log = logging.getLogger(__name__)

#: How long closing the window waits for a running job (ms); jobs take ~1-3 s at city scale.
SHUTDOWN_WAIT_MS = 15_000


@dataclass(frozen=True)
class EvaluationRequest:
    journal: Path
    catalog: Catalog
    since: float
    until: float
    now: float
    scope: Scope
    language: str  # "id" / "en": the chart's words


@dataclass(frozen=True)
class EvaluationResult:
    evaluation: Evaluation
    daily_chart_png: bytes  # the daily availability chart, PNG (matplotlib Agg)


class JobSignals(QObject):
    finished = Signal(int, object)
    failed = Signal(int, str)


class _Job(QRunnable):
    def __init__(self, ticket: int, work: Callable[[], object], signals: JobSignals) -> None:
        super().__init__()
        self.ticket = ticket
        self.work = work
        self.signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:  # pool thread
        try:
            result = self.work()
        except Exception as exc:  # reported, never raised into Qt
            log.exception("evaluation job %d failed", self.ticket)
            self.signals.failed.emit(self.ticket, _one_line(exc))
            return
        self.signals.finished.emit(self.ticket, result)


def run_evaluation(request: EvaluationRequest) -> EvaluationResult:
    """Read the journal (own read-only connection), evaluate, draw the daily chart."""
    from viewer.core.catalog import gc_paused
    from viewer.core.journal import read_evaluation_input
    from viewer.reports.charts import daily_chart_png
    from viewer.reports.strings import Words

    cameras = {c.id for c in request.scope.cameras(request.catalog)}
    with gc_paused():  # see viewer.core.evaluate.evaluate
        data = read_evaluation_input(request.journal, request.since, request.until, request.now, cameras)
    ev = evaluate(data, request.catalog, request.scope)
    return EvaluationResult(ev, daily_chart_png(ev, Words(request.language)))


def write_report(evaluation: Evaluation, path: Path, kind: str, language: str) -> Path:
    """Write the HTML report (``kind="html"``) or every table as CSV into the folder ``path``
    (``kind="csv"``); atomically, readable by others (reports are shared). Returns ``path``."""
    from viewer.core import evaluate_tables as tables
    from viewer.core.store import atomic_write_text

    if kind == "html":
        from viewer.reports.evaluation_html import render_html

        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, render_html(evaluation, language), mode=0o644)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name in tables.TABLES:
            text = tables.render_csv(tables.table(evaluation, name), tables.columns_of(name))
            atomic_write_text(path / f"{name}.csv", text, mode=0o644)
    return path


class EvaluationJobs(QObject):
    """The window's pool (one job at a time, in order) and its signals (see the module
    docstring). Main thread: :meth:`submit`, :meth:`shutdown`."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.signals = JobSignals(self)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self._ticket = 0

    def submit(self, work: Callable[[], object]) -> int:
        """Queue ``work``; returns its ticket (increasing)."""
        self._ticket += 1
        self.pool.start(_Job(self._ticket, work, self.signals))
        return self._ticket

    def cancel_queued(self) -> None:
        """Drop jobs not started yet (a running one finishes)."""
        self.pool.clear()

    def shutdown(self) -> bool:
        """Drop queued jobs and wait for the running one; False if it outlived the wait."""
        self.pool.clear()
        done = self.pool.waitForDone(SHUTDOWN_WAIT_MS)
        if not done:
            log.warning("evaluation job still running after %d ms", SHUTDOWN_WAIT_MS)
        return done


def _one_line(exc: BaseException) -> str:
    from viewer.core.secrets import mask_urls_in_text

    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return mask_urls_in_text(text)
