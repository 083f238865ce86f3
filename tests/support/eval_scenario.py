"""The hand-built journal of the evaluation tests (local time UTC+7: use ``local_tz``).

The period is 2026-11-02 00:00 → 2026-11-04 00:00 (two days, 172,800 s). District A has four
cameras on recorder 10.0.0.1:554 that go down together (one recorder incident), with
overlapping rows from two sources, a coverage gap, an outage still open and one that began
before the period; district B has an unwatched camera (with a ``recorder:`` field) and one
never seen online. tests/core/test_evaluate.py checks every figure of it by hand.

Two *degraded* rows (a2 and a4) are journaled like outages but are not down time: every
availability figure of this journal is the same with or without them. :func:`stream_minutes`
are the capacity section's known truth (tests/core/test_capacity.py works every figure out).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from viewer.core.capacity import capacity_input_from_minutes
from viewer.core.evaluation_model import CoverageRow, EvaluationInput, OutageRow
from viewer.core.stream_figures import StreamMinute

PLUS7 = timezone(timedelta(hours=7))
DAY = 86_400.0

CATALOG = """
version: 1
districts:
  - {id: A, name: Alpha, group: north}
  - {id: B, name: Beta, group: south}
cameras:
  - {id: a1, name: A one, district: A, url: "rtsp://10.0.0.1/ch1", substream: "rtsp://10.0.0.1/ch1s"}
  - {id: a2, name: A two, district: A, url: "rtsp://10.0.0.1/ch2", substream: "rtsp://10.0.0.1/ch2s"}
  - {id: a3, name: A three, district: A, url: "rtsp://10.0.0.1:554/ch3", substream: "rtsp://10.0.0.1/ch3s"}
  - {id: a4, name: A four, district: A, url: "rtsp://10.0.0.1/ch4"}
  - {id: b1, name: B one, district: B, url: "rtsp://10.0.0.2:8554/x", substream: "rtsp://10.0.0.2:8554/s",
     recorder: "nvr-b:554"}
  - {id: b2, name: B two, district: B, url: "http://10.0.0.3/x", group: ATCS}
  - {id: b9, name: B off, district: B, url: "http://10.0.0.4/x", enabled: false}
"""


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    """November ``day``, 2026, local (UTC+7) time, as epoch seconds."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=PLUS7).timestamp()


def outage(oid, camera, reason, start, end, source="wall", ack=None) -> OutageRow:
    return OutageRow(oid, camera, reason, start, end, source,
                     acknowledged_at=ack, acknowledged_by="op" if ack else None)


def journal(with_capacity: bool = True) -> EvaluationInput:
    outages = (
        # a1: wall and sweep saw one fault: merged into [10:00, 10:20), acknowledged after 3 min
        outage(1, "a1", "unreachable", at(2, 10), at(2, 10, 10), ack=at(2, 10, 3)),
        outage(2, "a1", "refused", at(2, 10, 5), at(2, 10, 20), source="sweep"),
        # a2: one hour down, then stalled across the end of its coverage gap (12:00-18:00)
        outage(3, "a2", "unreachable", at(2, 10, 0, 2), at(2, 11, 0, 2)),
        outage(4, "a2", "stalled", at(2, 17), at(2, 19)),
        # a3: down since 10:00:04 and still open
        outage(5, "a3", "unreachable", at(2, 10, 0, 4), None),
        # a4: 30 s timeout; and an auth outage that began the evening before the period
        outage(6, "a4", "timeout", at(2, 10, 0, 6), at(2, 10, 0, 36)),
        outage(7, "a4", "auth", at(1, 22), at(2, 1), ack=at(1, 23)),
        # b2: not found from before the period until the end of its only coverage
        outage(8, "b2", "not_found", at(1, 0), at(2, 6)),
        # a camera no longer in the catalog, and the disabled one: left out
        outage(9, "gone", "refused", at(2, 3), at(2, 4)),
        outage(10, "b9", "refused", at(2, 3), at(2, 4)),
        # ended before the period: not counted
        outage(11, "a1", "refused", at(1, 3), at(1, 4)),
        # degraded (low frame rate), NOT down: a4 12:00-14:00 (7,200 s); a2 10:30-12:30, of which
        # 10:30-11:00:02 is inside its unreachable outage and 12:00-12:30 unwatched: 3,598 s
        outage(12, "a4", "degraded", at(2, 12), at(2, 14)),
        outage(13, "a2", "degraded", at(2, 10, 30), at(2, 12, 30)),
    )
    coverage = (
        CoverageRow("a1", at(1, 12), at(2, 10, 30)),  # tile and sweep overlapping, then still watched
        CoverageRow("a1", at(2, 9), None),
        CoverageRow("a2", at(2, 0), at(2, 12)),
        CoverageRow("a2", at(2, 18), at(5)),
        CoverageRow("a3", at(1), None),
        CoverageRow("a4", at(2), at(4)),
        CoverageRow("b2", at(2), at(2, 6)),
    )
    capacity = capacity_input_from_minutes(stream_minutes(), at(2), at(4)) if with_capacity else None
    return EvaluationInput(since=at(2), until=at(4), generated_at=at(5, 8), outages=outages, coverage=coverage,
                           capacity=capacity)


