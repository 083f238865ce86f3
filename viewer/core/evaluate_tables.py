"""The evaluation as named tables of plain records, for CSV, JSON and the terminal.

Each table is a list of dicts with the same keys in the same order (the CSV header).
Durations are whole seconds (``*_s``, rounded), percentages have three decimals (``*_pct``),
times are ISO 8601 in the machine's local time zone with its UTC offset; a figure that does
not exist (availability of a camera nobody watched, repair time with no repair) is ``None``:
empty in CSV, ``null`` in JSON, ``—`` in the terminal. Pure functions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from viewer.core import capacity_tables
from viewer.core.capacity_tables import CAPACITY_TABLES
from viewer.core.evaluate_model import Evaluation, Figures, GroupRow
from viewer.core.report import human_duration, iso_local

Record = dict[str, object]
TABLES = ("summary", "districts", "recorders", "cameras", "incidents", "daily", "reasons", *CAPACITY_TABLES)
#: How many cameras the report's "worst cameras" table lists.
WORST_CAMERAS = 20


def seconds(value: float | None) -> int | None:
    return None if value is None else round(value)


def percent(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def figure_record(f: Figures) -> Record:
    """The columns every district, recorder and camera row shares."""
    return {
        "cameras": f.cameras,
        "availability_pct": percent(f.availability_pct),
        "covered_pct": percent(f.covered_pct),
        "up_s": seconds(f.up_s),
        "down_s": seconds(f.down_s),
        "unknown_s": seconds(f.unknown_s),
        "outages": f.outages,
        "open_outages": f.open_outages,
        "mttr_mean_s": seconds(f.mttr_mean_s),
        "mttr_median_s": seconds(f.mttr_median_s),
        "longest_outage_s": seconds(f.longest_outage_s),
        "acknowledged": f.acknowledged,
        "tta_mean_s": seconds(f.tta_mean_s),
        "tta_median_s": seconds(f.tta_median_s),
        "never_online": len(f.never_online),
        "unwatched": len(f.unwatched),
        "degraded_s": seconds(f.degraded_s),  # not down: counted apart
        "degraded_outages": f.degraded_outages,
    }


FIGURE_COLUMNS = tuple(figure_record(Figures(cameras=1, period_s=1.0)))


def summary_records(ev: Evaluation) -> list[Record]:
    return [{
        "since": iso_local(ev.since),
        "until": iso_local(ev.until),
        "counted_until": iso_local(ev.horizon),
        "generated_at": iso_local(ev.generated_at),
        "scope": ev.scope,
        "coverage_since": None if ev.coverage_since is None else iso_local(ev.coverage_since),
        **figure_record(ev.network),
        "recorder_incidents": len(ev.incidents),
        "ignored_outages": ev.ignored_outages,
        "capacity_recorded": ev.capacity is not None,
    }]


def group_records(rows: tuple[GroupRow, ...], key: str) -> list[Record]:
    out = []
    for row in rows:
        record: Record = {key: row.key, "name": row.name}
        if key == "recorder":
            record = {key: row.key, "districts": " ".join(row.districts)}
        out.append({**record, **figure_record(row.figures)})
    return out


def camera_records(ev: Evaluation) -> list[Record]:
    return [
        {"camera_id": r.camera_id, "name": r.name, "district": r.district, "recorder": r.recorder,
         **{k: v for k, v in figure_record(r.figures).items() if k != "cameras"}}
        for r in ev.cameras
    ]


def incident_records(ev: Evaluation) -> list[Record]:
    return [
        {
            "recorder": i.recorder,
            "districts": " ".join(i.districts),
            "started_at": iso_local(i.started_at),
            "ended_at": None if i.ended_at is None else iso_local(i.ended_at),
            "last_restored_at": None if i.last_restored_at is None else iso_local(i.last_restored_at),
            "duration_s": seconds(i.duration_s(ev.horizon)),
            "cameras": i.cameras,
            "reason": i.reason,
            "camera_ids": " ".join(i.camera_ids),
        }
        for i in ev.incidents
    ]


def daily_records(ev: Evaluation) -> list[Record]:
    return [
        {"district": p.district or "(network)", "day": p.day, "day_start": iso_local(p.start),
         "covered_s": seconds(p.covered_s), "up_s": seconds(p.up_s), "availability_pct": percent(p.availability_pct)}
        for p in ev.daily
    ]


def reason_records(ev: Evaluation) -> list[Record]:
    rows: list[Record] = [
        {"district": "(network)", "reason": reason, "down_s": seconds(s)} for reason, s in ev.network.down_by_reason_s
    ]
    for district in ev.districts:
        rows += [{"district": district.key, "reason": r, "down_s": seconds(s)}
                 for r, s in district.figures.down_by_reason_s]
    return rows


def worst_cameras(ev: Evaluation, limit: int = WORST_CAMERAS):
    """Cameras with the most covered down time (then the lowest availability)."""
    ranked = [r for r in ev.cameras if r.figures.down_s > 0]
    ranked.sort(key=lambda r: (-r.figures.down_s, r.figures.availability_pct or 0.0, r.camera_id))
    return ranked[:limit]


_BUILDERS: dict[str, Callable[[Evaluation], list[Record]]] = {
    "summary": summary_records,
    "districts": lambda ev: group_records(ev.districts, "district"),
    "recorders": lambda ev: group_records(ev.recorders, "recorder"),
    "cameras": camera_records,
    "incidents": incident_records,
    "daily": daily_records,
    "reasons": reason_records,
}


def table(ev: Evaluation, name: str) -> list[Record]:
    """One of :data:`TABLES` as records; KeyError for another name."""
    if name in CAPACITY_TABLES:
        return capacity_tables.table(ev, name)
    return _BUILDERS[name](ev)


def render_csv(records: list[Record], columns: list[str] | None = None) -> str:
    """CSV with a header; ``None`` is an empty cell. An empty table still has its header
    when ``columns`` is given."""
    columns = columns or (list(records[0]) if records else [])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else v for k, v in record.items()})
    return buffer.getvalue()


def columns_of(name: str) -> list[str]:
    """The header of a table, also when it has no rows."""
    if name in CAPACITY_TABLES:
        return capacity_tables.columns_of(name)
    figures = list(FIGURE_COLUMNS)
    return {
        "summary": ["since", "until", "counted_until", "generated_at", "scope", "coverage_since", *figures,
                    "recorder_incidents",
                    "ignored_outages", "capacity_recorded"],
        "districts": ["district", "name", *figures],
        "recorders": ["recorder", "districts", *figures],
        "cameras": ["camera_id", "name", "district", "recorder", *figures[1:]],
        "incidents": ["recorder", "districts", "started_at", "ended_at", "last_restored_at", "duration_s", "cameras",
                      "reason", "camera_ids"],
        "daily": ["district", "day", "day_start", "covered_s", "up_s", "availability_pct"],
        "reasons": ["district", "reason", "down_s"],
    }[name]


def render_json(ev: Evaluation, names: tuple[str, ...] = TABLES) -> str:
    """One JSON object: ``summary`` as an object, the other tables as lists of objects."""
    data: dict[str, object] = {}
    for name in names:
        records = table(ev, name)
        data[name] = records[0] if name == "summary" else records
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(records: list[Record], columns: list[str]) -> str:
    """Aligned columns for a terminal: durations as ``1h 02m``, percentages with two decimals."""
    if not records:
        return "(none)\n"
    rows = [[cell_text(column, record.get(column)) for column in columns] for record in records]
    header = [c.upper() for c in columns]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(columns))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in (header, *rows)) + "\n"


def cell_text(column: str, value: object) -> str:
    """One value as the terminal shows it."""
    if value is None:
        return "—"
    if column.endswith("_s") and isinstance(value, int):
        return human_duration(value)
    if column.endswith("_pct") and isinstance(value, float):
        return f"{value:.2f}"
    return str(value)
