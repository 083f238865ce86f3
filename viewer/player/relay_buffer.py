"""The relay's byte hand-off to libVLC where no socket can be used (Windows, macOS): a Python
buffer that FFmpeg's muxer fills through a file object and libVLC's read callback drains.

It has the interface of :class:`viewer.player.relay_socket.SocketHandoff`, so a
:class:`viewer.player.relay_output.RelayOutput` uses either without asking which.

Threading: ``fits``, ``muxer_target``, ``overfull``, ``drop_backlog``, ``release_writer`` and
the sink's writes run on the relay session thread; ``read`` on a libVLC input thread; ``end``
and ``close`` on any thread (``close``: the Qt main thread on stop). A condition guards the
buffer: ``read`` waits on it, and every write, ``end`` and ``close`` wake it, so a closed or
failed output wakes its reader at once (libVLC's stop then returns promptly).
"""

from __future__ import annotations

import collections
import threading

from viewer.core import constants as C


class _Sink:
    """The file object the muxer writes to (session thread): appends to the buffer."""

    def __init__(self, handoff: BufferHandoff) -> None:
        self._handoff = handoff

    def write(self, data) -> int:
        self._handoff.append(bytes(data))
        return len(data)


class BufferHandoff:
    """One relay output's Python buffer. See the module docstring for threads."""

    def __init__(self, max_bytes: int = C.RELAY_OUTPUT_BUFFER_MAX_BYTES) -> None:
        self._max_bytes = max_bytes
        self._cond = threading.Condition()
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._ended = False  # ended or closed: read returns b"" once the buffer is drained

    # --- relay session thread ----------------------------------------------------------
    def fits(self, size: int) -> bool:
        """Always: the buffer grows, and :meth:`overfull` says when its reader fell behind."""
        return True

    def muxer_target(self) -> _Sink:
        """What a new muxer writes to."""
        return _Sink(self)

    def overfull(self) -> str:
        """Why the reader counts as fallen behind ("" while it keeps up)."""
        return f"{self._buffered} bytes unread" if self._buffered > self._max_bytes else ""

    def drop_backlog(self) -> None:
        """Forget what the reader has not taken (it restarts at the next keyframe)."""
        with self._cond:
            self._chunks.clear()
            self._buffered = 0

    def release_writer(self) -> None:
        """Nothing to close: the muxer's file object is the buffer itself."""

    def append(self, data: bytes) -> None:
        with self._cond:
            if self._ended:
                return
            self._chunks.append(data)
            self._buffered += len(data)
            self._cond.notify_all()

    # --- any thread ----------------------------------------------------------------------
    def end(self) -> None:
        """No more bytes: the reader drains what is buffered, then sees the end."""
        with self._cond:
            self._ended = True
            self._cond.notify_all()

    def finish(self) -> None:
        """The session ended (session thread): as :meth:`end`."""
        self.end()

    def close(self) -> None:
        """The player let go: the buffer is dropped and the reader wakes with ``b""``."""
        with self._cond:
            self._ended = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()

    def take_read_fd(self) -> int:
        """-1: there is no descriptor to hand over; libVLC reads through :meth:`read`."""
        return -1

    # --- libVLC input thread ------------------------------------------------------------
    def read(self, size: int, timeout_s: float | None = None) -> bytes:
        """Up to ``size`` bytes; blocks until some arrive. ``b""`` at the end (closed or
        failed). ``timeout_s`` (tests): ``b""`` also when nothing came in that time."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._chunks or self._ended, timeout_s):
                return b""
            if not self._chunks:
                return b""
            taken, room = [], size  # as much as is there, up to size: fewer calls from libVLC
            while self._chunks and room > 0:
                data = self._chunks[0]
                if len(data) <= room:
                    self._chunks.popleft()
                else:
                    self._chunks[0] = data[room:]
                    data = data[:room]
                taken.append(data)
                room -= len(data)
            data = b"".join(taken)
            self._buffered -= len(data)
            return data
