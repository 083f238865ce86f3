"""The journal's SQLite schema, its migrations and its read-only opener (standard library only).

Schema 1 (videowall up to 0.x): ``outages`` and ``events``.
Schema 2 adds
- ``outages.acknowledged_at`` / ``acknowledged_by`` / ``ack_note``: an operator reported the
  outage to the technical team (who: the OS user; the note: free text or a ticket number);
- ``coverage``: intervals during which a source (a wall tile, the sweep, the monitor) was
  watching a camera. Time outside every interval is *unknown*, never "up". ``seen_at`` is the
  last time the source confirmed it was still watching; a row still open (``ended_at`` NULL)
  whose ``seen_at`` is older than ``max_gap_s`` was left by a process that died, and ends at
  ``seen_at``;
- ``notes``: per-camera remarks that are not outages (e.g. a probe failing while the wall
  shows pictures: the pictures win, the disagreement is noted).
Migrating 1 -> 2 keeps every row; coverage starts being recorded at the migration (an
``events`` row of kind ``schema`` records when), so older periods read as unknown.
Schema 3 adds ``stream_minutes``: what each stream delivered, summed per UTC minute and per
source (:class:`viewer.core.stream_figures.StreamMinute`; bytes, pictures, key pictures,
nominal frame rate, format, worst time to first packet, losses). Never one row per frame.

Threading: plain functions on a connection the caller owns. Times: UTC epoch seconds.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from pathlib import Path

log = logging.getLogger(__name__)

SCHEMA_VERSION = 3
#: The schema version that started recording coverage.
COVERAGE_SCHEMA = 2
#: How long a statement waits for another connection's lock before failing.
BUSY_TIMEOUT_S = 5.0
#: ``events.kind`` of the row recording when a schema version started (detail "2").
SCHEMA_EVENT = "schema"

_SCHEMA_V1 = """
CREATE TABLE IF NOT EXISTS outages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id   TEXT NOT NULL,
    camera_name TEXT NOT NULL,
    district    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    started_at  REAL NOT NULL,
    ended_at    REAL,
    source      TEXT NOT NULL DEFAULT 'wall'
);
CREATE UNIQUE INDEX IF NOT EXISTS outages_one_open_per_camera ON outages(camera_id) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS outages_by_start ON outages(started_at);
CREATE INDEX IF NOT EXISTS outages_by_district ON outages(district, started_at);
CREATE TABLE IF NOT EXISTS events (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    kind   TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at     REAL NOT NULL
);
"""

_V1_TO_V2 = """
ALTER TABLE outages ADD COLUMN acknowledged_at REAL;
ALTER TABLE outages ADD COLUMN acknowledged_by TEXT;
ALTER TABLE outages ADD COLUMN ack_note TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS coverage (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id  TEXT NOT NULL,
    source     TEXT NOT NULL,
    started_at REAL NOT NULL,
    seen_at    REAL NOT NULL,
    ended_at   REAL,
    max_gap_s  REAL NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS coverage_one_open ON coverage(camera_id, source) WHERE ended_at IS NULL;
CREATE INDEX IF NOT EXISTS coverage_by_start ON coverage(started_at);
CREATE INDEX IF NOT EXISTS coverage_by_camera ON coverage(camera_id, started_at);
CREATE TABLE IF NOT EXISTS notes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    camera_id TEXT NOT NULL,
    kind      TEXT NOT NULL,
    source    TEXT NOT NULL,
    detail    TEXT NOT NULL DEFAULT '',
    at        REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS notes_by_camera ON notes(camera_id, at);
"""


_V2_TO_V3 = """
CREATE TABLE IF NOT EXISTS stream_minutes (
    camera_id      TEXT NOT NULL,
    stream         TEXT NOT NULL DEFAULT '',
    source         TEXT NOT NULL,
    minute         REAL NOT NULL,
    seconds        REAL NOT NULL,
    bytes          INTEGER NOT NULL,
    frames         INTEGER NOT NULL,
    keyframes      INTEGER NOT NULL DEFAULT 0,
    nominal_fps    REAL,
    codec          TEXT NOT NULL DEFAULT '',
    width          INTEGER,
    height         INTEGER,
    first_packet_s REAL,
    opens          INTEGER NOT NULL DEFAULT 0,
    lost           INTEGER NOT NULL DEFAULT 0,
    late           INTEGER NOT NULL DEFAULT 0,
    reconnects     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (camera_id, stream, source, minute)
);
CREATE INDEX IF NOT EXISTS stream_minutes_by_minute ON stream_minutes(minute);
"""


class JournalError(Exception):
    """The journal file is missing, unreadable, not a journal, or from a newer version."""


def migrate(db: sqlite3.Connection, path: Path, now: float | None = None) -> None:
    """Bring ``db`` to :data:`SCHEMA_VERSION` in one transaction per step (writer only)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JournalError(f"{path} was written by a newer videowall (schema {version})")
    if version == SCHEMA_VERSION:
        return
    at = time.time() if now is None else now
    steps = []
    if version < 1:
        steps.append(_SCHEMA_V1)
    if version < 2:
        steps.append(_V1_TO_V2)
    steps.append(_V2_TO_V3)
    script = "".join(steps)
    db.executescript(
        f"BEGIN; {script}"
        f" INSERT INTO events (kind, detail, at) VALUES ('{SCHEMA_EVENT}', '{SCHEMA_VERSION}', {at!r});"
        f" PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
    )
    if version == 0:
        log.info("journal %s: schema %d created", path, SCHEMA_VERSION)
    else:
        log.info("journal %s: migrated from schema %d to %d", path, version, SCHEMA_VERSION)


def open_readonly(path: Path) -> tuple[sqlite3.Connection, int]:
    """A read-only connection to the journal at ``path`` and its schema version (any thread;
    works while the wall writes, WAL). The caller closes it.

    Raises :class:`JournalError` when the file is missing, unreadable, not a journal or newer.
    """
    path = Path(path)
    if not path.is_file():
        raise JournalError(f"no journal at {path}")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot open journal {path}: {exc}") from exc
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        db.close()
        raise JournalError(f"cannot read journal {path}: {exc}") from exc
    if version == 0:
        db.close()
        raise JournalError(f"{path} is not a videowall journal")
    if version > SCHEMA_VERSION:
        db.close()
        raise JournalError(f"{path} was written by a newer videowall (schema {version})")
    return db, version


def coverage_since(db: sqlite3.Connection) -> float | None:
    """When this journal started recording coverage (the first event of schema 2 or later),
    None if unknown."""
    row = db.execute(
        "SELECT MIN(at) FROM events WHERE kind = ? AND CAST(detail AS INTEGER) >= ?", (SCHEMA_EVENT, COVERAGE_SCHEMA)
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])
