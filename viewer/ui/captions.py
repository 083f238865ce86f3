"""What a tile's caption says, from its feed's camera, state and flag."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from viewer.core.health_model import FeedState
from viewer.core.reasons import Reason
from viewer.ui import reason_strings


def tr(text: str) -> str:
    """Translate in the "Caption" context (literals below call ``translate`` so lupdate sees them)."""
    return QCoreApplication.translate("Caption", text)


translate = QCoreApplication.translate


def reason_text(reason: Reason) -> str:
    """The reason's REASON_TEXT in the installed language (context "Reason")."""
    return reason_strings.reason_text(reason)


def since_text(since: float, now: float) -> str:
    clock = time.strftime("%H:%M:%S", time.localtime(since))
    minutes = int(max(0.0, now - since) // 60)
    if minutes < 1:
        return translate("Caption", "since {clock}").format(clock=clock)
    if minutes < 120:
        return translate("Caption", "since {clock} ({minutes} min)").format(clock=clock, minutes=minutes)
    return translate("Caption", "since {clock} ({hours} h)").format(clock=clock, hours=minutes // 60)


def bandwidth_text(kbps: float) -> str:
    """``820 kbit/s`` or ``12.4 Mbit/s``."""
    if kbps >= 10_000:
        return translate("Caption", "{value} Mbit/s").format(value=f"{kbps / 1000:.1f}")
    return translate("Caption", "{value} kbit/s").format(value=f"{kbps:.0f}")


def figures_lines(figures) -> list[str]:
    """What a stream delivers, for the tile's tooltip and details (``StreamFigures``)."""
    if figures is None:
        return []
    unknown = "?"
    size = f"{figures.width}×{figures.height}" if figures.width else unknown
    nominal = f"{figures.nominal_fps:g}" if figures.nominal_fps else unknown
    fps = f"{figures.fps:.1f}" if figures.fps is not None else unknown
    rate = bandwidth_text(figures.bitrate_kbps) if figures.bitrate_kbps is not None else unknown
    first = f"{figures.first_picture_s:.1f}" if figures.first_picture_s is not None else unknown
    return [
        translate("Caption", "{codec} {size} · {fps} of {nominal} fps · {rate}").format(
            codec=(figures.codec or unknown).upper(), size=size, fps=fps, nominal=nominal, rate=rate),
        translate("Caption", "lost pictures {lost} · reconnects {reconnects} · first picture after {first} s").format(
            lost=figures.lost, reconnects=figures.reconnects, first=first),
    ]


@dataclass(frozen=True)
class TileText:
    caption: str  # the bar under the picture
    tooltip: str
    state: str  # "empty", "connecting", "playing", "flagged", "degraded": picks the colours
    message: str = ""  # painted in the video area while no picture covers it


def ack_text(ack) -> str:
    """``✓ budi 14:03``: who reported the outage to the technical team, and when."""
    clock = time.strftime("%H:%M", time.localtime(ack.at))
    return translate("Caption", "✓ reported by {by} {clock}").format(by=ack.by, clock=clock)


def ack_tooltip(ack) -> str:
    clock = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ack.at))
    text = translate("Caption", "Reported to the technical team by {by} at {clock}").format(by=ack.by, clock=clock)
    return f"{text}: {ack.note}" if ack.note else text


def tile_text(feed, district_name: str, now: float, ack=None) -> TileText:
    """What the tile showing ``feed`` says. The reason comes first: it is what matters.
    ``ack``: the acknowledgement of the camera's open outage, if an operator gave one."""
    camera = feed.camera
    if camera is None:
        return TileText(translate("Caption", "empty"), "", "empty", translate("Caption", "drag a camera here"))
    where = f"{camera.name} · {district_name}"
    tooltip = f"{camera.id}\n{camera.name}\n{district_name}" + (f"\n{camera.group}" if camera.group else "")
    figures = feed.figures()
    tooltip = "\n".join([tooltip, *figures_lines(figures)])
    flag = feed.flag
    if flag is not None and flag.reason is Reason.DEGRADED:
        # pictures keep coming: a badge and a border colour, never a message over the picture
        reason = reason_text(flag.reason).upper()
        since = since_text(flag.since, now)
        tooltip += f"\n{reason}: {flag.detail}" if flag.detail else f"\n{reason}"
        caption = f"▼ {reason} · {where} · {since}"
        if ack is not None:
            caption += f" · {ack_text(ack)}"
            tooltip += f"\n{ack_tooltip(ack)}"
        return TileText(caption, tooltip, "degraded")
    if flag is not None:
        reason = reason_text(flag.reason).upper()
        since = since_text(flag.since, now)
        if flag.detail:
            tooltip += f"\n{flag.detail}"
        message = f"{reason}\n{since}"
        if flag.detail and flag.detail.casefold() != reason.casefold():
            message += f"\n{flag.detail}"
        caption = f"⚠ {reason} · {where} · {since}"
        if ack is not None:
            caption += f" · {ack_text(ack)}"
            message += f"\n{ack_text(ack)}"
            tooltip += f"\n{ack_tooltip(ack)}"
        return TileText(caption, tooltip, "flagged", message)
    if feed.state is FeedState.PLAYING:
        stream = translate("Caption", "main stream") if feed.main_stream else ""
        return TileText(f"{where} {stream}".rstrip(), tooltip, "playing")
    connecting = translate("Caption", "connecting…")
    # painted where the picture will be: which camera is coming, not an unexplained black
    return TileText(f"{where} — {connecting}", tooltip, "connecting", f"{camera.name}\n{connecting}")
