"""One subscriber of an RTSP relay session: its own MPEG-TS muxer and byte hand-off.

Each libVLC input that shows a relayed camera reads from one :class:`RelayOutput`. The
session thread muxes video packets into it (:meth:`feed`, no decoding: the compressed
H.264/H.265 access units are only re-wrapped, and the same packet, unchanged, goes to every
subscriber); libVLC's input thread takes the bytes out. Every output starts with its own
PAT/PMT and a keyframe, so a tile that joins a running session is a clean stream from its
first byte.

The bytes reach libVLC through a hand-off: on Linux
(:data:`~viewer.player.relay_socket.SOCKET_HANDOFF`) a socket that FFmpeg's muxer writes and
libVLC reads, both in C (:class:`~viewer.player.relay_socket.SocketHandoff`); elsewhere
(Windows) a Python buffer that libVLC's read callback drains
(:class:`~viewer.player.relay_buffer.BufferHandoff`). Both have one interface, so nothing
here asks which. A reader that falls behind loses its backlog and restarts at a keyframe.

Threading: ``feed``/``finish``/``release`` run on the session thread ("relay-..."), which
alone touches the muxer; ``read`` on a libVLC input thread (or a test); ``close`` on the Qt
main thread. The hand-off wakes a blocked reader on ``finish`` and ``close``, so libVLC's
stop returns promptly. The failure callback runs on the session thread and must only hand
the reason over.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import Callable

import av
import av.error

from viewer.core import constants as C
from viewer.core.reasons import Reason
from viewer.player.relay_buffer import BufferHandoff
from viewer.player.relay_socket import SOCKET_HANDOFF, SocketHandoff

log = logging.getLogger(__name__)


class RelayOutput:
    """MPEG-TS bytes of one session for one libVLC input. See the module docstring."""

    def __init__(self, on_failure: Callable[[Reason, str], None] | None, mux_delay_ms: int = 0) -> None:
        self._on_failure = on_failure
        self._mux_delay_ms = max(0, int(mux_delay_ms))
        self._ended = False  # finished: no more packets
        self.closed = False  # the player let go of it
        self._muxer = None  # session thread only
        self._stream = None
        self.packets_in = 0  # video packets muxed (diagnostics, tests)
        self.mux_errors = 0  # packets the muxer refused in a row
        self.restarts = 0  # times its reader fell behind and it restarted at a keyframe
        self.needs_backlog = True  # session thread: replay the current GOP before the next packet
        self.session = None  # the RtspSession it belongs to (set by RtspRelay)
        self.handoff: SocketHandoff | BufferHandoff = SocketHandoff() if SOCKET_HANDOFF else BufferHandoff()

    # --- session thread -----------------------------------------------------------------
    def feed(self, packet: av.Packet, template) -> None:
        """Mux one packet (PyAV's, timed; it is not changed but for its stream, so one packet
        serves every subscriber). Waits for a keyframe before the first one; ``template`` is
        the input's video stream (codec parameters for the muxer)."""
        if self.closed or self._ended:
            return
        if self._muxer is None:
            if not packet.is_keyframe or not self.handoff.fits(packet.size):
                return
            self._start_muxer(template)
        elif not self.handoff.fits(packet.size):
            self._fell_behind("no room for the next packet")
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
        behind = self.handoff.overfull()
        if behind:
            self._fell_behind(behind)

    def finish(self, reason: Reason, detail: str) -> None:
        """The session ended: report why (once), then let the reader drain and see the end."""
        callback, self._on_failure = self._on_failure, None
        if callback is not None and not self.closed:
            callback(reason, detail)  # before waking the reader: the reason goes out first
        self._ended = True
        self.handoff.finish()
        self.release()

    def release(self) -> None:
        """Drop the muxer and close its writing end (session thread; idempotent): after the
        output ended or was closed."""
        self._drop_muxer()
        self.handoff.release_writer()

    def _drop_muxer(self) -> None:
        muxer, self._muxer, self._stream = self._muxer, None, None
        if muxer is not None:
            with contextlib.suppress(Exception):  # its last bytes may meet a closed reader
                muxer.close()

    def _fell_behind(self, detail: str) -> None:
        log.warning("relay subscriber not reading (%s): restarting it at the next keyframe", detail)
        self.restarts += 1
        self._drop_muxer()
        self.handoff.drop_backlog()

    def _start_muxer(self, template) -> None:
        options = {"max_delay": str(self._mux_delay_ms * 1000)}  # µs between PCR and DTS
        self._muxer = av.open(self.handoff.muxer_target(), "w", format="mpegts", options=options)
        self._stream = self._muxer.add_stream_from_template(template)

    # --- libVLC input thread ------------------------------------------------------------
    def read(self, size: int, timeout_s: float | None = None) -> bytes:
        """Up to ``size`` bytes; blocks until some arrive. ``b""`` at the end (closed or
        failed). ``timeout_s`` (tests): ``b""`` also when nothing came in that time."""
        return self.handoff.read(size, timeout_s)

    # --- Qt main thread -----------------------------------------------------------------
    def close(self) -> None:
        """The player stops: no more failure reports, the reader wakes with ``b""``. The
        muxer's writing end is the session thread's to close (``release``)."""
        self.closed = True
        self._on_failure = None
        self.handoff.close()
