"""Logging: a rotating file in the user log dir, a startup line with versions, an excepthook.

Every record passes through :class:`viewer.core.secrets.SecretFilter`, so a URL with
credentials never reaches the log file or the console.
"""

from __future__ import annotations

import logging
import logging.handlers
import platform
import sys
import threading
from pathlib import Path

from viewer import __version__

log = logging.getLogger(__name__)

LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUP_COUNT = 5
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"


def setup_logging(log_file: Path, level: int = logging.INFO, console: bool = True) -> None:
    """Install the rotating file handler (and a console handler when there is a console)."""
    from viewer.core.secrets import SecretFilter

    root = logging.getLogger()
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_videowall", False):
            root.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    try:
        file_handler = logging.handlers.RotatingFileHandler(
            log_file, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUP_COUNT, encoding="utf-8"
        )
        handlers.append(file_handler)
    except OSError as exc:  # read-only profile, full disk: keep running, say so on stderr
        print(f"videowall: cannot write log file {log_file}: {exc}", file=sys.stderr)
    if console and sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        handler.addFilter(SecretFilter())
        handler._videowall = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    logging.captureWarnings(True)  # warnings pass the same filter
    install_excepthooks()


def setup_command_logging(level: int = logging.WARNING) -> None:
    """Console logging for a one-shot command (check, sweep, report, import-csv, demo).

    Warnings and worse go to stderr through :class:`SecretFilter`, as do Python warnings and
    uncaught exceptions (``sys.excepthook``); without it Python's last-resort handler would
    print unfiltered records. A later ``setup_logging`` (the wall) replaces this handler.
    """
    from viewer.core.secrets import SecretFilter

    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_videowall", False):
            root.removeHandler(handler)
            handler.close()
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    if sys.stderr is not None:
        handler = _CurrentStderrHandler()
        handler.setLevel(level)
        handler.setFormatter(logging.Formatter("videowall: %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(SecretFilter())
        handler._videowall = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    logging.captureWarnings(True)
    install_excepthooks()


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at emit time (as logging's last-resort handler)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ assigns it
        pass


def install_excepthooks() -> None:
    """Log uncaught exceptions (main thread and other threads) instead of losing them."""

    def _hook(exc_type, exc, tb):
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        logging.getLogger("viewer.uncaught").critical("uncaught exception", exc_info=(exc_type, exc, tb))

    def _thread_hook(args: threading.ExceptHookArgs) -> None:
        logging.getLogger("viewer.uncaught").critical(
            "uncaught exception in thread %s",
            args.thread.name if args.thread else "?",
            exc_info=(args.exc_type, args.exc_value, args.exc_traceback),
        )

    sys.excepthook = _hook
    threading.excepthook = _thread_hook


def log_startup(libvlc_version: str = "not loaded") -> None:
    """One line with every version that matters when reading a field report."""
    try:
        from PySide6 import __version__ as pyside_version
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {pyside_version} (Qt {qVersion()})"
    except ImportError:
        qt = "PySide6 missing"
    log.info(
        "videowall %s starting: Python %s, %s, libVLC %s, %s %s",
        __version__,
        platform.python_version(),
        qt,
        libvlc_version,
        platform.system(),
        platform.release(),
    )
