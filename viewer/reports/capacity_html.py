"""The capacity section of the evaluation's HTML page: totals, the "upgrade first" ranking
with the numbers behind each score, capacity per district and recorder, three charts, the
streams never measured, and how it is computed. A journal without stream minutes in the
period gets one plain sentence ("No capacity figures recorded yet"), never zeros.
Pure function of the evaluation; ``page`` is :class:`viewer.reports.evaluation_html._Page`
(its formatting helpers and words). Any thread.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from viewer.core.capacity_model import Capacity, CapacityGroup, Ranked
from viewer.core.constants import (
    CAPACITY_LOW_FPS_RATIO,
    SCORE_POINTS_PER_DEGRADED_PCT,
    SCORE_POINTS_PER_FPS_PCT,
    SCORE_POINTS_PER_LATENCY_S,
    SCORE_POINTS_PER_SUB_LIKE_MAIN_PCT,
    SUB_LIKE_MAIN_BITRATE_RATIO,
    SUB_LIKE_MAIN_HEIGHT_PX,
)
from viewer.reports import capacity_charts

#: Places shown per ranking, and rows per capacity table (the CSV tables have all).
MAX_RANKED = 15
MAX_CAPACITY_ROWS = 40
MAX_NAMED = 60


class CapacitySection:
    def __init__(self, page) -> None:
        self.page = page
        self.w = page.w
        self.cap: Capacity | None = page.ev.capacity

    # -- formatting ------------------------------------------------------------------------
    def num(self, value: float | None, digits: int = 1) -> str:
        return "—" if value is None else f"{value:,.{digits}f}".replace(",", " ").replace(".", self.page.decimal)

    def mbps(self, kbps: float | None) -> str:
        return "—" if kbps is None else self.num(kbps / 1000, 1)

    def ratio(self, value: float | None) -> str:
        return "—" if value is None else self.num(100 * value, 0) + " %"

    def secs(self, value: float | None) -> str:
        return "—" if value is None else self.num(value, 2) + " s"

    def hours(self, seconds: float) -> str:
        return self.num(seconds / 3600, 1) + " h"

    def names(self, ids: Sequence[str]) -> str:
        shown = ", ".join(html.escape(i) for i in ids[:MAX_NAMED])
        return shown + (f" … (+{len(ids) - MAX_NAMED})" if len(ids) > MAX_NAMED else "")

    # -- parts -----------------------------------------------------------------------------
    def render(self) -> str:
        title = f"<h2>{self.w('Capacity')}</h2>"
        if self.cap is None:
            degraded = self.page.ev.network.degraded_s
            extra = (f"<p>{self.w('Degraded time')}: {self.hours(degraded)}</p>" if degraded else "")
            return (title + f"<p class=nocap><b>{self.w('No capacity figures recorded yet')}.</b> "
                    f"{self.w('capacity.none')}</p>" + extra)
        return "".join((title, self.cards(), self.ranking(), self.charts(), self.groups("district"),
                        self.groups("recorder"), self.unknown(), self.method()))

    def cards(self) -> str:
        n = self.cap.network
        measured_main = n.cameras - len(n.main_unknown)
        measured_sub = n.with_sub - len(n.sub_unknown)
        sources = self.page.words("capacity.sources").format(n=n.first_packets, wall=n.first_packets_wall,
                                                             sample=n.first_packets_sample)
        cards = [
            (f"{self.mbps(n.main_kbps)} Mbit/s", self.w("Main streams, total"),
             f"{measured_main}/{n.cameras} · {len(n.main_unknown)} {self.w('not measured')}"),
            (f"{self.mbps(n.sub_kbps)} Mbit/s", self.w("Sub-streams, total"),
             f"{measured_sub}/{n.with_sub} · {len(n.sub_unknown)} {self.w('not measured')}"),
            (self.ratio(n.fps_ratio_median), self.w("fps delivered ÷ nominal, median"),
             f"{n.fps_streams} {self.w('camera streams')}"),
            (self.ratio(n.fps_ratio_worst), self.w("fps delivered ÷ nominal, worst"),
             html.escape(n.fps_worst_camera)),
            (self.secs(n.first_packet_p50_s), self.w("First-packet time p50"), html.escape(sources)),
            (self.secs(n.first_packet_p95_s), self.w("First-packet time p95"), html.escape(sources)),
            (self.hours(n.degraded_s), self.w("Degraded time"), f"{n.degraded_outages} {self.w('episodes')}"),
            (f"{len(n.sub_like_main)}", self.w("Sub-streams sending main-stream bitrates"), f"/ {n.with_sub}"),
        ]
        body = "".join(f"<div class=card><b>{v}</b><span>{label}</span><br><small>{note}</small></div>"
                       for v, label, note in cards)
        return f"<div class='cards capacity'>{body}</div>"

    def ranking(self) -> str:
        parts = []
        for kind, title in (("recorder", "Upgrade first: recorders"), ("district", "Upgrade first: districts")):
            ranked = [r for r in self.cap.ranking if r.kind == kind]
            if not ranked:
                continue
            headers = [self.w(h) for h in ("Rank", "Recorder" if kind == "recorder" else "District", "Score",
                                            "fps points", "latency points", "degraded points", "sub-stream points",
                                            "fps median", "First-packet time p95", "Degraded", "Sub like main",
                                            "Main Mbit/s", "Sub Mbit/s")]
            rows = [(self.ranked_cells(r), "bad" if r.rank <= 3 and r.score > 0 else "") for r in ranked[:MAX_RANKED]]
            parts.append(f"<h3 class=upgrade>{self.w(title)}</h3>" + self.page.table(headers, rows, text_columns=2)
                         + self.more(len(ranked), MAX_RANKED))
        return "".join(parts)

    def ranked_cells(self, r: Ranked) -> list[str]:
        g = r.group
        label = html.escape(g.name) + (f" <span class=note>{html.escape(g.key)}</span>" if g.key != g.name else "")
        return [f"{r.rank}", label, f"<b>{self.num(r.score)}</b>", self.num(r.fps_points),
                self.num(r.latency_points), self.num(r.degraded_points), self.num(r.sub_points),
                self.ratio(g.fps_ratio_median), self.secs(g.first_packet_p95_s),
                self.page.pct(g.degraded_pct), f"{len(g.sub_like_main)}/{g.with_sub}",
                self.mbps(g.main_kbps), self.mbps(g.sub_kbps)]

    def charts(self) -> str:
        parts = []
        for title, chart in (("Bitrate per district", capacity_charts.bitrate_chart),
                             ("Frame rate delivered", capacity_charts.fps_ratio_chart),
                             ("First-packet time per recorder", capacity_charts.latency_chart)):
            svg = chart(self.cap, self.page.words)
            if svg:
                parts.append(f"<h3>{self.w(title)}</h3><div class=chart>{svg}</div>")
        return "".join(parts)

    def groups(self, kind: str) -> str:
        rows: Sequence[CapacityGroup] = self.cap.districts if kind == "district" else self.cap.recorders
        order = {r.group.key: r.rank for r in self.cap.ranking if r.kind == kind}
        ordered = sorted(rows, key=lambda g: (order.get(g.key, len(order) + 1), g.name))
        headers = [self.w(h) for h in ("District" if kind == "district" else "Recorder", "Cameras", "Main Mbit/s",
                                       "Unknown", "Sub Mbit/s", "Unknown", "fps median", "fps worst",
                                       "First-packet time p50", "First-packet time p95", "Degraded",
                                       "Sub like main")]
        lines = [([
            html.escape(g.name), f"{g.cameras}", self.mbps(g.main_kbps), f"{len(g.main_unknown)}",
            self.mbps(g.sub_kbps), f"{len(g.sub_unknown)}/{g.with_sub}", self.ratio(g.fps_ratio_median),
            self.ratio(g.fps_ratio_worst) + (f" <span class=note>{html.escape(g.fps_worst_camera)}</span>"
                                             if g.fps_worst_camera else ""),
            self.secs(g.first_packet_p50_s), self.secs(g.first_packet_p95_s), self.hours(g.degraded_s),
            f"{len(g.sub_like_main)}",
        ], "warn" if g.fps_low or g.sub_like_main else "") for g in ordered[:MAX_CAPACITY_ROWS]]
        title = "Capacity per district" if kind == "district" else "Capacity per recorder"
        return (f"<h3>{self.w(title)}</h3>" + self.page.table(headers, lines)
                + self.more(len(ordered), MAX_CAPACITY_ROWS))

    def unknown(self) -> str:
        n = self.cap.network
        parts = []
        if n.main_unknown or n.sub_unknown:
            parts.append(f"<h3>{self.w('Streams never measured')}</h3><p>"
                         f"<b>{self.w('main')}</b> ({len(n.main_unknown)}): {self.names(n.main_unknown)}<br>"
                         f"<b>{self.w('sub')}</b> ({len(n.sub_unknown)}): {self.names(n.sub_unknown)}</p>")
        if n.sub_like_main:
            parts.append(f"<h3>{self.w('Sub-streams sending main-stream bitrates')} ({len(n.sub_like_main)})</h3>"
                         f"<p>{self.names(n.sub_like_main)}</p>")
        return "".join(parts)

    def method(self) -> str:
        words = self.page.words
        items = [
            words("method.cap.bitrate"),
            words("method.cap.fps").format(low=f"{100 * CAPACITY_LOW_FPS_RATIO:g}"),
            words("method.cap.latency"),
            words("method.cap.degraded"),
            words("method.cap.sublike").format(height=SUB_LIKE_MAIN_HEIGHT_PX,
                                               ratio=f"{SUB_LIKE_MAIN_BITRATE_RATIO:g}"),
            words("method.cap.score").format(fps=f"{SCORE_POINTS_PER_FPS_PCT:g}", lat=f"{SCORE_POINTS_PER_LATENCY_S:g}",
                                             deg=f"{SCORE_POINTS_PER_DEGRADED_PCT:g}",
                                             sub=f"{SCORE_POINTS_PER_SUB_LIKE_MAIN_PCT:g}"),
        ]
        return "<ul class='method note'>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>"

    def more(self, total: int, limit: int) -> str:
        if total <= limit:
            return ""
        return f"<p class=note>{self.w('{n} more in the CSV tables.').format(n=total - limit)}</p>"


def capacity_section(page) -> str:
    """The section's HTML (see the module docstring)."""
    return CapacitySection(page).render()
