"""SIGTERM and SIGINT close the wall the clean way, even while the main thread is stuck in C.

:mod:`viewer.shutdown_guard` takes the signals on its ``signal-watch`` thread and calls
:func:`post_exit_signal`, which only hands them to the Qt main thread through a queued
signal (:func:`stop_on_signals` installs the receiver). A signal that arrives during
start-up, before the receiver exists, is kept and acted on once it does.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_exit_relay = None  # the QObject that carries a SIGTERM/SIGINT to the main thread
_early_signal: int | None = None  # a signal that came before the relay existed (start-up)
_relay_lock = threading.Lock()  # orders the two above between signal-watch and the main thread


def post_exit_signal(signum: int) -> None:
    """``signal-watch`` thread: only post to the main thread (the exit watchdog is armed).

    A signal that lands while the wall is still starting (before :func:`stop_on_signals`)
    is kept and acted on as soon as the relay exists: it used to be dropped, and the wall
    then ran on until the exit watchdog ended it without closing the journal (seen on CI)."""
    global _early_signal
    with _relay_lock:
        relay = _exit_relay
        if relay is None:
            _early_signal = signum
            return
    relay.requested.emit(signum)


def stop_on_signals(app, allow_exit=lambda: None) -> None:
    """SIGTERM (systemd, ``kill``) and SIGINT (Ctrl-C) close the wall cleanly: players
    stopped, journal closed, settings saved. The signals are taken by a thread
    (:mod:`viewer.shutdown_guard`), so they work even while the main thread is stuck in C,
    and the process ends within ``SHUTDOWN_GRACE_S`` whatever happens."""
    global _exit_relay
    from PySide6.QtCore import QObject, Qt, QTimer, Signal

    from viewer import shutdown_guard

    class ExitRelay(QObject):
        requested = Signal(int)

    def quit_app(signum: int) -> None:
        log.info("signal %d: closing the wall", signum)
        allow_exit()  # kiosk windows refuse a plain close; Qt 6's quit() asks every window
        QTimer.singleShot(0, app.quit)  # also works when the signal lands before app.exec()

    relay = ExitRelay(app)
    relay.requested.connect(quit_app, Qt.ConnectionType.QueuedConnection)
    with _relay_lock:
        _exit_relay = relay
        early = _early_signal
    if early is not None:  # it came during start-up: close now, the clean way
        relay.requested.emit(early)
    if not shutdown_guard.install(post_exit_signal):  # Windows: Python's handlers, as before
        import signal

        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda number, _frame: quit_app(number))
        timer = QTimer(app)  # lets Python run its signal handlers while Qt's loop is in C++
        timer.setInterval(250)
        timer.timeout.connect(lambda: None)
        timer.start()
