"""The *Network evaluation* window: a period and a district in, the evaluation's tables,
the daily chart, the capacity tab (:mod:`viewer.ui.capacity_panel`), and the HTML report /
CSV tables out, without leaving the wall.

Reading the journal, evaluating, drawing the chart and writing reports run as jobs on a
pool thread (:mod:`viewer.jobs.evaluation_job`); this window only builds requests and shows
results on the Qt main thread. In kiosk mode there are no file dialogs: reports go into
``<data folder>/reports/`` and the status line says where. Main thread only.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from viewer import paths
from viewer.core.evaluate import Scope
from viewer.core.evaluate_model import Evaluation, Figures, GroupRow
from viewer.core.reasons import Reason
from viewer.core.report import human_duration
from viewer.jobs.evaluation_job import EvaluationJobs, EvaluationRequest, EvaluationResult, run_evaluation, write_report
from viewer.ui.capacity_panel import CapacityPanel
from viewer.ui.i18n import current_language
from viewer.ui.reason_strings import reason_text

log = logging.getLogger(__name__)

# Preset periods: key -> days back from today (0: this month, -1: last month).
# (A plain comment: lupdate would attach a "#:" comment to the next translated string.)
PRESET_DAYS = {"week": 7, "month30": 30, "this_month": 0, "last_month": -1}
REPORTS_FOLDER = "reports"


class NumberItem(QTableWidgetItem):
    """A cell that sorts by its number (``None`` sorts last), not by its text."""

    def __init__(self, text: str, value: float | None) -> None:
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other: QTableWidgetItem) -> bool:
        mine = self.value if self.value is not None else float("inf")
        theirs = getattr(other, "value", None)
        return mine < (theirs if theirs is not None else float("inf"))


@dataclass(frozen=True)
class _Pending:
    kind: str  # "evaluate", "html", "csv"
    target: Path | None = None


class EvaluationWindow(QWidget):
    """See the module docstring. ``services``: the app's Services (catalog, journal, kiosk)."""

    def __init__(self, services, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.services = services
        self.setWindowTitle(self.tr("Network evaluation"))
        self.resize(1100, 720)
        self.evaluation: Evaluation | None = None
        self.jobs = EvaluationJobs(self)
        self.jobs.signals.finished.connect(self._job_finished)
        self.jobs.signals.failed.connect(self._job_failed)
        self._pending: dict[int, _Pending] = {}
        self._latest_evaluation = 0
        self._build()
        self.apply_preset()

    # -- layout ----------------------------------------------------------------------------
    def _build(self) -> None:
        self.preset = QComboBox(self)
        for key, text in (("week", self.tr("Last 7 days")), ("month30", self.tr("Last 30 days")),
                          ("this_month", self.tr("This month")), ("last_month", self.tr("Last month")),
                          ("custom", self.tr("Custom"))):
            self.preset.addItem(text, key)
        self.preset.currentIndexChanged.connect(self.apply_preset)
        self.since_edit = QDateEdit(self, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.until_edit = QDateEdit(self, calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.district = QComboBox(self)
        self.district.addItem(self.tr("All districts"), None)
        for d in self.services.catalog.districts:
            self.district.addItem(d.name, d.id)
        self.run_button = QPushButton(self.tr("Evaluate"), self)
        self.run_button.clicked.connect(self.start_evaluation)
        top = QHBoxLayout()
        for label, widget in ((self.tr("Period"), self.preset), (self.tr("From"), self.since_edit),
                              (self.tr("To"), self.until_edit), (self.tr("District"), self.district)):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.run_button)

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.districts_table = self._table()
        self.recorders_table = self._table()
        self.chart = QLabel(self)
        self.chart.setAlignment(Qt.AlignmentFlag.AlignCenter)
        chart_area = QScrollArea(self)
        chart_area.setWidget(self.chart)
        chart_area.setWidgetResizable(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.districts_table, self.tr("Districts"))
        self.tabs.addTab(self.recorders_table, self.tr("Recorders"))
        self.incidents_table = self._table()
        self.tabs.addTab(self.incidents_table, self.tr("Recorder incidents"))
        self.tabs.addTab(chart_area, self.tr("Daily availability"))
        self.capacity = CapacityPanel(NumberItem, self._table, self)
        self.tabs.addTab(self.capacity, self.tr("Capacity"))

        self.save_html = QPushButton(self.tr("Save HTML report…"), self)
        self.save_html.clicked.connect(self.save_html_report)
        self.export_csv = QPushButton(self.tr("Export CSV…"), self)
        self.export_csv.clicked.connect(self.export_csv_tables)
        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.save_html)
        bottom.addWidget(self.export_csv)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        self._set_result_actions(False)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, 0, self)
        table.setSortingEnabled(True)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(False)
        return table

    # -- period ----------------------------------------------------------------------------
    @Slot()
    def apply_preset(self) -> None:
        key = self.preset.currentData()
        custom = key == "custom"
        self.since_edit.setEnabled(custom)
        self.until_edit.setEnabled(custom)
        if custom:
            return
        since, until = preset_period(key, date.today())
        self.since_edit.setDate(QDate(since.year, since.month, since.day))
        self.until_edit.setDate(QDate(until.year, until.month, until.day))

    def period(self) -> tuple[float, float]:
        """Local midnight of the first day to local midnight after the last day (epoch s)."""
        first = self.since_edit.date().toPython()
        last = self.until_edit.date().toPython()
        if last < first:
            first, last = last, first
        after = last + timedelta(days=1)
        return (datetime(first.year, first.month, first.day).timestamp(),
                datetime(after.year, after.month, after.day).timestamp())

    # -- jobs ------------------------------------------------------------------------------
    @Slot()
    def start_evaluation(self) -> int:
        """Queue an evaluation of the chosen period and district; returns its ticket."""
        since, until = self.period()
        request = EvaluationRequest(
            journal=Path(self.services.journal.path), catalog=self.services.catalog, since=since, until=until,
            now=time.time(), scope=Scope(district=self.district.currentData()), language=current_language(),
        )
        ticket = self.jobs.submit(lambda: run_evaluation(request))
        self._pending[ticket] = _Pending("evaluate")
        self._latest_evaluation = ticket
        self.run_button.setEnabled(False)
        self.status.setText(self.tr("Reading the journal and evaluating…"))
        return ticket

    def evaluate_if_empty(self) -> None:
        """On opening: evaluate the preset period unless a result is shown or one is coming."""
        if self.evaluation is None and not any(p.kind == "evaluate" for p in self._pending.values()):
            self.start_evaluation()

    def _start_write(self, kind: str, target: Path) -> None:
        evaluation, language = self.evaluation, current_language()
        ticket = self.jobs.submit(lambda: write_report(evaluation, target, kind, language))
        self._pending[ticket] = _Pending(kind, target)
        self.status.setText(self.tr("Writing {path}…").format(path=str(target)))

    @Slot(int, object)
    def _job_finished(self, ticket: int, result: object) -> None:
        pending = self._pending.pop(ticket, None)
        if pending is None:
            return
        if pending.kind == "evaluate":
            if ticket != self._latest_evaluation:
                return  # superseded by a newer request
            self.run_button.setEnabled(True)
            self.show_result(result)
            return
        self.status.setText(self.tr("Saved to {path}").format(path=str(result)))
        log.info("evaluation %s written to %s", pending.kind, result)

    @Slot(int, str)
    def _job_failed(self, ticket: int, message: str) -> None:
        pending = self._pending.pop(ticket, None)
        if pending is None:
            return
        if pending.kind == "evaluate":
            self.run_button.setEnabled(True)
        self.status.setText(self.tr("Failed: {reason}").format(reason=message))

    # -- results ---------------------------------------------------------------------------
    def show_result(self, result: EvaluationResult) -> None:
        ev = self.evaluation = result.evaluation
        f = ev.network
        self.summary.setText(self.tr(
            "Availability {availability} over watched time · watched {covered} · {cameras} cameras · "
            "{outages} outages ({open} still open) · time to restore: mean {mttr_mean}, median {mttr_median} · "
            "{incidents} recorder incidents · {never} cameras never seen online"
        ).format(
            availability=_pct(f.availability_pct), covered=_pct(f.covered_pct), cameras=f.cameras,
            outages=f.outages, open=f.open_outages, mttr_mean=_dur(f.mttr_mean_s), mttr_median=_dur(f.mttr_median_s),
            incidents=len(ev.incidents), never=len(f.never_online),
        ))
        self._fill(self.districts_table, ev.districts, self.tr("District"))
        self._fill(self.recorders_table, ev.recorders, self.tr("Recorder"))
        self._fill_incidents(ev)
        self.capacity.show_evaluation(ev)
        pixmap = QPixmap()
        pixmap.loadFromData(result.daily_chart_png, "PNG")
        self.chart.setPixmap(pixmap)
        self.status.setText(self.tr("Evaluated {start} – {end}").format(
            start=f"{datetime.fromtimestamp(ev.since):%Y-%m-%d %H:%M}",
            end=f"{datetime.fromtimestamp(ev.horizon):%Y-%m-%d %H:%M}"))
        self._set_result_actions(True)

    def _fill(self, table: QTableWidget, rows: tuple[GroupRow, ...], first: str) -> None:
        headers = [first, self.tr("Cameras"), self.tr("Availability %"), self.tr("Watched %"), self.tr("Outages"),
                   self.tr("Open"), self.tr("MTTR mean"), self.tr("MTTR median"), self.tr("Longest"),
                   self.tr("Acknowledged"), self.tr("Time to acknowledge (median)"), self.tr("Never online"),
                   self.tr("Degraded")]
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            f: Figures = row.figures
            cells = [
                NumberItem(f"{f.cameras}", f.cameras),
                NumberItem(_pct(f.availability_pct), f.availability_pct),
                NumberItem(_pct(f.covered_pct), f.covered_pct),
                NumberItem(f"{f.outages}", f.outages),
                NumberItem(f"{f.open_outages}", f.open_outages),
                NumberItem(_dur(f.mttr_mean_s), f.mttr_mean_s),
                NumberItem(_dur(f.mttr_median_s), f.mttr_median_s),
                NumberItem(_dur(f.longest_outage_s), f.longest_outage_s),
                NumberItem(f"{f.acknowledged}", f.acknowledged),
                NumberItem(_dur(f.tta_median_s), f.tta_median_s),
                NumberItem(f"{len(f.never_online)}", len(f.never_online)),
                NumberItem(_dur(f.degraded_s), f.degraded_s),  # not down: counted apart
            ]
            name = QTableWidgetItem(row.name)
            name.setToolTip(row.key if not row.districts else f"{row.key} · {', '.join(row.districts)}")
            table.setItem(r, 0, name)
            for c, item in enumerate(cells, start=1):
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        table.sortItems(2, Qt.SortOrder.AscendingOrder)  # worst availability first
        table.resizeColumnsToContents()

    def _fill_incidents(self, ev: Evaluation) -> None:
        """Recorder outages (many cameras of one recorder down together), newest first."""
        table = self.incidents_table
        headers = [self.tr("Recorder"), self.tr("Districts"), self.tr("Started"), self.tr("Half restored"),
                   self.tr("Duration"), self.tr("Cameras"), self.tr("Reason")]
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(ev.incidents))
        for r, incident in enumerate(ev.incidents):
            duration = incident.duration_s(ev.horizon)
            cells = [
                QTableWidgetItem(incident.recorder),
                QTableWidgetItem(", ".join(incident.districts)),
                NumberItem(f"{datetime.fromtimestamp(incident.started_at):%Y-%m-%d %H:%M:%S}", incident.started_at),
                NumberItem("—" if incident.ended_at is None else
                           f"{datetime.fromtimestamp(incident.ended_at):%Y-%m-%d %H:%M:%S}", incident.ended_at),
                NumberItem(_dur(duration), duration),
                NumberItem(f"{incident.cameras}", incident.cameras),
                QTableWidgetItem(reason_text(Reason(incident.reason))),
            ]
            for c, item in enumerate(cells):
                table.setItem(r, c, item)
        table.setSortingEnabled(True)
        table.sortItems(2, Qt.SortOrder.DescendingOrder)
        table.resizeColumnsToContents()

    def _set_result_actions(self, enabled: bool) -> None:
        self.save_html.setEnabled(enabled)
        self.export_csv.setEnabled(enabled)

    # -- saving ----------------------------------------------------------------------------
    @Slot()
    def save_html_report(self) -> None:
        self._save("html")

    @Slot()
    def export_csv_tables(self) -> None:
        self._save("csv")

    def _save(self, kind: str) -> None:
        """``kind`` "html": one file; "csv": a folder of tables. Kiosk: into the data folder,
        no dialog; otherwise the user picks the file (or the folder that gets the tables)."""
        if self.evaluation is None:
            return
        name = f"evaluation-{_stamp(self.evaluation)}" + (".html" if kind == "html" else "")
        if self.services.kiosk:
            self._start_write(kind, reports_dir() / name)
            return
        if kind == "html":
            chosen, _ = QFileDialog.getSaveFileName(self, self.tr("Save HTML report"), str(Path.home() / name),
                                                    self.tr("HTML report (*.html)"))
        else:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Folder for the CSV tables"), str(Path.home()))
            chosen = str(Path(chosen) / name) if chosen else ""
        if chosen:
            self._start_write(kind, Path(chosen))

    def closeEvent(self, event) -> None:
        """Closing only hides the window (the wall owns it): queued jobs are dropped, a running
        one finishes on its thread and its result is shown next time. Never waits here; the
        pool is joined when the wall window that owns it goes (QThreadPool's destructor)."""
        self.jobs.cancel_queued()
        super().closeEvent(event)


def preset_period(key: str, today: date) -> tuple[date, date]:
    """First and last day (inclusive) of a preset period ending today."""
    days = PRESET_DAYS.get(key, 7)
    if days == 0:
        return today.replace(day=1), today
    if days == -1:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    return today - timedelta(days=days - 1), today


def reports_dir() -> Path:
    """``<data folder>/reports``: where kiosk mode writes reports (the job creates it)."""
    return paths.data_dir() / REPORTS_FOLDER


def _stamp(ev: Evaluation) -> str:
    return f"{datetime.fromtimestamp(ev.since):%Y%m%d}-{datetime.fromtimestamp(ev.horizon):%Y%m%d}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _dur(value: float | None) -> str:
    return "—" if value is None else human_duration(value)
