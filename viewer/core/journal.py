"""The durable outage journal (SQLite, standard library only): the writer.

Threading: a :class:`Journal` owns one connection and must be created and used on ONE
thread (the Qt main thread, or the monitor's loop); sqlite3 enforces it. Readers such as
``videowall report`` and ``videowall evaluate`` open their own read-only connection with
:func:`read_outages` / :func:`read_evaluation_input` (``viewer.core.journal_read``), and may
do so while the wall is running (WAL mode).

Durability: WAL with ``synchronous=FULL`` and autocommit, so an outage is on disk the moment
:meth:`Journal.open_outage` / :meth:`Journal.close_outage` returns, even if the process is
killed right after. Times are UTC epoch seconds (float), always passed in by the caller. No
URL is stored; details and notes pass through :func:`viewer.core.secrets.mask_urls_in_text`
in case one carries a password. WHAT to write (one outage per camera, coverage, hysteresis)
is decided by :mod:`viewer.core.outage_rules`; this module only stores it.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

from viewer.core.evaluation_model import EvaluationInput
from viewer.core.journal_read import (
    Outage,
    evaluation_input_from_db,
    query_outage,
    query_outages,
    read_evaluation_input,
    read_outages,
)
from viewer.core.journal_schema import BUSY_TIMEOUT_S, SCHEMA_EVENT, SCHEMA_VERSION, JournalError, migrate
from viewer.core.reasons import Reason
from viewer.core.secrets import mask_known_secrets
from viewer.core.stream_figures import StreamMinute
from viewer.core.stream_minutes_store import prune_stream_minutes, query_stream_minutes, write_stream_minutes

log = logging.getLogger(__name__)

__all__ = [
    "BUSY_TIMEOUT_S", "SCHEMA_VERSION", "Journal", "JournalError", "Note", "Outage",
    "query_outages", "read_evaluation_input", "read_outages",
]  # fmt: skip

#: Longest free text an operator may attach to an acknowledgement (characters).
ACK_NOTE_MAX_CHARS = 200


@dataclass(frozen=True)
class Note:
    """A remark about a camera that is not an outage (e.g. ``contradiction``)."""

    camera_id: str
    kind: str
    source: str  # the source whose observation was overruled or noted
    detail: str
    at: float  # UTC epoch seconds


class Journal:
    """Writes outages and app events. One thread only (see the module docstring)."""

    def __init__(self, path: Path, now: float | None = None) -> None:
        """Open (create, migrate) the journal; ``now`` stamps a migration (default: wall clock)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            migrate(self._db, self.path, now)
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
        """All app events as ``(kind, detail, at)``, oldest first (not the schema marks)."""
        rows = self._db.execute("SELECT kind, detail, at FROM events WHERE kind != ? ORDER BY at, id", (SCHEMA_EVENT,))
        return [tuple(r) for r in rows]

    # --- acknowledgements ----------------------------------------------------------------
    def acknowledge(self, outage_id: int, at: float, by: str, note: str = "") -> bool:
        """An operator reported the open outage ``outage_id`` to the technical team.

        ``by``: the OS user; ``note``: free text or a ticket number (cut to
        :data:`ACK_NOTE_MAX_CHARS`). Acknowledging again replaces who, when and the note.
        Returns False when the outage is not open (it recovered meanwhile): nothing changes.
        """
        cursor = self._db.execute(
            "UPDATE outages SET acknowledged_at = ?, acknowledged_by = ?, ack_note = ?"
            " WHERE id = ? AND ended_at IS NULL",
            (at, by, stored_ack_note(note), outage_id),
        )
        if cursor.rowcount == 0:
            log.info("outage %d: not open, acknowledgement ignored", outage_id)
            return False
        log.info("outage %d acknowledged by %s", outage_id, by)
        return True

    def outage(self, outage_id: int) -> Outage | None:
        """One outage by id (None if there is none)."""
        return query_outage(self._db, outage_id)

    # --- coverage --------------------------------------------------------------------------
    def watch(self, camera_ids: Iterable[str], source: str, at: float, max_gap_s: float) -> None:
        """``source`` is watching these cameras at ``at``: see :meth:`watch_each`."""
        self.watch_each((camera_id, source, at, max_gap_s) for camera_id in camera_ids)

    def watch_each(self, entries: Iterable[tuple[str, str, float, float]]) -> None:
        """Each ``(camera_id, source, at, max_gap_s)``: that source is watching that camera at
        ``at``. Extends its open coverage interval to ``at``, or starts one. A source that
        confirms less often than every ``max_gap_s`` was not watching in between: the old
        interval ends at its last confirmation and a new one starts at ``at``. One
        transaction for the whole batch."""
        with self._transaction():
            for camera_id, source, at, max_gap_s in entries:
                row = self._db.execute(
                    "SELECT id, seen_at FROM coverage WHERE camera_id = ? AND source = ? AND ended_at IS NULL",
                    (camera_id, source),
                ).fetchone()
                if row is not None and at - row[1] <= max_gap_s:
                    self._db.execute(
                        "UPDATE coverage SET seen_at = MAX(seen_at, ?), max_gap_s = ? WHERE id = ?",
                        (at, max_gap_s, row[0]),
                    )
                    continue
                if row is not None:
                    self._db.execute("UPDATE coverage SET ended_at = seen_at WHERE id = ?", (row[0],))
                self._db.execute(
                    "INSERT INTO coverage (camera_id, source, started_at, seen_at, max_gap_s) VALUES (?, ?, ?, ?, ?)",
                    (camera_id, source, at, at, max_gap_s),
                )

    def unwatch(self, camera_ids: Iterable[str], source: str, at: float) -> None:
        """``source`` stopped watching these cameras at ``at`` (a tile moved on; the sweep
        stopped). An interval whose last confirmation is older than its ``max_gap_s``
        ends at that confirmation instead."""
        with self._transaction():
            for camera_id in camera_ids:
                self._db.execute(
                    "UPDATE coverage SET ended_at = CASE WHEN ? - seen_at <= max_gap_s THEN MAX(seen_at, ?)"
                    " ELSE seen_at END WHERE camera_id = ? AND source = ? AND ended_at IS NULL",
                    (at, at, camera_id, source),
                )

    def end_coverage(self, sources: Collection[str], at: float) -> int:
        """Every source in ``sources`` stops watching at ``at`` (the app exits). Returns rows."""
        marks = ",".join("?" * len(sources))
        cursor = self._db.execute(
            "UPDATE coverage SET ended_at = CASE WHEN ? - seen_at <= max_gap_s THEN MAX(seen_at, ?)"
            f" ELSE seen_at END WHERE ended_at IS NULL AND source IN ({marks})",
            (at, at, *sources),
        )
        return cursor.rowcount

    def close_abandoned_coverage(self, sources: Collection[str]) -> int:
        """At start: intervals of ``sources`` left open by a run that died end at their last
        confirmation (the time since is unknown). Returns how many were closed."""
        marks = ",".join("?" * len(sources))
        cursor = self._db.execute(
            f"UPDATE coverage SET ended_at = seen_at WHERE ended_at IS NULL AND source IN ({marks})",
            tuple(sources),
        )
        if cursor.rowcount:
            log.info("journal: %d coverage intervals left open by an earlier run closed", cursor.rowcount)
        return cursor.rowcount

    def watching(self, source: str | None = None) -> set[str]:
        """Camera ids with an open coverage interval (of ``source``, or of any source)."""
        if source is None:
            rows = self._db.execute("SELECT camera_id FROM coverage WHERE ended_at IS NULL")
        else:
            rows = self._db.execute("SELECT camera_id FROM coverage WHERE ended_at IS NULL AND source = ?", (source,))
        return {r[0] for r in rows}

    # --- notes -----------------------------------------------------------------------------
    def add_note(self, camera_id: str, kind: str, source: str, detail: str, at: float) -> None:
        self._db.execute(
            "INSERT INTO notes (camera_id, kind, source, detail, at) VALUES (?, ?, ?, ?, ?)",
            (camera_id, kind, source, _clean(detail), at),
        )

    def notes(self, camera_id: str | None = None) -> list[Note]:
        """Notes oldest first (of one camera, or all)."""
        where, params = ("WHERE camera_id = ?", (camera_id,)) if camera_id is not None else ("", ())
        sql = f"SELECT camera_id, kind, source, detail, at FROM notes {where} ORDER BY at, id"
        rows = self._db.execute(sql, params)
        return [Note(*r) for r in rows]

    # --- evaluation ------------------------------------------------------------------------
    def evaluation_input(
        self, since: float, until: float, camera_ids: set[str] | None = None, now: float | None = None
    ) -> EvaluationInput:
        """Outages and coverage overlapping ``[since, until)`` (see
        :func:`viewer.core.journal_read.evaluation_input_from_db`); ``now`` defaults to the
        wall clock and becomes ``generated_at``."""
        return evaluation_input_from_db(self._db, since, until, time.time() if now is None else now, camera_ids)

    def prune(self, before: float) -> tuple[int, int]:
        """Delete outages that ENDED before ``before`` (epoch s), coverage intervals and notes
        that ended before it, and events older than it (except the schema marks); open
        outages and intervals are always kept. Returns (outages, events) deleted."""
        outages = self._db.execute("DELETE FROM outages WHERE ended_at IS NOT NULL AND ended_at < ?", (before,))
        events = self._db.execute("DELETE FROM events WHERE at < ? AND kind != ?", (before, SCHEMA_EVENT))
        self._db.execute("DELETE FROM coverage WHERE ended_at IS NOT NULL AND ended_at < ?", (before,))
        self._db.execute("DELETE FROM notes WHERE at < ?", (before,))
        if outages.rowcount or events.rowcount:
            log.info("journal: %d outages and %d events older than the retention deleted",
                     outages.rowcount, events.rowcount)
        return outages.rowcount, events.rowcount

    def add_stream_minutes(self, rows: Iterable[StreamMinute]) -> int:
        """Store per-minute stream figures (adding to a minute already stored); one transaction.
        Returns how many rows were written."""
        return write_stream_minutes(self._db, rows)

    def stream_minutes(
        self, since: float, until: float, camera_ids: Collection[str] | None = None
    ) -> list[StreamMinute]:
        """Stored minutes starting in ``[since, until)``."""
        return query_stream_minutes(self._db, since, until, camera_ids)

    def prune_stream_minutes(self, before: float) -> int:
        """Delete stream minutes that started before ``before`` (their own retention)."""
        deleted = prune_stream_minutes(self._db, before)
        if deleted:
            log.info("journal: %d stream minutes older than their retention deleted", deleted)
        return deleted

    def _transaction(self):
        return _Transaction(self._db)

    def close(self) -> None:
        self._db.close()
        log.info("journal %s closed", self.path)



class _Transaction:
    """``with``: BEGIN ... COMMIT (ROLLBACK on an exception) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN")

    def __exit__(self, exc_type, exc, tb) -> None:
        self._db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _clean(detail: str) -> str:
    return mask_known_secrets(detail or "")


def stored_ack_note(note: str) -> str:
    """An acknowledgement's note as the journal keeps it: passwords masked, cut to
    :data:`ACK_NOTE_MAX_CHARS` (callers that must show it before it is written use this)."""
    return _clean(note)[:ACK_NOTE_MAX_CHARS]