#: Degraded seconds of the scenario: a4 7,200 + a2 3,598.
DEGRADED_A_S = 7200 + 3598


def minute(camera, stream, source, when, seconds, size, frames, nominal=25.0, height=None, first=None):
    return StreamMinute(camera, stream, source, when, seconds, size, frames, nominal_fps=nominal, codec="h264",
                        height=height, first_packet_s=first, opens=0 if first is None else 1)


def stream_minutes() -> list[StreamMinute]:
    """Known truth for the capacity section (bitrate = bytes × 8 ÷ 1000 ÷ seconds):

    - a1 main (wall) 4,000 kbit/s, ratio 1.0, first packet 0.8 s; sub (sample) 500, 1.0, 0.5 s
    - a2 main (sample) 4,000, 1080 lines, 1.2 s; sub (sample) 3,600 (≥ 0.8 × main: looks like
      a main stream), 1.0 s
    - a3 sub only: wall 60 s + sample 5 s = 400 kbit/s, 650 of 1,625 frames (0.4), 2.5 s, 3.0 s
    - a4 one stream (``""``: main) 2,000 kbit/s, 60 of 100 frames at 20 fps (0.6), 0.3 s
    - b1 sub: 1080 lines (looks like a main stream), sample 5 s + a wall minute without a
      nominal rate: 2,000 kbit/s, ratio 1.0 (75 of 75), 0.6 s; b2 never measured
    - an a1 minute before the period (left out)
    """
    return [
        minute("a1", "main", "wall", at(2, 9, 0), 60, 30_000_000, 1500, first=0.8),
        minute("a1", "main", "wall", at(2, 9, 1), 60, 30_000_000, 1500),
        minute("a1", "main", "wall", at(1, 23, 0), 60, 90_000_000, 10),
        minute("a1", "sub", "sample", at(2, 9, 30), 5, 312_500, 125, height=360, first=0.5),
        minute("a2", "main", "sample", at(2, 9, 31), 5, 2_500_000, 125, height=1080, first=1.2),
        minute("a2", "sub", "sample", at(2, 9, 32), 5, 2_250_000, 125, height=720, first=1.0),
        minute("a3", "sub", "wall", at(3, 8, 0), 60, 3_000_000, 600, first=2.5),
        minute("a3", "sub", "sample", at(3, 9, 0), 5, 250_000, 50, first=3.0),
        minute("a4", "", "sample", at(2, 9, 33), 5, 1_250_000, 60, nominal=20.0, height=1080, first=0.3),
        minute("b1", "sub", "sample", at(2, 9, 34), 5, 1_250_000, 75, nominal=15.0, height=1080, first=0.6),
        minute("b1", "sub", "wall", at(2, 9, 35), 60, 15_000_000, 900, nominal=None),
    ]
