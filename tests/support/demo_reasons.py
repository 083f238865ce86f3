"""What the probe must say about each planned behaviour of a demo camera, shortly after start
(shared by the HTTP and the RTSP demo city's tests)."""

from __future__ import annotations

from viewer.core.reasons import Reason
from viewer.demo.streams import AUTH, DROPS, FREEZES, HEALTHY, NOT_FOUND, REFUSED

PLANNED_REASONS = {
    HEALTHY: Reason.OK,
    REFUSED: Reason.REFUSED,
    AUTH: Reason.AUTH,
    NOT_FOUND: Reason.NOT_FOUND,
    FREEZES: Reason.OK,  # healthy for the first 40 s
    DROPS: Reason.OK,  # healthy for the first 20 s
}
