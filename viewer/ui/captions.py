"""What a tile's caption says, from its feed's camera, state and flag."""

from __future__ import annotations

import time

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


def caption_for(feed, district_name: str, now: float) -> tuple[str, str, str]:
    """(caption text, tooltip, state name for colours) of a tile showing ``feed``."""
    camera = feed.camera
    if camera is None:
        return tr("empty — drag a camera here"), "", "empty"
    where = f"{camera.name} · {district_name}"
    tooltip = f"{camera.id}\n{camera.name}\n{district_name}" + (f"\n{camera.group}" if camera.group else "")
    flag = feed.flag
    if flag is not None:
        text = f"⚠ {where} — {reason_text(flag.reason).upper()} {since_text(flag.since, now)}"
        if flag.detail:
            tooltip += f"\n{flag.detail}"
        return text, tooltip, "flagged"
    if feed.state is FeedState.PLAYING:
        stream = tr("main") if feed.main_stream else ""
        return (f"{where} {stream}".rstrip(), tooltip, "playing")
    return f"{where} — {tr('connecting…')}", tooltip, "connecting"
