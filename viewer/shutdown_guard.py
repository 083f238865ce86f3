"""SIGTERM and SIGINT end the wall within ``SHUTDOWN_GRACE_S``, however stuck it is.

Python runs signal handlers on the main thread only, so a main thread blocked inside a C
call (a libVLC ``stop`` that never returns) used to make the wall deaf to SIGTERM. Here the
two signals are blocked in every thread (:func:`block_exit_signals`, before any other thread
starts, so all threads inherit the mask) and one daemon thread, ``signal-watch``, takes them
with ``sigwait``. It hands the request to the caller (``on_signal``, which must only post to
the Qt main thread) and arms the exit watchdog: if the process has not ended
``SHUTDOWN_GRACE_S`` after the signal, it is ended with ``os._exit`` — the journal commits
every write (SQLite WAL, synchronous=FULL), so nothing recorded is lost.

:func:`exit_soon` arms the same watchdog for the normal way out, once the journal is closed:
a worker that never returns cannot keep the process alive either. POSIX only; elsewhere
``install`` reports False and the caller keeps Python's own handlers.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from collections.abc import Callable

from viewer.core.constants import SHUTDOWN_GRACE_S

log = logging.getLogger(__name__)

EXIT_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_installed = False
_armed = threading.Event()


def supported() -> bool:
    return hasattr(signal, "pthread_sigmask") and hasattr(signal, "sigwait")


def block_exit_signals() -> None:
    """Block SIGTERM/SIGINT in this thread and every thread started after (call it first)."""
    if supported():
        signal.pthread_sigmask(signal.SIG_BLOCK, EXIT_SIGNALS)


def install(on_signal: Callable[[int], None], grace_s: float = SHUTDOWN_GRACE_S) -> bool:
    """Start ``signal-watch``; ``on_signal(signum)`` runs on it for each signal. Once per process."""
    global _installed
    if not supported():
        return False
    if _installed:
        return True
    block_exit_signals()
    _installed = True

    def handle(signum: int) -> None:
        log.info("signal %d: closing the wall (at most %.0f s)", signum, grace_s)
        exit_soon(grace_s, f"signal {signum}")
        try:
            on_signal(signum)
        except Exception:
            log.exception("closing on signal %d failed", signum)

    def watch() -> None:
        while True:
            handle(signal.sigwait(set(EXIT_SIGNALS)))

    # a thread started before the mask (none should be) may still take a signal: then
    # Python's handler runs on the main thread as soon as it can
    for signum in EXIT_SIGNALS:
        signal.signal(signum, lambda number, _frame: handle(number))
    threading.Thread(target=watch, name="signal-watch", daemon=True).start()
    return True


def exit_soon(grace_s: float, why: str, code: int = 0) -> None:
    """End the process with ``code`` in ``grace_s`` seconds unless it has ended by then."""
    if _armed.is_set():
        return
    _armed.set()

    def expire() -> None:
        threading.Event().wait(grace_s)
        log.error("still running %.1f s after %s: ending the process now", grace_s, why)
        for handler in logging.getLogger().handlers:
            try:
                handler.flush()
            except Exception:  # a broken handler must not keep the process alive
                pass
        sys.stderr.flush()
        os._exit(code)

    threading.Thread(target=expire, name="exit-watchdog", daemon=True).start()
