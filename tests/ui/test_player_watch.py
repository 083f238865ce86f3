"""PlayerWatch: stuck players reach the log, the journal and the status snapshot, and past
the limit a supervised wall asks for a restart only once nobody has touched it for a while.
The engine is a stand-in exposing ``stuck_players``; the clock is passed in."""

from __future__ import annotations

from viewer.core.constants import RESTART_QUIET_S, STUCK_PLAYERS_RESTART_LIMIT
from viewer.core.journal import Journal
from viewer.core.restart_policy import EXIT_RESTART_REQUESTED
from viewer.ui.player_watch import PlayerWatch, process_threads


class Engine:
    stuck_players = 0


def test_stuck_players_are_logged_journalled_published_and_end_in_a_quiet_restart(qapp, tmp_path, caplog):
    journal = Journal(tmp_path / "j.sqlite3")
    published: list[dict] = []
    now = [1000.0]
    engine = Engine()
    exits: list[int] = []
    watch = PlayerWatch(qapp, engine, journal, publish=published.append, supervised=True, clock=lambda: now[0],
                        request_exit=exits.append)  # the shared test QApplication must not be told to exit
    try:
        watch.check()
        assert published[-1]["stuck_players"] == 0 and published[-1]["process_threads"] >= 1
        engine.stuck_players = 1
        watch.check()
        assert "1 stuck players quarantined" in caplog.text
        assert [k for k, _, _ in journal.events()] == ["players-stuck"]
        engine.stuck_players = STUCK_PLAYERS_RESTART_LIMIT
        watch.check()
        assert not watch.restart_requested  # someone may be at the wall: not quiet yet
        now[0] += RESTART_QUIET_S / 2
        from PySide6.QtCore import QEvent, Qt
        from PySide6.QtGui import QKeyEvent

        watch.eventFilter(None, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier))
        now[0] += RESTART_QUIET_S / 2 + 1
        watch.check()
        assert not watch.restart_requested  # a key half-way through: the quiet period starts again
        now[0] += RESTART_QUIET_S
        watch.check()
        assert watch.restart_requested and exits == [EXIT_RESTART_REQUESTED]
        assert [k for k, _, _ in journal.events()][-1] == "restart-requested"
        assert published[-1]["stuck_players"] == STUCK_PLAYERS_RESTART_LIMIT
    finally:
        watch.deleteLater()
        journal.close()


def test_process_threads_counts_native_threads_too():
    import threading

    assert process_threads() >= threading.active_count()
