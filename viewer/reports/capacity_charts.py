"""The capacity section's charts (matplotlib straight to inline SVG, like
:mod:`viewer.reports.charts`): total bitrate per district (sub- and main streams stacked),
the distribution of delivered ÷ nominal frame rates over camera streams, and the p95
first-packet time per recorder. Each returns ``None`` when it has nothing to draw. Any thread.
"""

from __future__ import annotations

from viewer.core.capacity_model import Capacity
from viewer.reports.charts import _figure, _svg
from viewer.reports.strings import Words

#: Recorders drawn at most in the latency chart (the worst ones; the CSV has all).
MAX_LATENCY_RECORDERS = 25
#: Districts drawn at most in the bitrate chart (the largest totals).
MAX_BITRATE_DISTRICTS = 40
_SUB, _MAIN = "#4f81bd", "#c0504d"


def bitrate_chart(cap: Capacity, words: Words) -> str | None:
    """Mbit/s per district if every camera were watched: sub-streams and main streams stacked."""
    groups = sorted((g for g in cap.districts if g.main_kbps or g.sub_kbps),
                    key=lambda g: (g.main_kbps or 0) + (g.sub_kbps or 0), reverse=True)[:MAX_BITRATE_DISTRICTS][::-1]
    if not groups:
        return None
    figure = _figure(7.5, 0.9 + 0.26 * len(groups))
    axes = figure.add_subplot()
    names = [g.name for g in groups]
    sub = [(g.sub_kbps or 0) / 1000 for g in groups]
    main = [(g.main_kbps or 0) / 1000 for g in groups]
    axes.barh(names, sub, color=_SUB, label=words("sub-streams"))
    axes.barh(names, main, left=sub, color=_MAIN, label=words("main streams"))
    axes.set_xlabel(words("Mbit/s if every camera were watched"))
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure, "bitrate")


def fps_ratio_chart(cap: Capacity, words: Words) -> str | None:
    """How many camera streams deliver which share of their nominal frame rate (10 % bins)."""
    ratios = [r for c in cap.cameras for r in (c.main_fps_ratio, c.sub_fps_ratio) if r is not None]
    if not ratios:
        return None
    counts = [0] * 11
    for value in ratios:
        counts[min(10, max(0, int(value * 10 + 1e-9)))] += 1
    labels = [f"{10 * i}–{10 * i + 10}" for i in range(10)] + ["≥ 100"]
    figure = _figure(7.5, 2.6)
    axes = figure.add_subplot()
    colours = ["#c0504d" if i < 5 else "#f0ad4e" if i < 9 else "#5cb85c" for i in range(11)]
    axes.bar(labels, counts, color=colours)
    axes.set_xlabel(words("delivered ÷ nominal frame rate (%)"))
    axes.set_ylabel(words("camera streams"))
    axes.tick_params(axis="x", labelsize=7)
    for index, count in enumerate(counts):
        if count:
            axes.text(index, count, f"{count}", ha="center", va="bottom", fontsize=7)
    return _svg(figure, "fpsratio")


def latency_chart(cap: Capacity, words: Words) -> str | None:
    """p95 (bar) and p50 (dot) first-packet time of the worst recorders, in seconds."""
    groups = sorted((g for g in cap.recorders if g.first_packet_p95_s is not None),
                    key=lambda g: (g.first_packet_p95_s, g.key), reverse=True)[:MAX_LATENCY_RECORDERS][::-1]
    if not groups:
        return None
    figure = _figure(7.5, 0.9 + 0.26 * len(groups))
    axes = figure.add_subplot()
    names = [g.name for g in groups]
    axes.barh(names, [g.first_packet_p95_s for g in groups], color="#8064a2", label="p95")
    axes.plot([g.first_packet_p50_s for g in groups], names, "o", color="black", markersize=3, label="p50")
    axes.set_xlabel(words("first-packet time (s)"))
    axes.tick_params(axis="y", labelsize=7)
    axes.legend(loc="lower right", fontsize=8, frameon=False)
    axes.grid(axis="x", alpha=0.3)
    return _svg(figure, "latency")
