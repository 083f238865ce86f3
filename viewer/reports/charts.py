"""The evaluation report's charts, drawn by matplotlib straight to SVG text (PNG for the app).

Only ``matplotlib.figure.Figure`` and the SVG and Agg canvases are used (never ``pyplot``,
never a GUI backend), so this runs in a worker thread or a headless command line. Every function
returns an ``<svg>`` element (no XML prolog) to inline into one HTML file: text stays text
(``svg.fonttype: none``), the heat map's raster is embedded as a data URI. Element ids get
a per-chart salt so that several charts in one page never share an id.
"""

from __future__ import annotations

import io
import math
from collections import defaultdict
from datetime import date

import matplotlib
import matplotlib.dates as mdates
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from viewer.core.evaluate_daily import NETWORK
from viewer.core.evaluate_model import Evaluation
from viewer.core.report import human_duration
from viewer.reports.strings import Words

#: Draw one line per district up to this many districts; more become a heat map.
MAX_DISTRICT_LINES = 8
_STYLE = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg(figure: Figure, salt: str) -> str:
    buffer = io.StringIO()
    with matplotlib.rc_context({**_STYLE, "svg.hashsalt": salt}):
        FigureCanvasSVG(figure).print_svg(buffer)
    text = buffer.getvalue()
    return text[text.index("<svg"):]


def _figure(width_in: float, height_in: float) -> Figure:
    with matplotlib.rc_context(_STYLE):
        return Figure(figsize=(width_in, height_in), layout="constrained")


def daily_chart(ev: Evaluation, words: Words) -> str:
    """Availability per day: the network, and each district when there are few."""
    return _svg(_daily_figure(ev, words), "daily")


def _daily_figure(ev: Evaluation, words: Words) -> Figure:
    series: dict[str, list[tuple[date, float]]] = defaultdict(list)
    for point in ev.daily:
        value = point.availability_pct
        series[point.district].append((date.fromisoformat(point.day), math.nan if value is None else value))
    figure = _figure(9.5, 3.2)
    axes = figure.add_subplot()
    names = {d.key: d.name for d in ev.districts}
    districts = [k for k in series if k != NETWORK]
    days = [day for day, _ in series.get(NETWORK, ())]
    short = len(days) <= 31
    if len(districts) <= MAX_DISTRICT_LINES:
        for key in districts:
            x, values = zip(*series[key], strict=True)
            axes.plot(x, values, linewidth=1, alpha=0.8, label=names.get(key, key),
                      marker="o" if short else None, markersize=2.5)
    if days:
        _, values = zip(*series[NETWORK], strict=True)
        axes.plot(days, values, color="black", linewidth=2.2, label=words("whole network"),
                  marker="o" if short else None, markersize=3)
        # Explicit limits: with unknown (NaN) days, autoscaling would span years of ticks.
        axes.set_xlim(mdates.date2num(days[0]) - 0.5, mdates.date2num(days[-1]) + 0.5)
    axes.set_ylabel(f"{words('Availability')} (%)")
    axes.set_ylim(_lower_limit([v for s in series.values() for _, v in s]), 100.5)
    axes.grid(axis="y", alpha=0.3)
    if axes.get_legend_handles_labels()[0]:
        axes.legend(loc="lower left", fontsize=8, ncols=min(5, len(districts) + 1), frameon=False)
    if len(days) <= 14:
        locator = mdates.DayLocator()
    else:
        locator = mdates.AutoDateLocator(minticks=3, maxticks=12)
        locator.intervald[mdates.HOURLY] = []  # whole days only
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%d %b" if len(days) <= 62 else "%b %Y"))
    return figure


def daily_chart_png(ev: Evaluation, words: Words, dpi: int = 96) -> bytes:
    """:func:`daily_chart` as PNG bytes (matplotlib's Agg renderer), for the app's window."""
    figure = _daily_figure(ev, words)
    figure.set_dpi(dpi)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_STYLE):
        FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


def district_heatmap(ev: Evaluation, words: Words) -> str | None:
    """Districts × days coloured by availability (None when one district or one day)."""
    keys = [d.key for d in sorted(ev.districts, key=lambda d: d.name)]
    days = sorted({p.day for p in ev.daily})
    if len(keys) < 2 or not days:
        return None
    row_of, col_of = {k: i for i, k in enumerate(keys)}, {d: i for i, d in enumerate(days)}
    grid = [[math.nan] * len(days) for _ in keys]
    for point in ev.daily:
        if point.district in row_of and point.availability_pct is not None:
            grid[row_of[point.district]][col_of[point.day]] = point.availability_pct
    names = {d.key: d.name for d in ev.districts}
    figure = _figure(9.5, min(9.0, 1.0 + 0.22 * len(keys)))
    axes = figure.add_subplot()
    values = [v for row in grid for v in row if not math.isnan(v)]
    cmap = matplotlib.colormaps["RdYlGn"].with_extremes(bad="#d9d9d9")
    image = axes.imshow(grid, aspect="auto", cmap=cmap, vmin=_lower_limit(values), vmax=100,
                        interpolation="nearest")
    axes.set_yticks(range(len(keys)), [names.get(k, k) for k in keys], fontsize=7)
    step = max(1, len(days) // 12)
    axes.set_xticks(range(0, len(days), step), [days[i][5:] for i in range(0, len(days), step)], fontsize=7)
    figure.colorbar(image, ax=axes, label=f"{words('Availability')} (%)", shrink=0.9)
    return _svg(figure, "heatmap")


def reasons_chart(ev: Evaluation, words: Words) -> str | None:
    """Covered down time by reason (hours), the whole scope; None when nothing was down."""
    reasons = ev.network.down_by_reason_s
    if not reasons:
        return None
    figure = _figure(6.0, 0.6 + 0.28 * len(reasons))
    axes = figure.add_subplot()
    labels = [words.reason(r) for r, _ in reasons][::-1]
    seconds = [s for _, s in reasons][::-1]
    axes.barh(labels, [s / 3600 for s in seconds], color="#c0504d")
    axes.set_xlabel(words("hours"))
    for index, value in enumerate(seconds):
        axes.text(value / 3600, index, f" {human_duration(value)}", va="center", fontsize=8)
    return _svg(figure, "reasons")


def _lower_limit(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    low = min(finite, default=90.0)
    return max(0.0, min(90.0, math.floor(low / 5) * 5))
