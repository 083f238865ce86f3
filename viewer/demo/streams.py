"""How the demo city's cameras are served: which protocol, which paths, which misbehaviour.

With ``protocol="rtsp"`` the city looks like the real one: cameras are RTSP on one port (an
NVR), channel ``n`` at Hikvision's paths ``/Streaming/Channels/n01`` (main stream) and
``/Streaming/Channels/n02`` (sub-stream, the same clip here: the clips are small already).
The market cameras (``HTTP_GROUPS``) stay HTTP MPEG-TS so that path stays demonstrated too.
Cameras that must refuse TCP (refused, drops) get ports of their own, as a camera outside the
NVR would. With ``protocol="http"`` every camera is HTTP MPEG-TS at ``/live/<id>.ts``.
Pure data; no threads.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from viewer.sim.cameras import Behaviour, SimCamera

if TYPE_CHECKING:
    from viewer.demo.city import DemoCamera

log = logging.getLogger(__name__)

PROTOCOLS = ("http", "rtsp")
HTTP_GROUPS = ("Pasar",)  # served over HTTP even in an RTSP city
MAIN, SUB = "main", "sub"
#: A client gets at most this much video after it connects while the camera is frozen (so a
#: freeze reaches a connection younger than this only when it has had this much video).
FREEZE_NEW_CLIENT_VIDEO_S = 1.5
HEALTHY, REFUSED, AUTH, NOT_FOUND, FREEZES, DROPS = "healthy", "refused", "auth", "not_found", "freezes", "drops"
BEHAVIOURS = (HEALTHY, REFUSED, AUTH, NOT_FOUND, FREEZES, DROPS)


@dataclass(frozen=True)
class DemoStream:
    """One stream to simulate: the camera it belongs to, main or sub, and the simulator's view."""

    camera_id: str
    role: str  # MAIN or SUB
    scheme: str  # "http" or "rtsp"
    sim: SimCamera


def demo_streams(
    cameras: Sequence[DemoCamera], clip_path: Callable[[str], Path], protocol: str = "http"
) -> list[DemoStream]:
    """The streams of ``cameras`` (``DemoCamera``s), in catalog order. ``clip_path(name)`` gives
    a clip's file. One random Digest password (known to nobody) for the camera that needs one."""
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol must be one of {PROTOCOLS}, not {protocol!r}")
    password = secrets.token_urlsafe(18)
    streams: list[DemoStream] = []
    channel = 0
    for cam in cameras:
        clip = clip_path(cam.clip)
        if protocol == "http" or cam.group in HTTP_GROUPS:
            streams.append(DemoStream(cam.id, MAIN, "http", _sim(cam, f"/live/{cam.id}.ts", clip, password)))
            continue
        own = cam.behaviour in (REFUSED, DROPS)
        if not own:
            channel += 1
        prefix = f"/Streaming/Channels/{1 if own else channel}"
        for role, suffix in ((MAIN, "01"), (SUB, "02")):
            streams.append(DemoStream(cam.id, role, "rtsp", _sim(cam, prefix + suffix, clip, password)))
    return streams


def _sim(cam: DemoCamera, path: str, clip: Path, password: str) -> SimCamera:
    sim = SimCamera(path, clip=clip)
    if cam.behaviour == REFUSED:
        sim.behaviour = Behaviour.REFUSED
    elif cam.behaviour == AUTH:
        sim.behaviour = Behaviour.AUTH_DIGEST
        sim.password = password  # known to nobody: the catalog gives none
    elif cam.behaviour == NOT_FOUND:
        sim.behaviour = Behaviour.NOT_FOUND
    elif cam.behaviour == FREEZES:
        sim.delay_s = FREEZE_NEW_CLIENT_VIDEO_S
    elif cam.behaviour == DROPS:
        sim.own_port = True  # so that dropping really refuses TCP connections
    return sim
