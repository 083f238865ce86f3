"""Stuck players in the log, the status export and the restart policy (Qt main thread).

:class:`PlayerWatch` looks every ``PLAYER_WATCH_INTERVAL_S`` at the engine's count of
quarantined players (``GuardedEngine.stuck_players``) and the process's thread count and CPU
time: a change is logged and journalled at once, the figures every ``RESOURCE_LOG_INTERVAL_S``
(stuck libVLC threads burn CPU; the log shows it over time), and they are handed to the
fleet monitor's status snapshot. With ``STUCK_PLAYERS_RESTART_LIMIT`` stuck players under a
supervisor, it starts watching keyboard and mouse (an application event filter, installed
only then) and ends the event loop with ``EXIT_RESTART_REQUESTED`` once nobody has touched
them for ``RESTART_QUIET_S``: the supervisor starts the wall again and the wall restores its
view.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer

from viewer.core.constants import RESTART_QUIET_S, STUCK_PLAYERS_RESTART_LIMIT
from viewer.core.journal_port import as_port, record_event
from viewer.core.restart_policy import EXIT_RESTART_REQUESTED, HEARTBEAT_ENV, should_request_restart

log = logging.getLogger(__name__)

PLAYER_WATCH_INTERVAL_S = 5.0
RESOURCE_LOG_INTERVAL_S = 300.0
_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel,
                           QEvent.Type.TouchBegin})  # fmt: skip


def process_threads() -> int:
    """Threads of this process, native ones (libVLC) included where the OS tells (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return threading.active_count()


class PlayerWatch(QObject):
    """See the module docstring. ``publish(figures)`` receives a dict for the status export."""

    def __init__(self, app, engine, journal, publish: Callable[[dict], None] | None = None,
                 supervised: bool | None = None, clock: Callable[[], float] = time.monotonic,
                 request_exit: Callable[[int], None] | None = None) -> None:
        super().__init__(app)
        self._request_exit = request_exit or app.exit  # ends app.exec() with that code
        self._app = app
        self._engine = engine
        self._journal = as_port(journal)  # events are written on the journal's thread
        self._publish = publish
        self._supervised = bool(os.environ.get(HEARTBEAT_ENV)) if supervised is None else supervised
        self._clock = clock
        self._last_input = clock()
        self._seen_stuck = 0
        self._last_resource_log = clock()
        self.restart_requested = False
        self._watching_input = False  # the input filter costs a Python call per event: only when needed
        self._timer = QTimer(self)
        self._timer.setInterval(int(PLAYER_WATCH_INTERVAL_S * 1000))
        self._timer.timeout.connect(self.check)
        self._timer.start()

    def eventFilter(self, watched, event) -> bool:
        if event.type() in _INPUT_EVENTS:
            self._last_input = self._clock()
        return False

    def figures(self) -> dict:
        cpu = os.times()
        return {"stuck_players": int(getattr(self._engine, "stuck_players", 0)), "process_threads": process_threads(),
                "process_cpu_seconds": round(cpu.user + cpu.system, 1)}  # fmt: skip

    def check(self) -> None:
        now = self._clock()
        figures = self.figures()
        stuck = figures["stuck_players"]
        if stuck != self._seen_stuck:
            self._seen_stuck = stuck
            log.error("%d stuck players quarantined; process threads %d, CPU %.1f s", stuck,
                      figures["process_threads"], figures["process_cpu_seconds"])
            record_event(self._journal, "players-stuck", f"{stuck} stuck players, {figures['process_threads']} "
                         f"threads, CPU {figures['process_cpu_seconds']:.0f} s", time.time())  # fmt: skip
            self._last_resource_log = now
        elif now - self._last_resource_log >= RESOURCE_LOG_INTERVAL_S:
            self._last_resource_log = now
            log.info("resources: %d threads, CPU %.1f s, %d stuck players", figures["process_threads"],
                     figures["process_cpu_seconds"], stuck)
        if self._publish is not None:
            self._publish(figures)
        if stuck >= STUCK_PLAYERS_RESTART_LIMIT and self._supervised and not self._watching_input:
            self._watching_input = True  # from now on, wait for a quiet moment
            self._last_input = now
            self._app.installEventFilter(self)
        if not self.restart_requested and should_request_restart(
            stuck, STUCK_PLAYERS_RESTART_LIMIT, self._supervised, now - self._last_input, RESTART_QUIET_S
        ):
            self.restart_requested = True
            log.warning("%d stuck players: asking the supervisor for a clean restart (quiet for %.0f s)",
                        stuck, now - self._last_input)
            record_event(self._journal, "restart-requested", f"{stuck} stuck players", time.time())
            for window in self._app.topLevelWidgets():
                allow = getattr(window, "allow_exit", None)
                if allow is not None:
                    allow()
            self._request_exit(EXIT_RESTART_REQUESTED)
