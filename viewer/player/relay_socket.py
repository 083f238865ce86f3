"""The relay's byte hand-off to libVLC on Linux: a Unix socket pair that FFmpeg writes and
libVLC reads, both in C.

Measured (docs/benchmarks-method.md, "RTSP ÷ HTTP-TS wall CPU"): a Python read callback on
libVLC's side costs a Python thread state, the GIL and a wake-up per packet, and a Python
write callback on the muxer's side the same again. Here neither runs: the relay's MPEG-TS
muxer writes its own duplicate of the write end (FFmpeg's ``pipe:N`` protocol, plain
``write``), and libVLC's media callbacks read the read end with libc's ``read`` (the
descriptor is the callback's opaque value). No Python per packet but the muxing call itself.

Why a socket and not a pipe: the player stops on another thread than the one that muxes.
``shutdown`` acts on the socket, not on one descriptor, so :meth:`SocketHandoff.end` wakes
libVLC's blocked ``read`` (it sees the end once it drained what was written) and makes the
muxer's next write fail at once (EPIPE), without closing a descriptor that the session thread
may be writing (its number could already belong to another file). A pipe only ends when every
copy of its write end is closed.

Never blocking the session thread: the write end is non-blocking, and before each packet the
relay asks :func:`has_room` whether it fits in the socket's buffer (the kernel's count of what
is queued, ``TIOCOUTQ``). A reader that falls behind loses its backlog at the next packet
that does not fit and restarts at a keyframe; the camera's other tiles never wait for it.
FFmpeg's own write loop retries a full buffer every millisecond without a time limit, so the
check is what keeps a stuck reader from stopping the session; a write that still waits (the
kernel's count is approximate) ends when the player stops (``end`` → EPIPE).

Windows descriptors belong to one C runtime and libVLC's is not Python's; there (and on any
platform but Linux, where ``TIOCOUTQ`` is missing) the relay keeps Python callbacks:
:data:`SOCKET_HANDOFF` is False.

Threading: ``fits``, ``muxer_target``, ``release_writer``, ``muxer_descriptor`` and
:func:`has_room` run on the relay session thread, which owns (and closes) every descriptor
they hand out; ``end``, ``finish``, ``close`` and ``take_read_fd`` on any thread (the Qt main
thread on stop), under a lock. :class:`viewer.player.relay_buffer.BufferHandoff` has the same
interface for the platforms without the socket.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import select
import socket
import struct
import sys
import termios
import threading

from viewer.core import constants as C

#: Whether relay outputs hand bytes to libVLC through a socket written by FFmpeg (else:
#: Python callbacks on both sides).
SOCKET_HANDOFF = sys.platform.startswith("linux")
#: The kernel counts a write's buffer overhead too (~2 KB per write of a packet here).
_OVERHEAD_BYTES = 4096


def has_room(descriptor: int, size: int, capacity: int) -> bool:
    """Whether ``size`` more bytes fit in the socket's send buffer without waiting for its
    reader. ``descriptor``: the caller's own copy of the write end. Session thread."""
    try:
        queued = struct.unpack("i", fcntl.ioctl(descriptor, termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except OSError:
        return False
    return queued + size + size // 4 + _OVERHEAD_BYTES <= capacity


class SocketHandoff:
    """One relay output's socket pair. See the module docstring for threads and ownership."""

    def __init__(self) -> None:
        self._reader, self._writer = socket.socketpair()
        self._writer.setblocking(False)
        with contextlib.suppress(OSError):  # the kernel caps it (net.core.wmem_max)
            self._writer.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, C.RELAY_SOCKET_BUFFER_BYTES)
        #: Bytes the send buffer holds, as the kernel counts them (``has_room``).
        self.capacity = self._writer.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        self._lock = threading.Lock()
        self._ended = False
        self._read_taken = False
        self._muxer_fd = -1  # the current muxer's own copy of the write end (session thread)

    # --- relay session thread ----------------------------------------------------------
    def fits(self, size: int) -> bool:
        """Whether ``size`` more bytes fit without waiting for the reader; opens the muxer's
        own copy of the write end first if it has none. False once the hand-off ended."""
        if self._muxer_fd < 0:
            self._muxer_fd = self.muxer_descriptor()
        return self._muxer_fd >= 0 and has_room(self._muxer_fd, size, self.capacity)

    def muxer_target(self) -> str:
        """What a new muxer writes to: FFmpeg's ``pipe:N`` on the copy :meth:`fits` opened."""
        return f"pipe:{self._muxer_fd}"

    def overfull(self) -> str:
        """Always "": :meth:`fits` already refused what would not fit."""
        return ""

    def drop_backlog(self) -> None:
        """Nothing to drop: what the socket holds stays for the reader (the old muxer's bytes)."""

    def release_writer(self) -> None:
        """Close the muxer's copy of the write end (after the muxer is gone; idempotent)."""
        fd, self._muxer_fd = self._muxer_fd, -1
        if fd >= 0:
            os.close(fd)

    def finish(self) -> None:
        """The session ended: the reader drains what was written, then sees the end."""
        self.close(read_end=False)

    def muxer_descriptor(self) -> int:
        """A new duplicate of the write end for a muxer (``pipe:N``); the caller closes it
        once the muxer is gone. -1 when the hand-off has ended."""
        with self._lock:
            if self._ended:
                return -1
            return os.dup(self._writer.fileno())

    # --- any thread ----------------------------------------------------------------------
    def end(self) -> None:
        """No more bytes: the reader drains what was written, then sees the end; every
        later write fails at once (EPIPE). Idempotent."""
        with self._lock:
            if self._ended:
                return
            self._ended = True
            with contextlib.suppress(OSError):
                self._writer.shutdown(socket.SHUT_WR)

    def close(self, read_end: bool = True) -> None:
        """End, and close this object's write end; ``read_end``: the read end too unless it
        was taken. The muxers' duplicates are their session thread's to close."""
        self.end()
        with self._lock:
            self._writer.close()
            if read_end and not self._read_taken:
                self._reader.close()

    def take_read_fd(self) -> int:
        """Hand the read end over: from now on the caller closes it (after libVLC's input
        that reads it has stopped). -1 when it was taken or closed already."""
        with self._lock:
            if self._read_taken or self._reader.fileno() < 0:
                return -1
            self._read_taken = True
            return self._reader.detach()

    def read(self, size: int, timeout_s: float | None = None) -> bytes:
        """Read from Python (tests, a reader other than libVLC): up to ``size`` bytes,
        ``b""`` at the end or after ``timeout_s`` without data."""
        if self._read_taken:
            return b""
        try:
            ready, _, _ = select.select([self._reader], [], [], timeout_s)
            return self._reader.recv(size) if ready else b""
        except (OSError, ValueError):  # closed meanwhile
            return b""
