"""One subscriber of an RTSP relay session: its own MPEG-TS muxer and byte buffer.

Each libVLC input that shows a relayed camera reads from one :class:`RelayOutput`. The
session thread muxes video packets into it (:meth:`feed`, no decoding: the compressed
H.264/H.265 access units are only re-wrapped); libVLC's input thread takes the bytes out
(:meth:`read`, blocking). Every output starts with its own PAT/PMT and a keyframe, so a
tile that joins a running session is a clean stream from its first byte.

Threading: ``feed``/``restart``/``finish`` run on the session thread ("relay-..."),
``read`` on a libVLC input thread, ``close`` on the Qt main thread. A lock guards the
buffer; ``read`` waits on a condition that ``feed``, ``finish`` and ``close`` signal, so a
closed or failed output wakes its reader at once (libVLC's stop then returns promptly).
The failure callback runs on the session thread and must only hand the reason over.

Where :data:`~viewer.player.relay_pipe.PIPE_HANDOFF` holds (POSIX), the bytes go into an OS
pipe instead of the buffer and libVLC reads the pipe in C (see relay_pipe); ``read`` then
reads the pipe (tests).
"""

from __future__ import annotations

import collections
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av
import av.error

from viewer.core import constants as C
from viewer.core.reasons import Reason
from viewer.player.relay_pipe import PIPE_HANDOFF, PipeWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VideoPacket:
    """A compressed video access unit, copied out of FFmpeg's packet (immutable, shareable)."""

    data: bytes
    pts: int | None
    dts: int | None
    time_base: Fraction
    keyframe: bool


class _Sink:
    """The file object the muxer writes to (session thread): appends to the output's buffer."""

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
        self.packets_in = 0  # video packets muxed (diagnostics, tests)
        self.mux_errors = 0  # packets the muxer refused in a row
        self.needs_backlog = True  # session thread: replay the current GOP before the next packet
        self.session = None  # the RtspSession it belongs to (set by RtspRelay)
        self.pipe = PipeWriter() if PIPE_HANDOFF else None  # else libVLC reads the buffer

    # --- session thread -----------------------------------------------------------------
    def feed(self, packet: VideoPacket, template) -> None:
        """Mux one packet. Waits for a keyframe before the first one; ``template`` is the
        input's video stream (codec parameters for the muxer)."""
        if self.closed or self._ended:
            return
        if packet.pts is None and packet.dts is None:
            return  # nothing to time it by (FFmpeg before the first RTCP sender report, broken senders)
        if self._muxer is None:
            if not packet.keyframe:
                return
            self._start_muxer(template)
        out = av.Packet(packet.data)
        out.pts = packet.pts
        out.dts = packet.pts if packet.dts is None else packet.dts
        out.time_base = packet.time_base
        out.is_keyframe = packet.keyframe
        out.stream = self._stream
        try:
            self._muxer.mux(out)
        except (av.error.FFmpegError, ValueError) as exc:  # e.g. timestamps going backwards
            self.mux_errors += 1
            if self.mux_errors >= C.RELAY_MAX_MUX_ERRORS:
                raise
            log.debug("relay: packet dropped (%s)", type(exc).__name__)
            return
        self.mux_errors = 0
        self.packets_in += 1
        behind = self.pipe.pending_bytes if self.pipe is not None else self._buffered
        if behind > C.RELAY_OUTPUT_BUFFER_MAX_BYTES:
            log.warning("relay subscriber not reading: %d bytes dropped, restarting at the next keyframe", behind)
            with self._cond:
                self._chunks.clear()
                self._buffered = 0
            if self.pipe is not None:
                self.pipe.drop_pending()
            self._muxer = self._stream = None

    def finish(self, reason: Reason, detail: str) -> None:
        """The session ended: report why (once), then let the reader drain and see the end."""
        callback, self._on_failure = self._on_failure, None
        if callback is not None and not self.closed:
            callback(reason, detail)  # before waking the reader: the reason goes out first
        if self.pipe is not None:
            self.pipe.close(read_end=False)  # the reader drains, then sees the end
        with self._cond:
            self._ended = True
            self._cond.notify_all()
        self._muxer = self._stream = None

    def _start_muxer(self, template) -> None:
        options = {"max_delay": str(self._mux_delay_ms * 1000)}  # µs between PCR and DTS
        self._muxer = av.open(_Sink(self), "w", format="mpegts", options=options)
        self._stream = self._muxer.add_stream_from_template(template)

    def _append(self, data: bytes) -> None:
        if self.pipe is not None:
            self.pipe.write(data)
            return
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
        if self.pipe is not None:
            return self.pipe.read(size, timeout_s)
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
        if self.pipe is not None:
            self.pipe.close()
        with self._cond:
            self._ended = True
            self._chunks.clear()
            self._buffered = 0
            self._cond.notify_all()
