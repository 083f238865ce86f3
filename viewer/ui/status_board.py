"""The status board: every district at a glance, one coloured box each, from the fleet sweep.

Green: every checked camera online; amber: some down; red: more than half (or all) down; grey:
no results yet. A box reads ``Semarang Tengah / 12 / 14 online / refused 1 · auth 1``; clicking
it emits ``district_clicked(district_id)``. Big text for a control-room monitor; the grid takes
as many columns as fit (``BOX_MIN_WIDTH_PX``), at most ``MAX_COLUMNS``. Main thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from viewer.core.reasons import Reason
from viewer.core.sweep_report import HEALTH_DEGRADED, HEALTH_DOWN, HEALTH_OK, HEALTH_UNKNOWN, DistrictSummary

BOX_MIN_WIDTH_PX = 300
BOX_MIN_HEIGHT_PX = 130
MAX_COLUMNS = 6
DEFAULT_COLUMNS = 4
FONT_POINT_SIZE = 16
TOP_REASONS = 3
#: Background and text colour per health.
HEALTH_COLOURS: dict[str, tuple[str, str]] = {
    HEALTH_OK: ("#2e7d32", "#ffffff"),
    HEALTH_DEGRADED: ("#f9a825", "#000000"),
    HEALTH_DOWN: ("#c62828", "#ffffff"),
    HEALTH_UNKNOWN: ("#616161", "#ffffff"),
}
#: Short reason words for the boxes (translated in the "StatusBoard" context).
REASON_WORDS: dict[Reason, str] = {
    Reason.OK: QT_TRANSLATE_NOOP("StatusBoard", "ok"),
    Reason.REFUSED: QT_TRANSLATE_NOOP("StatusBoard", "refused"),
    Reason.UNREACHABLE: QT_TRANSLATE_NOOP("StatusBoard", "unreachable"),
    Reason.TIMEOUT: QT_TRANSLATE_NOOP("StatusBoard", "timeout"),
    Reason.AUTH: QT_TRANSLATE_NOOP("StatusBoard", "auth"),
    Reason.NOT_FOUND: QT_TRANSLATE_NOOP("StatusBoard", "not found"),
    Reason.NO_VIDEO: QT_TRANSLATE_NOOP("StatusBoard", "no video"),
    Reason.PROTOCOL: QT_TRANSLATE_NOOP("StatusBoard", "protocol"),
    Reason.ENDED: QT_TRANSLATE_NOOP("StatusBoard", "ended"),
    Reason.STALLED: QT_TRANSLATE_NOOP("StatusBoard", "stalled"),
    Reason.ERROR: QT_TRANSLATE_NOOP("StatusBoard", "error"),
    Reason.UNSUPPORTED: QT_TRANSLATE_NOOP("StatusBoard", "unsupported"),
    Reason.FROZEN_IMAGE: QT_TRANSLATE_NOOP("StatusBoard", "frozen"),
    Reason.BLANK_PICTURE: QT_TRANSLATE_NOOP("StatusBoard", "blank"),
    Reason.DEGRADED: QT_TRANSLATE_NOOP("StatusBoard", "degraded"),
}


class DistrictBox(QFrame):
    """One district's box. ``clicked`` carries the district id."""

    clicked = Signal(str)

    def __init__(self, district_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.district_id = district_id
        self.health = HEALTH_UNKNOWN
        self._styled_for: str | None = None  # the health the style sheet shows
        self.setObjectName("districtBox")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumSize(BOX_MIN_WIDTH_PX - 20, BOX_MIN_HEIGHT_PX)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        font = self.label.font()
        font.setPointSize(FONT_POINT_SIZE)
        self.label.setFont(font)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.label)

    def text(self) -> str:
        return self.label.text()

    def background(self) -> QColor:
        return QColor(HEALTH_COLOURS[self.health][0])

    def show_summary(self, text: str, health: str, tooltip: str) -> None:
        """Show a district's figures; restyles only when its health changes (a style sheet
        costs a style recomputation: 500 districts a batch stalled the wall)."""
        if text != self.label.text():
            self.label.setText(text)
            self.setAccessibleName(text.replace("\n", ", "))
        if tooltip != self.toolTip():
            self.setToolTip(tooltip)
        self.health = health
        if health == self._styled_for:
            return
        self._styled_for = health
        background, foreground = HEALTH_COLOURS[health]
        self.setStyleSheet(
            f"QFrame#districtBox {{ background: {background}; border-radius: 8px; }}"
            f" QLabel {{ color: {foreground}; background: transparent; }}"
        )

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.district_id)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class StatusBoard(QWidget):
    """A responsive grid of :class:`DistrictBox`; feed it with :meth:`update_summaries`."""

    district_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._boxes: dict[str, DistrictBox] = {}
        self._shown: dict[str, DistrictSummary] = {}  # what each box shows now
        self._order: list[str] = []
        self._columns = DEFAULT_COLUMNS
        self._grid_host = QWidget()
        self._grid = QGridLayout(self._grid_host)
        self._grid.setSpacing(10)
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._grid_host)
        self.empty_label = QLabel(self.tr("No districts"), self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.empty_label)
        layout.addWidget(scroll)
        self.setWindowTitle(self.tr("Status board"))

    # public ----------------------------------------------------------------------------------
    def update_summaries(self, summaries: list[DistrictSummary]) -> None:
        """Show these districts in this order (boxes are reused; vanished districts removed)."""
        wanted = [s.district_id for s in summaries]
        for district_id in [d for d in self._boxes if d not in set(wanted)]:
            box = self._boxes.pop(district_id)
            self._shown.pop(district_id, None)
            self._grid.removeWidget(box)
            box.deleteLater()
        for summary in summaries:
            box = self._boxes.get(summary.district_id)
            if box is None:
                box = DistrictBox(summary.district_id, self._grid_host)
                box.clicked.connect(self.district_clicked)
                self._boxes[summary.district_id] = box
            elif self._shown.get(summary.district_id) == summary:
                continue  # unchanged since the last batch: nothing to redo
            self._shown[summary.district_id] = summary
            box.show_summary(self.box_text(summary), summary.health, self._tooltip(summary))
        if wanted != self._order:
            self._order = wanted
            self._relayout()
        self.empty_label.setVisible(not summaries)

    def box(self, district_id: str) -> DistrictBox:
        """The box of a district (KeyError if not shown)."""
        return self._boxes[district_id]

    @property
    def columns(self) -> int:
        return self._columns

    def box_text(self, summary: DistrictSummary) -> str:
        """``Name\\n12 / 14 online\\nrefused 1 · auth 1`` (third line: what is wrong, if anything)."""
        if summary.health == HEALTH_UNKNOWN:
            count = self.tr("– / {total} online").format(total=summary.total)
            detail = self.tr("not checked yet") if summary.total else self.tr("no cameras")
            return f"{summary.name}\n{count}\n{detail}"
        count = self.tr("{online} / {total} online").format(online=summary.online, total=summary.total)
        parts = [f"{self.reason_word(reason)} {n}" for reason, n in summary.top_reasons(TOP_REASONS)]
        if not parts:
            unchecked = summary.total - summary.checked_count
            parts = [self.tr("{n} not checked yet").format(n=unchecked) if unchecked else self.tr("all online")]
        return f"{summary.name}\n{count}\n{' · '.join(parts)}"

    @staticmethod
    def reason_word(reason: Reason) -> str:
        return QCoreApplication.translate("StatusBoard", REASON_WORDS.get(reason, reason.value))

    # layout ----------------------------------------------------------------------------------
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        columns = max(1, min(MAX_COLUMNS, event.size().width() // BOX_MIN_WIDTH_PX))
        if columns != self._columns:
            self._columns = columns
            self._relayout()

    def _relayout(self) -> None:
        for box in self._boxes.values():
            self._grid.removeWidget(box)
        for n, district_id in enumerate(self._order):
            self._grid.addWidget(self._boxes[district_id], n // self._columns, n % self._columns)
        for column in range(MAX_COLUMNS):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)

    def _tooltip(self, summary: DistrictSummary) -> str:
        lines = [f"{summary.name} ({summary.district_id})"]
        lines += [f"{self.reason_word(reason)}: {n}" for reason, n in summary.top_reasons(len(Reason))]
        unchecked = summary.total - summary.checked_count
        if unchecked:
            lines.append(self.tr("not checked yet: {n}").format(n=unchecked))
        return "\n".join(lines)
