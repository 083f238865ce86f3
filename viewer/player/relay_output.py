"""One subscriber of an RTSP relay session: its own MPEG-TS muxer and byte hand-off.

Each libVLC input that shows a relayed camera reads from one :class:`RelayOutput`. The
session thread muxes video packets into it (:meth:`feed`, no decoding: the compressed
H.264/H.265 access units are only re-wrapped, and the same packet, unchanged, goes to every
subscriber); libVLC's input thread takes the bytes out. Every output starts with its own
PAT/PMT and a keyframe, so a tile that joins a running session is a clean stream from its
first byte.

Where :data:`~viewer.player.relay_socket.SOCKET_HANDOFF` holds (Linux), FFmpeg's muxer writes
a socket that libVLC reads, both in C (see relay_socket); :meth:`read` then reads the socket
(tests). Elsewhere (Windows) the muxer writes into a Python buffer through a file object and
libVLC's read callback calls :meth:`read`.

Threading: ``feed``/``finish``/``release`` run on the session thread ("relay-..."), which
alone touches the muxer and its descriptor; ``read`` on a libVLC input thread; ``close`` on
the Qt main thread. A lock guards the Python buffer; ``read`` waits on a condition that
``feed``, ``finish`` and ``close`` signal, so a closed or failed output wakes its reader at
once (libVLC's stop then returns promptly); with the socket, ``close`` shuts it down to the
same effect. The failure callback runs on the session thread and must only hand the reason
over.
"""

from __future__ import annotations

import collections
import contextlib
import errno
import logging
import os
import threading
from collections.abc import Callable

import av
import av.error

from viewer.core import constants as C
from viewer.core.reasons import Reason
from viewer.player.relay_socket import SOCKET_HANDOFF, SocketHandoff, has_room

log = logging.getLogger(__name__)


class _Sink:
    """The file object the muxer writes to where no socket is used (session thread):
    appends to the output's buffer."""

    def __init__(self, output: RelayOutput) -> None:
        self._output = output

    def write(self, data) -> int:
        self._output._append(bytes(data))
        return len(data)


class RelayOutput:
    """MPEG-TS bytes of one session for one libVLC input. See the module docstring."""

    def __init__(self, on_failure: Callable[[Reason, str], None] | None, mux_delay_ms: int = 0) -> None:
        self._on_failure = on_failure
        self._mux_delay_ms = max(0, int(mux_delay_ms))
        self._cond = threading.Condition()
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._ended = False  # failed or closed: read returns b"" once the buffer is drained
        self.closed = False  # the player let go of it
        self._muxer = None  # session thread only
        self._stream = None
        self._muxer_fd = -1  # the muxer's own copy of the socket's write end (session thread)
        self.packets_in = 0  # video packets muxed (diagnostics, tests)
        self.mux_errors = 0  # packets the muxer refused in a row
        self.restarts = 0  # times its reader fell behind and it restarted at a keyframe
        self.needs_backlog = True  # session thread: replay the current GOP before the next packet
        self.session = None  # the RtspSession it belongs to (set by RtspRelay)
        self.handoff = SocketHandoff() if SOCKET_HANDOFF else None  # else libVLC reads the buffer

    # --- session thread -----------------------------------------------------------------
    def feed(self, packet: av.Packet, template) -> None:
        """Mux one packet (PyAV's, timed; it is not changed but for its stream, so one packet
        serves every subscriber). Waits for a keyframe before the first one; ``template`` is
        the input's video stream (codec parameters for the muxer)."""
        if self.closed or self._ended:
            return
        if self._muxer is None:
            if not packet.is_keyframe or not self._fits(packet.size):
                return
            self._start_muxer(template)
            if self._muxer is None:
                return
        elif not self._fits(packet.size):
            self._fell_behind("its socket is full")
            return
        packet.stream = self._stream
        try:
            self._muxer.mux_one(packet)
        except (av.error.FFmpegError, ValueError) as exc:  # e.g. timestamps going backwards
            if getattr(exc, "errno", None) == errno.EPIPE:  # the player let go meanwhile
                self.release()
                return
            self.mux_errors += 1
            if self.mux_errors >= C.RELAY_MAX_MUX_ERRORS:
                raise
            log.debug("relay: packet dropped (%s)", type(exc).__name__)
            return
        self.mux_errors = 0
        self.packets_in += 1
        if self.handoff is None and self._buffered > C.RELAY_OUTPUT_BUFFER_MAX_BYTES:
            self._fell_behind(f"{self._buffered} bytes")

    def finish(self, reason: Reason, detail: str) -> None:
        """The session ended: report why (once), then let the reader drain and see the end."""
        callback, self._on_failure = self._on_failure, None
        if callback is not None and not self.closed:
            callback(reason, detail)  # before waking the reader: the reason goes out first
        if self.handoff is not None:
            self.handoff.close(read_end=False)  # the reader drains, then sees the end
        with self._cond:
            self._ended = True
            self._cond.notify_all()
        self.release()

    def release(self) -> None:
        """Drop the muxer and close its descriptor (session thread; idempotent): after the
        output ended or was closed."""
        self._drop_muxer()
        fd, self._muxer_fd = self._muxer_fd, -1
        if fd >= 0:
            os.close(fd)

    def _drop_muxer(self) -> None:
        muxer, self._muxer, self._stream = self._muxer, None, None
        if muxer is not None:
            with contextlib.suppress(Exception):  # its last bytes may meet a closed reader
                muxer.close()

    def _fits(self, size: int) -> bool:
        """Whether ``size`` more bytes can be written without waiting for the reader."""
        if self.handoff is None:
            return True
        if self._muxer_fd < 0:
            self._muxer_fd = self.handoff.muxer_descriptor()
        return self._muxer_fd >= 0 and has_room(self._muxer_fd, size, self.handoff.capacity)

    def _fell_behind(self, detail: str) -> None:
        log.warning("relay subscriber not reading (%s): restarting it at the next keyframe", detail)
        self.restarts += 1
        self._drop_muxer()
        with self._cond:
            self._chunks.clear()
            self._buffered = 0

    def _start_muxer(self, template) -> None:
        options = {"max_delay": str(self._mux_delay_ms * 1000)}  # µs between PCR and DTS
        if self.handoff is None:
            self._muxer = av.open(_Sink(self), "w", format="mpegts", options=options)
        else:  # FFmpeg writes the socket itself (the descriptor comes from _fits)
            self._muxer = av.open(f"pipe:{self._muxer_fd}", "w", format="mpegts", options=options)
        self._stream = self._muxer.add_stream_from_template(template)

    def _append(self, data: bytes) -> None:
        with self._cond:
            if self._ended:
                return
            self._chunks.append(data)
            self._buffered += len(data)
            self._cond.notify_all()

    # --- libVLC input thread ------------------------------------------------------------
    def read(self, size: int, timeout_s: float | None = None) -> bytes:
        """Up to ``size`` bytes; blocks until some arrive. ``b""`` at the end (closed or
        failed). ``timeout_s`` (tests): ``b""`` also when nothing came in that time."""
        if self.handoff is not None:
            return self.handoff.read(size, timeout_s)
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

    # --- Qt main thread -----------------------------------------------------------------
    def close(self) -> None:
        """The player stops: no more failure reports, the reader wakes with ``b""``."""
        self.closed = True
        self._on_failure = None
        if self.handoff is not None:
            self.handoff.close()  # the muxer's descriptor is the session thread's (release)
        with self._cond:
            self._ended = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()
