"""The relay's byte hand-off to libVLC on POSIX: an OS pipe that libVLC reads in C.

Measured (docs/benchmarks.md, "RTSP relay: where the CPU goes"): a Python read callback
costs libVLC's reading thread a Python thread state, the GIL and a condition wake-up per
packet, ~1.6–2.3 % of a core for 16 tiles at 15 fps. With a pipe, the relay's session
thread writes each muxed packet with one ``write`` and libVLC's media callbacks read with
libc's own ``read`` (the read end's descriptor is the callback's opaque value): no Python
on libVLC's side at all. On Windows, descriptors belong to one C runtime and libVLC's is
not Python's, so there the relay keeps the Python callbacks (:data:`PIPE_HANDOFF` False).

:class:`PipeWriter` owns both ends until the read end is taken by the player
(:meth:`PipeWriter.take_read_fd`), which then closes it once libVLC is done with it.

Threading: ``write`` runs on the relay session thread, ``close`` on any thread (session
thread on failure, Qt main thread on stop); a lock keeps them apart so that a descriptor is
never written after it was closed (its number could already belong to another file). The
write end is non-blocking: a reader that falls behind never blocks the session (and so
never the camera's other tiles); what does not fit waits in ``pending`` for the next write.
"""

from __future__ import annotations

import contextlib
import os
import select
import sys
import threading

from viewer.core import constants as C

#: Whether relay outputs hand bytes to libVLC through a pipe (else: Python read callbacks).
PIPE_HANDOFF = os.name == "posix"
_F_SETPIPE_SZ = 1031  # Linux fcntl: resize a pipe's kernel buffer


class PipeWriter:
    """One relay output's pipe. See the module docstring for threads and ownership."""

    def __init__(self) -> None:
        self._read_fd, self._write_fd = os.pipe()
        self._read_taken = False
        os.set_blocking(self._write_fd, False)
        if sys.platform.startswith("linux"):  # a keyframe of a main stream fits at once
            with contextlib.suppress(OSError):
                import fcntl

                fcntl.fcntl(self._write_fd, _F_SETPIPE_SZ, C.RELAY_PIPE_CAPACITY_BYTES)
        self._lock = threading.Lock()
        self._pending = bytearray()  # written but not yet in the pipe (reader behind)

    @property
    def pending_bytes(self) -> int:
        return len(self._pending)

    # --- relay session thread ----------------------------------------------------------
    def write(self, data: bytes) -> None:
        """Put ``data`` into the pipe, after anything still pending. Never blocks."""
        with self._lock:
            if self._write_fd < 0:
                return
            if self._pending:
                self._pending += data
                data = bytes(self._pending)
                self._pending.clear()
            try:
                written = os.write(self._write_fd, data)
            except BlockingIOError:
                written = 0
            except OSError:  # the reader is gone (EPIPE): nothing to deliver any more
                return
            if written < len(data):
                self._pending += data[written:]

    def drop_pending(self) -> None:
        """Forget what the reader did not take yet (it fell too far behind)."""
        with self._lock:
            self._pending.clear()

    # --- any thread ----------------------------------------------------------------------
    def close(self, read_end: bool = True) -> None:
        """No more bytes: the reader sees the end once it drained the pipe. ``read_end``:
        also close the read end unless it was taken (the output is dropped). Idempotent."""
        with self._lock:
            fd, self._write_fd = self._write_fd, -1
            self._pending.clear()
            if fd >= 0:
                os.close(fd)
            if read_end and not self._read_taken and self._read_fd >= 0:
                os.close(self._read_fd)
                self._read_fd = -1

    def take_read_fd(self) -> int:
        """Hand the read end over: from now on the caller closes it (after libVLC's input
        that reads it has stopped). -1 when the writer was already closed."""
        with self._lock:
            if self._read_fd < 0 or self._read_taken:
                return -1
            self._read_taken = True
            return self._read_fd

    def read(self, size: int, timeout_s: float | None = None) -> bytes:
        """Read the pipe from Python (tests, and a reader other than libVLC): up to ``size``
        bytes, ``b""`` at the end or after ``timeout_s`` without data."""
        fd = self._read_fd
        if fd < 0 or self._read_taken:
            return b""
        try:
            ready, _, _ = select.select([fd], [], [], timeout_s)
            return os.read(fd, size) if ready else b""
        except (OSError, ValueError):  # closed meanwhile
            return b""
