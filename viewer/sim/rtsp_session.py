"""An RTSP session of a simulated camera: RTP over the RTSP connection, paced in real time.

Runs on the simulator's loop thread: one ``loop.call_at`` timer per playing session, no task,
no thread. Stream time advances with the loop clock times the camera's rate, as for HTTP
(``ts_stream``): 1 when healthy, ``trickle_ratio`` when TRICKLE, 0 once FROZEN (after the
first ``delay_s`` seconds after PLAY, the connection stays open), and ENDS sends ``delay_s``
seconds, then an RTCP BYE, then closes. The clip loops with timestamps that keep increasing.
A client that does not read loses whole pictures up to the next keyframe (the send buffer is
bounded), as with a real camera. A camera's ``deliver_ratio`` below 1 sends only that share of
the pictures (their RTP sequence numbers stay contiguous: nothing is "lost" on the wire, the
camera just delivers fewer pictures than its SDP announces).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable

from viewer.sim.model import Behaviour, CameraState
from viewer.sim.rtp import RtpTrack, interleaved, rtcp_bye, rtcp_sender_report, rtp_packet

log = logging.getLogger(__name__)

SESSION_TIMEOUT_S = 60  # announced in the Session header; no request nor RTCP for this long ends it
MAX_WAIT_S = 0.2  # re-check the behaviour at least this often while frozen or idle
MAX_SEND_BUFFER_BYTES = 1 << 20  # beyond this the client is not reading: drop to the next keyframe
SENDER_REPORT_EVERY_S = 5.0  # RTCP SR interval (RFC 3550's minimum interval)


class RtspSession:
    """One session: its id, the track it set up, and (once PLAY arrives) its RTP sender.

    ``write`` sends bytes on the RTSP connection; ``close`` ends the connection politely.
    """

    def __init__(
        self,
        state: CameraState,
        track: RtpTrack,
        channel: int,
        write: Callable[[bytes], None],
        buffered: Callable[[], int],
        close: Callable[[], None],
        timeout_s: float = SESSION_TIMEOUT_S,
    ) -> None:
        self.id = secrets.token_hex(8).upper()
        self.state = state
        self.track = track
        self.channel = channel
        self.ssrc = secrets.randbits(32)
        self.first_seq = secrets.randbits(16)
        self.first_rtp_ticks = secrets.randbits(32)
        self.timeout_s = timeout_s
        self._write, self._buffered, self._close = write, buffered, close
        self._seq = self.first_seq
        self._index = self._loop_index = 0
        self._stream_s = self._last_s = 0.0
        self._playing = False
        self._ended = False
        self._skip_to_keyframe = False
        self._credit = 0.0  # pictures owed under the camera's deliver_ratio (a throttle)
        self._timer: asyncio.TimerHandle | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self.packets_sent = self.octets_sent = 0
        self._next_report_s = 0.0
        self.touch()

    # control -----------------------------------------------------------------------------
    def touch(self) -> None:
        """A request or an RTCP packet came in: the session lives ``timeout_s`` more."""
        if self._expiry is not None:
            self._expiry.cancel()
        self._expiry = asyncio.get_running_loop().call_later(self.timeout_s, self._expired)

    def play(self) -> None:
        """Start (or resume) sending. Idempotent."""
        if self._playing or self._ended:
            return
        self._playing = True
        self._last_s = asyncio.get_running_loop().time()
        self._tick()

    def stop(self) -> None:
        """Stop sending and forget the timers (TEARDOWN or connection lost). Idempotent."""
        self._playing = False
        self._ended = True
        for timer in (self._timer, self._expiry):
            if timer is not None:
                timer.cancel()
        self._timer = self._expiry = None

    @property
    def rtp_info(self) -> str:
        """``seq``/``rtptime`` of the first packet PLAY will send, for the RTP-Info header."""
        return f"seq={self._seq};rtptime={self._rtp_time(self._index, self._loop_index)}"

    # sending -----------------------------------------------------------------------------
    def _expired(self) -> None:
        log.info("RTSP session %s of %s timed out", self.id, self.state.cam.path)
        self.stop()
        self._close()

    def _advance(self, now: float) -> None:
        behaviour, cam = self.state.behaviour, self.state.cam
        elapsed = now - self._last_s
        self._last_s = now
        if behaviour is Behaviour.TRICKLE:
            self._stream_s += elapsed * cam.trickle_ratio
        elif behaviour in (Behaviour.FROZEN, Behaviour.ENDS):
            self._stream_s = min(self._stream_s + elapsed, max(self._stream_s, cam.delay_s))
        else:
            self._stream_s += elapsed

    def _tick(self) -> None:
        self._timer = None
        if not self._playing:
            return
        loop = asyncio.get_running_loop()
        self._advance(loop.time())
        track = self.track
        out: list[bytes] = []
        while track.due_s(self._index, self._loop_index) <= self._stream_s:
            out.extend(self._unit_packets())
            self._index += 1
            if self._index == len(track.units):
                self._index, self._loop_index = 0, self._loop_index + 1
        if out:
            self._write(b"".join(out))
        if self._stream_s >= self._next_report_s and self.packets_sent:
            self._next_report_s = self._stream_s + SENDER_REPORT_EVERY_S
            now_ticks = round(self._stream_s * track.clock_hz) + self.first_rtp_ticks + track.units[0].rtp_ticks
            report = rtcp_sender_report(self.ssrc, time.time(), now_ticks, self.packets_sent, self.octets_sent)
            self._write(interleaved(self.channel + 1, report))
        cam = self.state.cam
        if self.state.behaviour is Behaviour.ENDS and self._stream_s >= cam.delay_s:
            log.info("RTSP session %s of %s ends: RTCP BYE", self.id, cam.path)
            self._write(interleaved(self.channel + 1, rtcp_bye(self.ssrc)))
            self.stop()
            self._close()
            return
        wait = MAX_WAIT_S
        if self.state.behaviour in (Behaviour.HEALTHY, Behaviour.TRICKLE) or self._stream_s < cam.delay_s:
            wait = min(wait, track.due_s(self._index, self._loop_index) - self._stream_s)
        self._timer = loop.call_at(loop.time() + max(wait, 0.0), self._tick)

    def _unit_packets(self) -> list[bytes]:
        unit = self.track.units[self._index]
        ratio = self.state.cam.deliver_ratio
        if ratio < 1.0:  # throttled: send this share of the pictures (key pictures on credit)
            self._credit += ratio
            if self._credit < 1.0 - 1e-9 and not unit.keyframe:
                return []
            self._credit -= 1.0
        if self._buffered() > MAX_SEND_BUFFER_BYTES:
            self._skip_to_keyframe = True
        if self._skip_to_keyframe:
            if not unit.keyframe or self._buffered() > MAX_SEND_BUFFER_BYTES:
                return []
            self._skip_to_keyframe = False
        track = self.track
        timestamp = self._rtp_time(self._index, self._loop_index)
        last = len(unit.payloads) - 1
        packets = []
        for n, payload in enumerate(unit.payloads):
            marker = track.marker_on_last and n == last
            rtp = rtp_packet(track.payload_type, marker, self._seq, timestamp, self.ssrc, payload)
            packets.append(interleaved(self.channel, rtp))
            self._seq += 1
            self.octets_sent += len(payload)
        self.packets_sent += len(packets)
        return packets

    def _rtp_time(self, index: int, loop_index: int) -> int:
        track = self.track
        return (self.first_rtp_ticks + loop_index * track.period_ticks + track.units[index].rtp_ticks) % (1 << 32)
