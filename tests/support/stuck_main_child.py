"""Child for tests/test_shutdown.py: the wall's signal set-up, then a main thread stuck in C.

Sets up SIGTERM/SIGINT exactly as ``viewer.app.run_wall`` does (mask first, then the
``signal-watch`` thread, then ``stop_on_signals``), opens a window, and from inside the event
loop locks a pthread mutex it already holds: the main thread hangs in C and never runs Python
again, as it did inside libVLC's ``stop``. Prints ``stuck`` just before. Optional argv[1]:
a journal path, opened and written like the wall's.
"""

from __future__ import annotations

import ctypes
import sys


def main() -> None:
    from viewer import shutdown_guard
    from viewer.exit_signals import post_exit_signal, stop_on_signals

    shutdown_guard.block_exit_signals()
    shutdown_guard.install(post_exit_signal)
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    stop_on_signals(app)
    window = QWidget()
    window.show()
    libc = ctypes.CDLL(None)
    mutex = ctypes.create_string_buffer(64)  # zeroed: PTHREAD_MUTEX_INITIALIZER on glibc

    def hang() -> None:
        libc.pthread_mutex_lock(mutex)
        print("stuck", flush=True)
        libc.pthread_mutex_lock(mutex)  # a default mutex locked twice: never returns

    QTimer.singleShot(200, hang)
    app.exec()
    print("event loop ended", flush=True)


if __name__ == "__main__":
    main()
