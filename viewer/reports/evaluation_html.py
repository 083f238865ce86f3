"""The network evaluation as ONE self-contained HTML page (Bahasa Indonesia or English).

No external resource of any kind (no stylesheet, font, script or image URL): styles are
inline, charts are inline SVG from :mod:`viewer.reports.charts`. Printable to PDF from a
browser (A4, tables keep their header rows on each page). The page is what the head of the
technical team takes to the weekly meeting: summary, districts, recorders, recorder
incidents, daily availability, capacity (bitrates, frame rates, first-packet times, degraded
time, "upgrade first"), worst cameras, acknowledgement and restore times, and how the figures
are computed. Pure function of the :class:`Evaluation`; any thread.
"""

from __future__ import annotations

import html
import time
from collections.abc import Iterable, Sequence
from datetime import datetime

from viewer import __version__
from viewer.core.evaluate_model import Evaluation, Figures, GroupRow
from viewer.core.evaluate_tables import worst_cameras
from viewer.core.report import human_duration
from viewer.core.storm import STORM_MIN_FEEDS, STORM_WINDOW_S
from viewer.reports import charts
from viewer.reports.capacity_html import capacity_section
from viewer.reports.strings import INDONESIAN, Words

#: Rows the page shows at most per table (the CSV export has every row).
MAX_RECORDERS = 40
MAX_INCIDENTS = 50
MAX_NEVER_ONLINE = 60

_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "DejaVu Sans", Arial, Helvetica, sans-serif; font-size: 10pt; color: #111; margin: 24px; }
h3 { font-size: 11pt; margin: 14px 0 4px; page-break-after: avoid; }
h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 13pt; margin: 22px 0 6px; border-bottom: 2px solid #244;
  padding-bottom: 2px; page-break-after: avoid; }
