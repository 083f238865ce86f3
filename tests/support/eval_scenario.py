"""The hand-built journal of the evaluation tests (local time UTC+7: use ``local_tz``).

The period is 2026-11-02 00:00 → 2026-11-04 00:00 (two days, 172,800 s). District A has four
cameras on recorder 10.0.0.1:554 that go down together (one recorder incident), with
overlapping rows from two sources, a coverage gap, an outage still open and one that began
before the period; district B has an unwatched camera (with a ``recorder:`` field) and one
never seen online. tests/core/test_evaluate.py checks every figure of it by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from viewer.core.evaluation_model import CoverageRow, EvaluationInput, OutageRow

PLUS7 = timezone(timedelta(hours=7))
DAY = 86_400.0

CATALOG = """
version: 1
districts:
  - {id: A, name: Alpha, group: north}
  - {id: B, name: Beta, group: south}
cameras:
  - {id: a1, name: A one, district: A, url: "rtsp://10.0.0.1/ch1"}
  - {id: a2, name: A two, district: A, url: "rtsp://10.0.0.1/ch2"}
  - {id: a3, name: A three, district: A, url: "rtsp://10.0.0.1:554/ch3"}
  - {id: a4, name: A four, district: A, url: "rtsp://10.0.0.1/ch4"}
  - {id: b1, name: B one, district: B, url: "rtsp://10.0.0.2:8554/x", recorder: "nvr-b:554"}
  - {id: b2, name: B two, district: B, url: "http://10.0.0.3/x", group: ATCS}
  - {id: b9, name: B off, district: B, url: "http://10.0.0.4/x", enabled: false}
"""


def at(day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    """November ``day``, 2026, local (UTC+7) time, as epoch seconds."""
    return datetime(2026, 11, day, hour, minute, second, tzinfo=PLUS7).timestamp()


def outage(oid, camera, reason, start, end, source="wall", ack=None) -> OutageRow:
    return OutageRow(oid, camera, reason, start, end, source,
                     acknowledged_at=ack, acknowledged_by="op" if ack else None)


def journal() -> EvaluationInput:
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
    return EvaluationInput(since=at(2), until=at(4), generated_at=at(5, 8), outages=outages, coverage=coverage)
