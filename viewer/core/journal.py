"""The durable outage journal (SQLite, standard library only).

Threading: a :class:`Journal` owns one connection and must be created and used on ONE
thread (the Qt main thread); sqlite3 enforces it. Readers such as ``videowall report`` open
their own read-only connection with :func:`read_outages`, and may do so while the wall is
running (WAL mode).

Durability: WAL with ``synchronous=FULL`` and autocommit, so an outage is on disk the moment
:meth:`Journal.open_outage` / :meth:`Journal.close_outage` returns, even if the process is
killed right after. Times are UTC epoch seconds (float). No URL is stored; details pass
through :func:`viewer.core.secrets.mask_urls_in_text` in case one carries a password.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from viewer.core.reasons import Reason
from viewer.core.secrets import mask_known_secrets

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
#: How long a statement waits for another connection's lock before failing.
BUSY_TIMEOUT_S = 5.0

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

_COLUMNS = "id, camera_id, camera_name, district, reason, detail, started_at, ended_at, source"


class JournalError(Exception):
    """The journal file is missing, unreadable, not a journal, or from a newer version."""


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
    source: str  # "wall" or "sweep"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None

    def duration_s(self, now: float | None = None) -> float | None:
        """Seconds from start to end; an open outage counts up to ``now`` (None without it)."""
        end = self.ended_at if self.ended_at is not None else now
        return None if end is None else max(0.0, end - self.started_at)


class Journal:
    """Writes outages and app events. One thread only (see the module docstring)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            _migrate(self._db, self.path)
        except JournalError:
            self._db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise JournalError(f"{self.path}: not a usable journal ({exc})") from exc
        log.info("journal %s opened", self.path)

    def open_outage(
        self,
        camera_id: str,
        camera_name: str,
        district: str,
        reason: Reason,
        started_at: float,
        detail: str = "",
        source: str = "wall",
    ) -> int:
        """Record the start of an outage; return its id.

        If the camera already has an open outage (e.g. left open by a crash), return that
        one's id instead of opening a second.
        """
        existing = self.open_outage_for(camera_id)
        if existing is not None:
            log.info("camera %s: resuming open outage %d", camera_id, existing)
            return existing
        cursor = self._db.execute(
            "INSERT INTO outages (camera_id, camera_name, district, reason, detail, started_at, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (camera_id, camera_name, district, Reason(reason).value, _clean(detail), started_at, source),
        )
        return int(cursor.lastrowid)

    def update_reason(self, outage_id: int, reason: Reason, detail: str = "") -> None:
        self._db.execute(
            "UPDATE outages SET reason = ?, detail = ? WHERE id = ?",
            (Reason(reason).value, _clean(detail), outage_id),
        )

    def close_outage(self, outage_id: int, ended_at: float) -> None:
        """End an open outage. Closing one that is already closed changes nothing."""
        cursor = self._db.execute(
            "UPDATE outages SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (ended_at, outage_id)
        )
        if cursor.rowcount == 0:
            log.warning("outage %d: not open, nothing to close", outage_id)

    def open_outage_for(self, camera_id: str) -> int | None:
        row = self._db.execute(
            "SELECT id FROM outages WHERE camera_id = ? AND ended_at IS NULL", (camera_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def query(
        self, district: str | None = None, since: float | None = None, open_only: bool = False
    ) -> list[Outage]:
        """Outages, newest first. See :func:`query_outages`."""
        return query_outages(self._db, district=district, since=since, open_only=open_only)

    def record_event(self, kind: str, detail: str, at: float) -> None:
        """An app-level event: ``start``, ``crash-restart``, ``exit`` ..."""
        self._db.execute("INSERT INTO events (kind, detail, at) VALUES (?, ?, ?)", (kind, _clean(detail), at))

    def events(self) -> list[tuple[str, str, float]]:
        """All app events as ``(kind, detail, at)``, oldest first."""
        return [tuple(r) for r in self._db.execute("SELECT kind, detail, at FROM events ORDER BY at, id")]

    def prune(self, before: float) -> tuple[int, int]:
        """Delete outages that ENDED before ``before`` (epoch s) and events older than it;
        open outages are always kept. Returns (outages, events) deleted."""
        outages = self._db.execute("DELETE FROM outages WHERE ended_at IS NOT NULL AND ended_at < ?", (before,))
        events = self._db.execute("DELETE FROM events WHERE at < ?", (before,))
        if outages.rowcount or events.rowcount:
            log.info("journal: %d outages and %d events older than the retention deleted",
                     outages.rowcount, events.rowcount)
        return outages.rowcount, events.rowcount

    def close(self) -> None:
        self._db.close()
        log.info("journal %s closed", self.path)


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
    rows = db.execute(f"SELECT {_COLUMNS} FROM outages{where} ORDER BY started_at DESC, id DESC", params)
    return [_outage(row) for row in rows]


def read_outages(
    path: Path, district: str | None = None, since: float | None = None, open_only: bool = False
) -> list[Outage]:
    """Query a journal file through a read-only connection of its own (any thread).

    Raises :class:`JournalError` when the file is missing, unreadable or not a journal.
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
        if version == 0:
            raise JournalError(f"{path} is not a videowall journal")
        if version > SCHEMA_VERSION:
            raise JournalError(f"{path} was written by a newer videowall (schema {version})")
        return query_outages(db, district=district, since=since, open_only=open_only)
    except sqlite3.Error as exc:
        raise JournalError(f"cannot read journal {path}: {exc}") from exc
    finally:
        db.close()


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise JournalError(f"{path} was written by a newer videowall (schema {version})")
    if version < 1:
        db.executescript(f"BEGIN; {_SCHEMA_V1} PRAGMA user_version = 1; COMMIT;")
        log.info("journal %s: schema %d created", path, SCHEMA_VERSION)


def _outage(row: tuple) -> Outage:
    oid, camera_id, name, district, reason, detail, started, ended, source = row
    try:
        reason = Reason(reason)
    except ValueError:  # written by a newer version with a reason we do not know
        reason = Reason.ERROR
    # an older version's journal may hold a detail that was not masked when written
    return Outage(int(oid), camera_id, name, district, reason, _clean(detail), started, ended, source)


def _clean(detail: str) -> str:
    return mask_known_secrets(detail or "")
