"""Storing and reading :class:`~viewer.core.stream_figures.StreamMinute` rows (journal schema 3).

Plain functions on a connection the caller owns (the writer: :meth:`Journal.add_stream_minutes`
on the journal's one thread), plus :func:`read_stream_minutes`, which opens its own read-only
connection (any thread, also while the wall writes: WAL). Writing a row whose key
(camera, stream, source, minute) is already stored *adds* to it, so a minute split across two
flushes (or two processes of the same source) is counted once, in full. Times: UTC epoch s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from pathlib import Path

from viewer.core.journal_schema import JournalError, open_readonly
from viewer.core.stream_figures import StreamMinute

#: Schema version that added ``stream_minutes``.
STREAM_MINUTES_SCHEMA = 3

_COLUMNS = ("camera_id, stream, source, minute, seconds, bytes, frames, keyframes, nominal_fps, codec, width,"
            " height, first_packet_s, opens, lost, late, reconnects")

_UPSERT = (
    f"INSERT INTO stream_minutes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (camera_id, stream, source, minute) DO UPDATE SET"
    " seconds = seconds + excluded.seconds, bytes = bytes + excluded.bytes, frames = frames + excluded.frames,"
    " keyframes = keyframes + excluded.keyframes,"
    " nominal_fps = COALESCE(excluded.nominal_fps, nominal_fps),"
    " codec = CASE WHEN excluded.codec != '' THEN excluded.codec ELSE codec END,"
    " width = COALESCE(excluded.width, width), height = COALESCE(excluded.height, height),"
    " first_packet_s = CASE WHEN first_packet_s IS NULL THEN excluded.first_packet_s"
    "   WHEN excluded.first_packet_s IS NULL THEN first_packet_s"
    "   ELSE MAX(first_packet_s, excluded.first_packet_s) END,"
    " opens = opens + excluded.opens, lost = lost + excluded.lost, late = late + excluded.late,"
    " reconnects = reconnects + excluded.reconnects"
)


def _values(row: StreamMinute) -> tuple:
    return (row.camera_id, row.stream, row.source, row.minute, row.seconds, row.bytes, row.frames, row.keyframes,
            row.nominal_fps, row.codec, row.width, row.height, row.first_packet_s, row.opens, row.lost, row.late,
            row.reconnects)


def write_stream_minutes(db: sqlite3.Connection, rows: Iterable[StreamMinute]) -> int:
    """Add ``rows`` in one transaction (autocommit connection); returns how many were written."""
    values = [_values(row) for row in rows]
    if not values:
        return 0
    db.execute("BEGIN")
    try:
        db.executemany(_UPSERT, values)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return len(values)


def prune_stream_minutes(db: sqlite3.Connection, before: float) -> int:
    """Delete the minutes that started before ``before`` (retention); returns how many."""
    return db.execute("DELETE FROM stream_minutes WHERE minute < ?", (before,)).rowcount


def query_stream_minutes(
    db: sqlite3.Connection, since: float, until: float, camera_ids: Collection[str] | None = None
) -> list[StreamMinute]:
    """Minutes starting in [since, until), ordered by camera, stream, source and minute. An
    older journal (schema < 3) has none."""
    if int(db.execute("PRAGMA user_version").fetchone()[0]) < STREAM_MINUTES_SCHEMA:
        return []
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM stream_minutes WHERE minute >= ? AND minute < ?"
        " ORDER BY camera_id, stream, source, minute",
        (since, until),
    )
    wanted = None if camera_ids is None else set(camera_ids)
    return [StreamMinute(*row) for row in rows if wanted is None or row[0] in wanted]


def read_stream_minutes(
    path: Path, since: float, until: float, camera_ids: Collection[str] | None = None
) -> list[StreamMinute]:
    """:func:`query_stream_minutes` through a read-only connection of its own (any thread).
    Raises :class:`~viewer.core.journal_schema.JournalError` when the journal is unusable."""
    db, _version = open_readonly(path)
    try:
        return query_stream_minutes(db, since, until, camera_ids)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot read journal {path}: {exc}") from exc
    finally:
        db.close()
