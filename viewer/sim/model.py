"""What a simulated camera is and how it misbehaves; the per-camera and per-port live state.

``Behaviour`` and ``SimCamera`` are plain data for callers. ``CameraState``, ``Endpoint`` and
``SimContext`` belong to the simulator's event-loop thread: only that thread mutates them
(other threads read ``len(connections)`` at most).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import struct
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Protocol

from viewer.sim.auth import NonceIssuer

log = logging.getLogger(__name__)


class Behaviour(str, Enum):
    """How a simulated camera answers."""

    HEALTHY = "healthy"
    AUTH_BASIC = "auth_basic"  # 401 until Basic credentials match
    AUTH_DIGEST = "auth_digest"  # 401 until a Digest response matches (Basic is refused)
    FORBIDDEN = "forbidden"  # 403
    NOT_FOUND = "not_found"  # 404
    AUDIO_ONLY = "audio_only"  # RTSP: SDP with m=audio only; HTTP: audio/aac or an audio-only HLS
    HANGING = "hanging"  # accepts the connection, never answers
    GARBAGE = "garbage"  # answers random bytes
    SLOW = "slow"  # answers after delay_s
    REFUSED = "refused"  # connection refused (own closed port) or reset (shared port)
    FLAPPING = "flapping"  # healthy for period_s, refused for period_s, and so on
    FROZEN = "frozen"  # sends delay_s seconds of video (RTSP: after PLAY), then nothing; socket kept open
    TRICKLE = "trickle"  # sends video at trickle_ratio of real time
    ENDS = "ends"  # sends delay_s seconds of video, then ends: RTSP an RTCP BYE and a close, HTTP a close
    REJECTS = "rejects"  # RTSP: answers ``status_method`` with ``status`` (e.g. PLAY 454, SETUP 461)

    def __str__(self) -> str:
        return self.value


@dataclass
class SimCamera:
    """A camera to simulate. Times in seconds. ``clip`` is the MPEG-TS file the camera serves live
    (looped); without one an HTTP camera sends null packets and an RTSP camera the default clip
    (H.264 is required for RTSP). ``own_port`` gives the camera a port of its own, so that
    ``REFUSED`` really refuses TCP connections (automatic for REFUSED and FLAPPING).
    ``session_timeout_s`` is the RTSP session timeout announced in the Session header."""

    path: str
    behaviour: Behaviour = Behaviour.HEALTHY
    username: str = "admin"
    password: str = "secret"
    clip: Path | None = None
    delay_s: float = 1.5
    period_s: float = 60.0
    trickle_ratio: float = 0.5
    own_port: bool = False
    session_timeout_s: float = 60.0
    #: REJECTS: the RTSP status code and the method it answers (other methods succeed).
    status: int = 454
    status_method: str = "PLAY"
    #: Like a real camera, a new HTTP client joins the live stream where it is now (the clip's
    #: position since the camera went live), mid-GOP, and waits for the next keyframe; False:
    #: every client starts at the clip's first packet (a keyframe: first picture at once).
    live_join: bool = False
    #: RTSP: the share of the clip's pictures sent (a camera that delivers 10 of its 25 fps:
    #: 0.4), at real-time pace with their own timestamps, key pictures always; the SDP still
    #: announces the clip's frame rate. 1: every picture.
    deliver_ratio: float = 1.0
    #: One-way network delay added to everything the camera sends (RTSP answers and RTP),
    #: seconds: a far or congested link. Each RTSP round trip of the set-up then takes this
    #: long more, and so does the first picture.
    latency_s: float = 0.0


class Connection(Protocol):
    def abort(self) -> None: ...


class TransportConnection:
    """A live client connection, closable from the simulator."""

    __slots__ = ("transport",)

    def __init__(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def abort(self) -> None:
        reset(self.transport)


def reset(transport: asyncio.BaseTransport) -> None:
    """Close with a TCP RST (SO_LINGER 0) rather than a polite FIN."""
    sock = transport.get_extra_info("socket")
    if sock is not None:
        linger = struct.pack("HH" if sys.platform == "win32" else "ii", 1, 0)  # on, 0 s
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
    transport.abort()


@dataclass(eq=False)
class Endpoint:
    """One listening port: shared by many cameras (routed by path) or owned by one."""

    scheme: str  # "rtsp" or "http"
    port: int
    own: bool
    sock: socket.socket | None = None  # listening, not yet served (before start)
    server: asyncio.AbstractServer | None = None
    cameras: dict[str, CameraState] = field(default_factory=dict)


@dataclass(eq=False)
class CameraState:
    """A camera as the servers see it. ``behaviour`` is changed on the loop thread only."""

    cam: SimCamera
    endpoint: Endpoint
    url: str
    clip: object | None = None  # TsClip for HTTP cameras, RtspMedia for RTSP cameras
    period_s: float = 0.0  # the clip's loop period (0: use clip.duration_s)
    epoch_s: float = 0.0  # loop time the camera went live (HLS timeline)
    connections: set[Connection] = field(default_factory=set)
    sessions: set[object] = field(default_factory=set)  # live RTSP sessions (RtspSession)
    #: HTTP requests received so far, by whether the server let them in (tests count the
    #: logins a client makes: a camera locks an account that hammers it).
    requests: int = 0
    refused_requests: int = 0
    flapper: asyncio.Task[None] | None = None

    @property
    def behaviour(self) -> Behaviour:
        return self.cam.behaviour

    def abort_connections(self) -> None:
        for conn in list(self.connections):
            conn.abort()
        self.connections.clear()


@dataclass(eq=False)
class SimContext:
    """Simulator-wide state the servers share: the nonce issuer and every live connection."""

    nonces: NonceIssuer = field(default_factory=NonceIssuer)
    connections: set[Connection] = field(default_factory=set)
    #: Bytes the RTSP connections already closed handed to the kernel (see ``bytes_sent``).
    closed_bytes_sent: int = 0

    def bytes_sent(self) -> int:
        """Bytes every RTSP connection so far handed to the kernel: written minus what still
        waits in asyncio's write buffers (what a reader that paused has not taken)."""
        live = sum(conn.bytes_sent() for conn in self.connections if hasattr(conn, "bytes_sent"))
        return self.closed_bytes_sent + live
