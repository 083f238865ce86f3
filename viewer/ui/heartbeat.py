"""The wall's heartbeat for its supervisor: the main thread touches a file every few seconds.

``videowall run --supervise`` names the file in ``VIDEOWALL_HEARTBEAT_FILE``; when its mtime
stops changing for ``HANG_TIMEOUT_S`` the supervisor treats the wall as hung and restarts it.
The timer runs on the Qt main thread on purpose: a deadlocked event loop stops the beat.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QTimer

from viewer.core.restart_policy import HEARTBEAT_ENV, HEARTBEAT_INTERVAL_S

log = logging.getLogger(__name__)


def start_heartbeat(parent: QObject) -> QTimer | None:
    """Beat now and every ``HEARTBEAT_INTERVAL_S``; None when no supervisor asked for it."""
    path = os.environ.get(HEARTBEAT_ENV)
    if not path:
        return None

    def beat() -> None:
        try:
            with open(path, "a", encoding="ascii"):
                pass
            os.utime(path)
        except OSError as exc:
            log.warning("heartbeat %s: %s", path, exc)

    beat()
    timer = QTimer(parent)
    timer.setInterval(int(HEARTBEAT_INTERVAL_S * 1000))
    timer.timeout.connect(beat)
    timer.start()
    log.info("heartbeat for the supervisor every %.0f s", HEARTBEAT_INTERVAL_S)
    return timer
