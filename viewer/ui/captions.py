"""What a tile's caption says, from its feed's camera, state and flag."""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from viewer.core.health import FeedState
from viewer.core.reasons import REASON_TEXT, Reason


def tr(text: str) -> str:
    return QCoreApplication.translate("Caption", text)


def reason_text(reason: Reason) -> str:
    return tr(REASON_TEXT.get(reason, reason.value))


def since_text(since: float, now: float) -> str:
    clock = time.strftime("%H:%M:%S", time.localtime(since))
    minutes = int(max(0.0, now - since) // 60)
    if minutes < 1:
        return tr("since {clock}").format(clock=clock)
    if minutes < 120:
        return tr("since {clock} ({minutes} min)").format(clock=clock, minutes=minutes)
    return tr("since {clock} ({hours} h)").format(clock=clock, hours=minutes // 60)


@dataclass(frozen=True)
class TileText:
    caption: str  # the bar under the picture
    tooltip: str
    state: str  # "empty", "connecting", "playing", "flagged": picks the colours
    message: str = ""  # painted in the video area while no picture covers it


def tile_text(feed, district_name: str, now: float) -> TileText:
    """What the tile showing ``feed`` says. The reason comes first: it is what matters."""
    camera = feed.camera
    if camera is None:
        return TileText(tr("empty"), "", "empty", tr("drag a camera here"))
    where = f"{camera.name} · {district_name}"
    tooltip = f"{camera.id}\n{camera.name}\n{district_name}" + (f"\n{camera.group}" if camera.group else "")
    flag = feed.flag
    if flag is not None:
        reason = reason_text(flag.reason).upper()
        since = since_text(flag.since, now)
        if flag.detail:
            tooltip += f"\n{flag.detail}"
        message = f"{reason}\n{since}"
        if flag.detail and flag.detail.casefold() != reason.casefold():
            message += f"\n{flag.detail}"
        return TileText(f"⚠ {reason} · {where} · {since}", tooltip, "flagged", message)
    if feed.state is FeedState.PLAYING:
        stream = tr("main stream") if feed.main_stream else ""
        return TileText(f"{where} {stream}".rstrip(), tooltip, "playing")
    return TileText(f"{where} — {tr('connecting…')}", tooltip, "connecting", tr("connecting…"))
