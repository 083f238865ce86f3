"""Reading the outage journal: outages for ``report``, rows for the network evaluation.

Pure functions on a connection (:func:`query_outages`, :func:`evaluation_input_from_db`) and
module-level readers that open their own read-only connection (:func:`read_outages`,
:func:`read_evaluation_input`), usable from any thread and while the wall is writing (WAL).
Times are UTC epoch seconds (float). Schema-1 journals (not migrated yet because no wall
has opened them since an update) read with no acknowledgements and no coverage.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from viewer.core.capacity_read import capacity_input_from_db
from viewer.core.evaluation_model import CoverageRow, EvaluationInput, OutageRow
from viewer.core.journal_schema import JournalError, coverage_since, open_readonly
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_known_secrets

_KNOWN_REASONS = frozenset(r.value for r in Reason)
_COLUMNS_V1 = "id, camera_id, camera_name, district, reason, detail, started_at, ended_at, source"
_COLUMNS_V2 = _COLUMNS_V1 + ", acknowledged_at, acknowledged_by, ack_note"


@dataclass(frozen=True)
class Outage:
    id: int
    camera_id: str
    camera_name: str
    district: str
    reason: Reason
    detail: str
    started_at: float  # UTC epoch seconds
    ended_at: float | None  # None while the outage is open
    source: str  # who saw it first: "wall", "preroll", "sweep" or "monitor"
    acknowledged_at: float | None = None  # an operator reported it to the technical team
    acknowledged_by: str | None = None  # that operator's OS user name
    ack_note: str = ""  # free text or a ticket number

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None

    def duration_s(self, now: float | None = None) -> float | None:
        """Seconds from start to end; an open outage counts up to ``now`` (None without it)."""
        end = self.ended_at if self.ended_at is not None else now
        return None if end is None else max(0.0, end - self.started_at)


def _schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def query_outages(
    db: sqlite3.Connection,
    district: str | None = None,
    since: float | None = None,
    open_only: bool = False,
) -> list[Outage]:
    """Outages newest first.

    ``since`` keeps the outages that were going on at or after that time: started after
    it, or ended after it, or still open.
    """
    clauses, params = [], []
    if district is not None:
        clauses.append("district = ?")
        params.append(district)
    if since is not None:
        clauses.append("(ended_at IS NULL OR ended_at >= ? OR started_at >= ?)")
        params += [since, since]
    if open_only:
        clauses.append("ended_at IS NULL")
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    columns = _COLUMNS_V2 if _schema_version(db) >= 2 else _COLUMNS_V1
    rows = db.execute(f"SELECT {columns} FROM outages{where} ORDER BY started_at DESC, id DESC", params)
    return [_outage(row) for row in rows]


def query_outage(db: sqlite3.Connection, outage_id: int) -> Outage | None:
    """One outage by id, None if there is none."""
    columns = _COLUMNS_V2 if _schema_version(db) >= 2 else _COLUMNS_V1
    row = db.execute(f"SELECT {columns} FROM outages WHERE id = ?", (outage_id,)).fetchone()
    return None if row is None else _outage(row)


def read_outages(
    path: Path, district: str | None = None, since: float | None = None, open_only: bool = False
) -> list[Outage]:
    """Query a journal file through a read-only connection of its own (any thread).

    Raises :class:`JournalError` when the file is missing, unreadable or not a journal.
    """
    db, _version = open_readonly(path)
    try:
        return query_outages(db, district=district, since=since, open_only=open_only)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot read journal {path}: {exc}") from exc
    finally:
        db.close()


def evaluation_input_from_db(
    db: sqlite3.Connection,
    since: float,
    until: float,
    now: float,
    camera_ids: Collection[str] | None = None,
) -> EvaluationInput:
    """Every outage and coverage interval overlapping ``[since, until)``.

    Outages come whole (not clipped: the evaluation needs real starts for repair times).
    Coverage comes merged per camera across sources (a tile and the sweep watching at once
    is one interval), also unclipped, sorted by camera then start. A coverage row still open
    in the file counts as watched up to ``now`` (``ended_at`` None) only while its source
    confirmed it within its ``max_gap_s``; otherwise the process that wrote it died, and it
    ends at its last confirmation. ``now`` is ``generated_at``.
    """
    if until < since:
        raise ValueError(f"until ({until}) is before since ({since})")
    wanted = None if camera_ids is None else set(camera_ids)
    version = _schema_version(db)
    ack_columns = "acknowledged_at, acknowledged_by, ack_note" if version >= 2 else "NULL, NULL, ''"
    rows = db.execute(
        f"SELECT id, camera_id, reason, started_at, ended_at, source, detail, {ack_columns} FROM outages"
        " WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ?) ORDER BY started_at, id",
        (until, since),
    )
    known = _KNOWN_REASONS
    outages = tuple(
        OutageRow(oid, camera, reason if reason in known else Reason.ERROR.value, started, ended, source,
                  mask_known_secrets(detail or ""), acked_at, acked_by, mask_known_secrets(note or ""))
        for oid, camera, reason, started, ended, source, detail, acked_at, acked_by, note in rows
        if wanted is None or camera in wanted
    )  # fmt: skip
    coverage: tuple[CoverageRow, ...] = ()
    recorded_since = None
    if version >= 2:
        coverage = tuple(_coverage_rows(db, since, until, now, wanted))
        recorded_since = coverage_since(db)
    return EvaluationInput(
        since=since, until=until, generated_at=now, outages=outages, coverage=coverage,
        coverage_since=recorded_since, capacity=capacity_input_from_db(db, since, until, wanted),
    )  # fmt: skip


def read_evaluation_input(
    path: Path,
    since: float,
    until: float,
    now: float,
    camera_ids: Collection[str] | None = None,
) -> EvaluationInput:
    """:func:`evaluation_input_from_db` through a read-only connection of its own (any
    thread, also while the wall runs). Raises :class:`JournalError` like :func:`read_outages`."""
    db, _version = open_readonly(path)
    try:
        return evaluation_input_from_db(db, since, until, now, camera_ids)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot read journal {path}: {exc}") from exc
    finally:
        db.close()


def _coverage_rows(
    db: sqlite3.Connection, since: float, until: float, now: float, wanted: set[str] | None
) -> list[CoverageRow]:
    """Coverage rows overlapping [since, until), merged per camera (see the caller)."""
    rows = db.execute(
        "SELECT camera_id, started_at, seen_at, ended_at, max_gap_s FROM coverage"
        " WHERE started_at < ? AND (ended_at IS NULL OR ended_at > ? OR seen_at > ?)"
        " ORDER BY camera_id, started_at",
        (until, since, since),
    )
    merged: list[CoverageRow] = []
    current: tuple[str, float, float | None] | None = None  # camera, start, end (None: open)
    for camera_id, started, seen, ended, max_gap_s in rows:
        if wanted is not None and camera_id not in wanted:
            continue
        if ended is None and now - seen > max_gap_s:
            ended = seen  # its writer stopped confirming: it died
        if ended is not None and ended <= since:
            continue
        if current is not None and current[0] == camera_id and (current[2] is None or started <= current[2]):
            end = None if current[2] is None or ended is None else max(current[2], ended)
            current = (camera_id, current[1], end)
            continue
        if current is not None:
            merged.append(CoverageRow(*current))
        current = (camera_id, started, ended)
    if current is not None:
        merged.append(CoverageRow(*current))
    return merged


def _outage(row: tuple) -> Outage:
    oid, camera_id, name, district, reason, detail, started, ended, source, *ack = row
    try:
        reason = Reason(reason)
    except ValueError:  # written by a newer version with a reason we do not know
        reason = Reason.ERROR
    acknowledged_at, acknowledged_by, note = ack if ack else (None, None, "")
    # an older version's journal may hold a detail that was not masked when written
    return Outage(
        int(oid), camera_id, name, district, reason, mask_known_secrets(detail or ""), started, ended, source,
        acknowledged_at, acknowledged_by, mask_known_secrets(note or ""),
    )  # fmt: skip
