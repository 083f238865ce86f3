"""Outages rendered as CSV, JSON or an aligned text table.

Shared by ``videowall report`` and the UI's one-click export. Pure functions: the caller
passes ``now`` (UTC epoch seconds) so open outages get a duration up to it. Times are shown
as ISO 8601 in the machine's local time zone with its UTC offset, to the second.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime

from viewer.core.journal import Outage

#: CSV header and JSON keys, in this order.
COLUMNS = (
    "camera_id", "camera_name", "district", "reason", "started_at", "ended_at", "duration_s",
    "source", "acknowledged_at", "acknowledged_by", "ack_note",
)  # fmt: skip


def iso_local(epoch_s: float) -> str:
    """``2026-11-28T14:03:07+07:00``: local time with its UTC offset, seconds precision."""
    return datetime.fromtimestamp(epoch_s).astimezone().isoformat(timespec="seconds")


def duration_whole_s(outage: Outage, now: float) -> int:
    """Whole seconds (rounded); an open outage counts up to ``now``."""
    return round(outage.duration_s(now) or 0.0)


def human_duration(seconds: float) -> str:
    """``45s``, ``3m 05s``, ``1h 02m``, ``2d 03h``."""
    total = max(0, round(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


def outage_record(outage: Outage, now: float) -> dict[str, str | int | None]:
    """One outage as the exported key/value record (``ended_at`` None while open)."""
    return {
        "camera_id": outage.camera_id,
        "camera_name": outage.camera_name,
        "district": outage.district,
        "reason": outage.reason.value,
        "started_at": iso_local(outage.started_at),
        "ended_at": None if outage.ended_at is None else iso_local(outage.ended_at),
        "duration_s": duration_whole_s(outage, now),
        "source": outage.source,
        "acknowledged_at": None if outage.acknowledged_at is None else iso_local(outage.acknowledged_at),
        "acknowledged_by": outage.acknowledged_by,
        "ack_note": outage.ack_note,
    }


def render_csv(outages: Iterable[Outage], now: float) -> str:
    """CSV with the header :data:`COLUMNS`; ``ended_at`` is empty while an outage is open."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for outage in outages:
        record = outage_record(outage, now)
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return buffer.getvalue()


def render_json(outages: Iterable[Outage], now: float) -> str:
    """A JSON list of objects with the :data:`COLUMNS` keys (``ended_at`` null while open)."""
    return json.dumps([outage_record(o, now) for o in outages], indent=2, ensure_ascii=False) + "\n"


def render_table(outages: Iterable[Outage], now: float) -> str:
    """Aligned columns for a terminal, with human durations; 'ongoing' for open outages."""
    header = ("CAMERA", "NAME", "DISTRICT", "REASON", "STARTED", "ENDED", "DURATION", "ACKNOWLEDGED")
    rows = [
        (
            o.camera_id,
            o.camera_name,
            o.district,
            o.reason.value,
            _table_time(o.started_at),
            "ongoing" if o.ended_at is None else _table_time(o.ended_at),
            human_duration(duration_whole_s(o, now)),
            _ack_cell(o),
        )
        for o in outages
    ]
    if not rows:
        return "no outages\n"
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    return "\n".join(lines) + "\n"


def _ack_cell(outage: Outage) -> str:
    """``budi 2026-12-04 14:03:12 (ticket 42)``, or empty when nobody acknowledged it."""
    if outage.acknowledged_at is None:
        return ""
    note = f" ({outage.ack_note})" if outage.ack_note else ""
    return f"{outage.acknowledged_by or '?'} {_table_time(outage.acknowledged_at)}{note}"


def _table_time(epoch_s: float) -> str:
    return datetime.fromtimestamp(epoch_s).strftime("%Y-%m-%d %H:%M:%S")
