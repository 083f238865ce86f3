"""The *Capacity* tab of the Network evaluation window: what every district and recorder
actually delivers (bitrate if every camera were watched, delivered ÷ nominal frame rate,
first-packet times, degraded time, sub-streams sending main-stream bitrates) and the
"upgrade first" ranking with the numbers behind each score. Without stream minutes in the
period it says so plainly ("No capacity figures recorded yet"). Shows an
:class:`~viewer.core.evaluate_model.Evaluation` computed elsewhere; main thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget

from viewer.core.capacity_model import CapacityGroup, Ranked
from viewer.core.evaluate_model import Evaluation
from viewer.core.report import human_duration


class CapacityPanel(QWidget):
    """See the module docstring. ``number_item(text, value)`` makes a cell that sorts by value;
    ``make_table()`` an empty read-only sortable table (the window's own kind)."""

    def __init__(self, number_item, make_table, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.number_item = number_item
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.ranking_table = make_table()
        self.districts_table = make_table()
        self.recorders_table = make_table()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.ranking_table, self.tr("Upgrade first"))
        self.tabs.addTab(self.districts_table, self.tr("Districts"))
        self.tabs.addTab(self.recorders_table, self.tr("Recorders"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    def show_evaluation(self, ev: Evaluation) -> None:
        cap = ev.capacity
        if cap is None:
            degraded = ev.network.degraded_s
            self.summary.setText(self.tr(
                "No capacity figures recorded yet: this journal has no stream minutes in this period (bitrates, frame"
                " rates and first-packet times are recorded by the wall's tiles and the quality samples)."
            ) + (" " + self.tr("Degraded time: {degraded}").format(degraded=human_duration(degraded))
                 if degraded else ""))
            for table in (self.ranking_table, self.districts_table, self.recorders_table):
                table.clear()
                table.setRowCount(0)
                table.setColumnCount(0)
            self.tabs.setEnabled(False)
            return
        self.tabs.setEnabled(True)
        n = cap.network
        self.summary.setText(self.tr(
            "If every camera were watched: main streams {main} Mbit/s ({main_unknown} not measured), sub-streams"
            " {sub} Mbit/s ({sub_unknown} not measured) · delivered ÷ nominal frame rate: median {median}, worst"
            " {worst} · first-packet time p50 {p50}, p95 {p95} (from {opens} stream openings: wall {wall}, quality"
            " samples {sample}) · degraded {degraded} · {like_main} sub-streams sending main-stream bitrates"
        ).format(
            main=_mbps(n.main_kbps), main_unknown=len(n.main_unknown), sub=_mbps(n.sub_kbps),
            sub_unknown=len(n.sub_unknown), median=_ratio(n.fps_ratio_median), worst=_ratio(n.fps_ratio_worst),
            p50=_secs(n.first_packet_p50_s), p95=_secs(n.first_packet_p95_s), opens=n.first_packets,
            wall=n.first_packets_wall, sample=n.first_packets_sample, degraded=human_duration(n.degraded_s),
            like_main=len(n.sub_like_main),
        ))
        self._fill_ranking(cap.ranking)
        self._fill_groups(self.districts_table, _by_rank(cap.districts, cap.ranking, "district"), self.tr("District"))
        self._fill_groups(self.recorders_table, _by_rank(cap.recorders, cap.ranking, "recorder"), self.tr("Recorder"))

    def _fill_ranking(self, ranking: tuple[Ranked, ...]) -> None:
        table = self.ranking_table
        headers = [self.tr("Kind"), self.tr("Rank"), self.tr("Name"), self.tr("Score"), self.tr("fps points"),
                   self.tr("Latency points"), self.tr("Degraded points"), self.tr("Sub-stream points"),
                   self.tr("fps median"), self.tr("First packet p95"), self.tr("Degraded %"),
                   self.tr("Sub like main")]
        kinds = {"recorder": self.tr("Recorder"), "district": self.tr("District")}
        rows = []
        for r in ranking:
            g = r.group
            rows.append([
                QTableWidgetItem(kinds.get(r.kind, r.kind)), self.number_item(f"{r.rank}", r.rank),
                QTableWidgetItem(g.name), self.number_item(f"{r.score:.1f}", r.score),
                self.number_item(f"{r.fps_points:.1f}", r.fps_points),
                self.number_item(f"{r.latency_points:.1f}", r.latency_points),
                self.number_item(f"{r.degraded_points:.1f}", r.degraded_points),
                self.number_item(f"{r.sub_points:.1f}", r.sub_points),
                self.number_item(_ratio(g.fps_ratio_median), g.fps_ratio_median),
                self.number_item(_secs(g.first_packet_p95_s), g.first_packet_p95_s),
                self.number_item(_pct(g.degraded_pct), g.degraded_pct),
                self.number_item(f"{len(g.sub_like_main)}/{g.with_sub}", len(g.sub_like_main)),
            ])
        self._set_rows(table, headers, rows)

    def _fill_groups(self, table: QTableWidget, groups: list[CapacityGroup], first: str) -> None:
        headers = [first, self.tr("Cameras"), self.tr("Main Mbit/s"), self.tr("Main not measured"),
                   self.tr("Sub Mbit/s"), self.tr("Sub not measured"), self.tr("fps median"), self.tr("fps worst"),
                   self.tr("First packet p50"), self.tr("First packet p95"), self.tr("Degraded"),
                   self.tr("Sub like main")]
        rows = []
        for g in groups:
            name = QTableWidgetItem(g.name)
            unknown = g.main_unknown + tuple(c for c in g.sub_unknown if c not in g.main_unknown)
            if unknown:
                name.setToolTip(self.tr("Never measured: {cameras}").format(cameras=", ".join(unknown[:40])))
            worst = self.number_item(_ratio(g.fps_ratio_worst), g.fps_ratio_worst)
            worst.setToolTip(g.fps_worst_camera)
            rows.append([
                name, self.number_item(f"{g.cameras}", g.cameras), self.number_item(_mbps(g.main_kbps), g.main_kbps),
                self.number_item(f"{len(g.main_unknown)}", len(g.main_unknown)),
                self.number_item(_mbps(g.sub_kbps), g.sub_kbps),
                self.number_item(f"{len(g.sub_unknown)}", len(g.sub_unknown)),
                self.number_item(_ratio(g.fps_ratio_median), g.fps_ratio_median), worst,
                self.number_item(_secs(g.first_packet_p50_s), g.first_packet_p50_s),
                self.number_item(_secs(g.first_packet_p95_s), g.first_packet_p95_s),
                self.number_item(human_duration(g.degraded_s), g.degraded_s),
                self.number_item(f"{len(g.sub_like_main)}", len(g.sub_like_main)),
            ])
        self._set_rows(table, headers, rows)

    @staticmethod
    def _set_rows(table: QTableWidget, headers: list[str], rows: list[list[QTableWidgetItem]]) -> None:
        table.setSortingEnabled(False)
        table.clear()
        table.setColumnCount(len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setRowCount(len(rows))
        for r, cells in enumerate(rows):
            for c, item in enumerate(cells):
                table.setItem(r, c, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the given order
        table.setSortingEnabled(True)


def _by_rank(groups: tuple[CapacityGroup, ...], ranking: tuple[Ranked, ...], kind: str) -> list[CapacityGroup]:
    """Groups in "upgrade first" order, the unranked ones (nothing measured) last by name."""
    rank = {r.group.key: r.rank for r in ranking if r.kind == kind}
    return sorted(groups, key=lambda g: (rank.get(g.key, len(rank) + 1), g.name))


def _mbps(kbps: float | None) -> str:
    return "—" if kbps is None else f"{kbps / 1000:.1f}"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _secs(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f} s"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"