.meta { color: #444; margin: 0 0 12px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; page-break-inside: auto; }
thead { display: table-header-group; } tr { page-break-inside: avoid; }
th, td { border: 1px solid #bbb; padding: 3px 6px; text-align: right; vertical-align: top; }
td { white-space: nowrap; } td.text { white-space: normal; }
th { background: #e8eef2; font-weight: 600; } td.text, th.text { text-align: left; }
tr.bad td { background: #fbe3e3; } tr.warn td { background: #fff4d6; }
.cards { display: flex; flex-wrap: wrap; gap: 8px; } .card { border: 1px solid #bbb; border-radius: 4px;
  padding: 6px 10px; min-width: 130px; } .card b { display: block; font-size: 15pt; } .card span { color: #444; }
.chart svg { max-width: 100%; height: auto; } .note { color: #444; font-size: 9pt; }
ul.method li { margin: 2px 0; } .sign { margin-top: 40px; display: flex; gap: 80px; }
.sign div { border-top: 1px solid #111; padding-top: 4px; min-width: 220px; }
@media print { body { margin: 0; } .chart { page-break-inside: avoid; } }
"""


class _Page:
    def __init__(self, ev: Evaluation, language: str) -> None:
        self.ev = ev
        self.words = Words(language)
        self.decimal = "," if self.words.language == INDONESIAN else "."

    # -- formatting ------------------------------------------------------------------------
    def pct(self, value: float | None) -> str:
        return "—" if value is None else f"{value:.2f} %".replace(".", self.decimal)

    def dur(self, value: float | None) -> str:
        return "—" if value is None else human_duration(value)

    def when(self, epoch: float | None) -> str:
        if epoch is None:
            return html.escape(self.words("ongoing"))
        local = datetime.fromtimestamp(epoch).astimezone()
        offset = local.strftime("%z")
        return f"{local:%Y-%m-%d %H:%M:%S} <span class=note>{offset[:3]}:{offset[3:]}</span>"

    @staticmethod
    def table(headers: Sequence[str], rows: Iterable[tuple[Sequence[str], str]], text_columns: int = 1) -> str:
        """Cells are already HTML; the first ``text_columns`` columns are left-aligned."""
        head = "".join(f"<th{' class=text' if i < text_columns else ''}>{h}</th>" for i, h in enumerate(headers))
        body = []
        for cells, css in rows:
            tds = "".join(f"<td{' class=text' if i < text_columns else ''}>{c}</td>" for i, c in enumerate(cells))
            body.append(f"<tr{f' class={css}' if css else ''}>{tds}</tr>")
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"

    def w(self, text: str) -> str:
        return html.escape(self.words(text))

    # -- sections --------------------------------------------------------------------------
    def header(self) -> str:
        ev = self.ev
        scope = ev.scope or self.words("whole network")
        return (
            f"<h1>{self.w('Network evaluation')}</h1>"
            f"<p class=meta>{self.w('Period')}: {self.when(ev.since)} – {self.when(ev.until)}"
            + (f" ({self.w('counted until')} {self.when(ev.horizon)})" if ev.horizon < ev.until else "")
            + f"<br>{self.w('Scope')}: {html.escape(scope)} · {self.w('Generated')}: {self.when(ev.generated_at)}"
            f" · videowall {html.escape(__version__)}</p>"
        )

    def summary(self) -> str:
        f = self.ev.network
        cards = [
            (self.pct(f.availability_pct), "Availability"),
            (self.pct(f.covered_pct), "Watched"),
            (f"{f.cameras:,}", "Cameras"),
            (f"{f.outages:,}" + (f" <small>({f.open_outages} {self.w('still open')})</small>"
                                 if f.open_outages else ""), "Outages"),
            (self.dur(f.mttr_mean_s), "Mean time to restore"),
            (self.dur(f.mttr_median_s), "Median time to restore"),
            (self.dur(f.longest_outage_s if f.outages else None), "Longest outage"),
            (f"{f.acknowledged:,} / {f.outages:,}", "Acknowledged"),
            (self.dur(f.tta_median_s), "Median time to acknowledge"),
            (f"{len(self.ev.incidents):,}", "Recorder incidents"),
            (f"{len(f.never_online):,}", "Never seen online"),
            (f"{len(f.unwatched):,}", "Not watched"),
            (self.dur(f.degraded_s) + (f" <small>({f.degraded_outages})</small>" if f.degraded_outages else ""),
             "Degraded time"),
        ]
        body = "".join(f"<div class=card><b>{value}</b><span>{self.w(label)}</span></div>" for value, label in cards)
        return f"<h2>{self.w('Summary')}</h2><div class=cards>{body}</div>"

    def group_table(self, rows: Sequence[GroupRow], title: str, first: str, limit: int | None = None) -> str:
        ordered = sorted(rows, key=lambda r: (_availability_key(r.figures), r.name))
        shown = ordered[:limit] if limit else ordered
        headers = [self.w(first), self.w("Cameras"), self.w("Availability"), self.w("Watched"), self.w("Outages"),
                   self.w("Down"), self.w("MTTR mean"), self.w("MTTR median"), self.w("Longest outage"),
                   self.w("Never seen online"), self.w("Not watched"), self.w("Degraded")]
        lines = []
        for row in shown:
            f = row.figures
            label = html.escape(row.name)
            if first == "Recorder" and row.districts:
                label += f" <span class=note>{html.escape(', '.join(row.districts))}</span>"
            lines.append(([
                label, f"{f.cameras:,}", self.pct(f.availability_pct), self.pct(f.covered_pct),
                f"{f.outages:,}" + (f" ({f.open_outages})" if f.open_outages else ""), self.dur(f.down_s),
                self.dur(f.mttr_mean_s), self.dur(f.mttr_median_s),
                self.dur(f.longest_outage_s if f.outages else None), f"{len(f.never_online)}", f"{len(f.unwatched)}",
                self.dur(f.degraded_s),
            ], _row_class(f)))
        more = ""
        if limit and len(ordered) > limit:
            more = f"<p class=note>{self.w('{n} more in the CSV tables.').format(n=len(ordered) - limit)}</p>"
        return f"<h2>{self.w(title)}</h2>" + self.table(headers, lines) + more

    def incidents(self) -> str:
        ev = self.ev
        title = f"<h2>{self.w('Recorder incidents')}</h2>"
        if not ev.incidents:
            return title + f"<p>{self.w('No recorder incidents in this period.')}</p>"
        biggest = sorted(ev.incidents, key=lambda i: -(i.cameras * i.duration_s(ev.horizon)))[:MAX_INCIDENTS]
        rows = [([
            html.escape(i.recorder), html.escape(", ".join(i.districts)), self.when(i.started_at),
            self.when(i.ended_at), self.when(i.last_restored_at), self.dur(i.duration_s(ev.horizon)),
            f"{i.cameras}", html.escape(self.words.reason(i.reason)),
        ], "bad" if i.ended_at is None else "") for i in sorted(biggest, key=lambda i: i.started_at)]
        headers = [self.w(h) for h in ("Recorder", "Districts", "Started", "Half restored", "All restored",
                                       "Duration", "Cameras", "Reason")]
        hidden = len(ev.incidents) - len(biggest)
        more = f"<p class=note>{self.w('{n} more in the CSV tables.').format(n=hidden)}</p>" if hidden else ""
        return title + self.table(headers, rows, text_columns=2) + more

    def daily(self) -> str:
        parts = [f"<h2>{self.w('Daily availability')}</h2>",
                 f"<div class=chart>{charts.daily_chart(self.ev, self.words)}</div>"]
        heat = charts.district_heatmap(self.ev, self.words)
        if heat:
            parts += [f"<h2>{self.w('Daily availability per district')}</h2>", f"<div class=chart>{heat}</div>"]
        reasons = charts.reasons_chart(self.ev, self.words)
        if reasons:
            parts += [f"<h2>{self.w('Down time by reason')}</h2>", f"<div class=chart>{reasons}</div>"]
        return "".join(parts)

    def worst(self) -> str:
        rows = worst_cameras(self.ev)
        title = f"<h2>{self.w('Worst cameras')}</h2>"
        if not rows:
            return title + f"<p>{self.w('No camera was down in this period.')}</p>"
        headers = [self.w(h) for h in ("Camera", "Name", "District", "Recorder", "Availability", "Down", "Outages",
                                       "Longest outage", "Reason")]
        lines = [([
            html.escape(r.camera_id), html.escape(r.name), html.escape(r.district), html.escape(r.recorder),
            self.pct(r.figures.availability_pct), self.dur(r.figures.down_s), f"{r.figures.outages}",
            self.dur(r.figures.longest_outage_s),
            html.escape(self.words.reason(r.figures.down_by_reason_s[0][0]) if r.figures.down_by_reason_s else ""),
        ], _row_class(r.figures)) for r in rows]
        return title + self.table(headers, lines, text_columns=4)

    def response_times(self) -> str:
        headers = [self.w(h) for h in ("District", "Outages", "Acknowledged", "Ack. mean", "Ack. median",
                                       "MTTR mean", "MTTR median")]
        rows = [([
            html.escape(d.name), f"{d.figures.outages}", f"{d.figures.acknowledged}", self.dur(d.figures.tta_mean_s),
            self.dur(d.figures.tta_median_s), self.dur(d.figures.mttr_mean_s), self.dur(d.figures.mttr_median_s),
        ], "") for d in sorted(self.ev.districts, key=lambda d: d.name)]
        return f"<h2>{self.w('Acknowledgement and restore times per district')}</h2>" + self.table(headers, rows)

    def never_online(self) -> str:
        ids = self.ev.network.never_online
        if not ids:
            return ""
        shown = ", ".join(html.escape(i) for i in ids[:MAX_NEVER_ONLINE])
        more = f" … (+{len(ids) - MAX_NEVER_ONLINE})" if len(ids) > MAX_NEVER_ONLINE else ""
        return f"<h2>{self.w('Cameras never seen online')} ({len(ids)})</h2><p>{shown}{more}</p>"

    def method(self) -> str:
        ev = self.ev
        w = self.words
        offset = datetime.fromtimestamp(ev.since).astimezone().strftime("%z")
        tz = f"{time.tzname[0]}, UTC{offset[:3]}:{offset[3:]}"
        items = [w("method.covered"), w("method.availability"), w("method.outage"), w("method.restore"),
                 w("method.incident").format(n=STORM_MIN_FEEDS, window=f"{STORM_WINDOW_S:g}"),
                 w("method.days").format(tz=tz)]
        coverage_since = ev.coverage_since
        if coverage_since is not None and coverage_since > ev.since:
            items.append(w("method.coverage_since").format(when=self.when(coverage_since)))
        if ev.ignored_outages:
            items.append(w("method.ignored").format(n=ev.ignored_outages))
        lis = "".join(f"<li>{item if '<span' in item else html.escape(item)}</li>" for item in items)
        return f"<h2>{self.w('How the figures are computed')}</h2><ul class='method note'>{lis}</ul>"

    def signature(self) -> str:
        return (f"<div class=sign><div>{self.w('Head of the technical team')}</div>"
                f"<div>{self.w('Signature')}</div></div>")

    def render(self) -> str:
        body = "".join((
            self.header(), self.summary(),
            self.group_table(self.ev.districts, "Districts", "District"),
            self.group_table(self.ev.recorders, "Recorders", "Recorder", MAX_RECORDERS),
            self.incidents(), self.daily(), capacity_section(self), self.worst(), self.response_times(),
            self.never_online(),
            self.method(), self.signature(),
        ))
        title = html.escape(f"{self.words('Network evaluation')} {datetime.fromtimestamp(self.ev.since):%Y-%m-%d}")
        return (f"<!DOCTYPE html>\n<html lang={self.words.language}><head><meta charset=utf-8>"
                f"<meta name=viewport content='width=device-width, initial-scale=1'>"
                f"<title>{title}</title><style>{_CSS}</style></head><body>{body}</body></html>\n")


def _availability_key(f: Figures) -> float:
    return f.availability_pct if f.availability_pct is not None else 101.0


def _row_class(f: Figures) -> str:
    value = f.availability_pct
    if value is None:
        return ""
    return "bad" if value < 95.0 else "warn" if value < 99.0 else ""


def render_html(ev: Evaluation, language: str) -> str:
    """The whole page (``language``: ``"id"`` or ``"en"``)."""
    return _Page(ev, language).render()
