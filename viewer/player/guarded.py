"""Player calls that can never freeze the Qt main thread.

:class:`GuardedEngine` wraps any :class:`~viewer.player.base.PlayerEngine`; its players,
:class:`GuardedPlayer`, implement :class:`~viewer.player.base.FeedPlayer` around one inner
player each. Every call that can block inside libVLC (``set_window``, ``play`` with its
``set_media``, ``stop``, ``release``, an operator's snapshot: ``snapshot_later``) is queued
to the player's own worker thread (``player-N``) and the main thread returns at once; calls
keep their order. Nothing here waits for the worker.

A call still running after ``PLAYER_CALL_DEADLINE_S`` is stuck (measured: libVLC's
``input_Close`` spinning forever inside ``stop``). The watchdog thread (``player-watchdog``)
quarantines that inner player — never touched again, its worker abandoned (a daemon thread) —
gives the wrapper a fresh inner player (window and listener carried over) and sends a
``PlayerEventKind.STUCK`` event through the listener. ``GuardedEngine.stuck_players`` counts
them for the log, the status export and the restart policy.

Generations: the wrapper counts its own (``play``/``stop`` bump it on the caller's thread, as
the FeedPlayer contract says) and maps each inner generation to the outer one it belongs to,
so an event of an older call is still stale. The inner player must bump its generation by one
per ``play``/``stop`` (``VlcFeedPlayer`` does).

Threading: every public method is for the Qt main thread, except ``thumbnail_png`` (the
picture-check thread) and the listener and ``snapshot_later``'s callback (called on libVLC,
worker or watchdog threads).
``stats``/``is_playing``/``video_size`` answer from values the worker refreshed (at most one
poll old) so that even they never wait for libVLC.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from viewer.core.constants import PLAYER_CALL_DEADLINE_S, PLAYER_WATCHDOG_INTERVAL_S
from viewer.core.health_model import PlayerEventKind
from viewer.player.base import FeedPlayer, PlayerEngine, PlayerEvent, PlayerStats

log = logging.getLogger(__name__)

_worker_numbers = itertools.count(1)
_STOP_WORKER = object()


@dataclass
class _Call:
    name: str
    run: Callable[[], object]
    #: Called (on the watchdog thread) when a quarantine drops the call unrun or stuck.
    abandoned: Callable[[], None] | None = None


class _Once:
    """A result callback that runs at most once, whoever calls it first (thread-safe)."""

    def __init__(self, callback: Callable[[bool], None]) -> None:
        self._callback: Callable[[bool], None] | None = callback
        self._lock = threading.Lock()

    def __call__(self, ok: bool) -> None:
        with self._lock:
            callback, self._callback = self._callback, None
        if callback is not None:
            callback(ok)


class _Worker:
    """One inner player and the thread that makes its calls, in order."""

    def __init__(self, inner: FeedPlayer) -> None:
        self.inner = inner
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.busy_since: float | None = None  # monotonic s of the call in flight
        self.busy_with = ""
        self.current: _Call | None = None  # the call in flight
        self.quarantined = False
        self.inner_lock = threading.Lock()  # a thumbnail (picture-check thread) vs the release
        self.inner_released = False
        self.thread = threading.Thread(target=self._run, name=f"player-{next(_worker_numbers)}", daemon=True)
        self.thread.start()

    def submit(self, call: _Call) -> None:
        self.calls.put(call)

    def _run(self) -> None:
        while True:
            call = self.calls.get()
            if call is _STOP_WORKER or self.quarantined:
                return
            self.busy_with, self.busy_since, self.current = call.name, time.monotonic(), call
            try:
                call.run()
            except Exception:
                log.exception("player call %s failed", call.name)
            finally:
                self.busy_since = self.current = None
            if self.quarantined:  # returned after all, too late: never touch it again
                return

    def abandon(self) -> None:
        """Watchdog thread, once quarantined: tell the stuck call and every queued one that
        they will never run (an operator's snapshot then reports failure)."""
        calls = [self.current]
        while True:
            try:
                calls.append(self.calls.get_nowait())
            except queue.Empty:
                break
        for call in calls:
            if isinstance(call, _Call) and call.abandoned is not None:
                try:
                    call.abandoned()
                except Exception:
                    log.exception("abandoned call %s: callback failed", call.name)

    def stuck_for(self, now: float) -> float:
        since = self.busy_since
        return 0.0 if since is None else now - since


class GuardedPlayer:
    """A FeedPlayer whose blocking calls run on a worker with a deadline (see the module)."""

    def __init__(self, engine: GuardedEngine, new_inner: Callable[[], FeedPlayer]) -> None:
        self._engine = engine
        self._new_inner = new_inner
        self._lock = threading.Lock()  # guards _worker swaps and the generation map
        self._listener: Callable[[PlayerEvent], None] | None = None
        self._window: int | None = None
        self._outer_of: dict[tuple[int, int], int] = {}  # (worker id, inner generation) -> outer
        self._stats = PlayerStats()
        self._playing = False
        self._size = (0, 0)
        self._refresh_pending = False
        self._released = False
        self.generation = 0
        self._worker = self._start_worker(new_inner())

    # --- FeedPlayer -------------------------------------------------------------------------
    def set_listener(self, listener: Callable[[PlayerEvent], None] | None) -> None:
        self._listener = listener

    def set_window(self, win_id: int) -> None:
        self._window = int(win_id)
        self._submit("set_window", lambda w: w.inner.set_window(int(win_id)))

    def play(self, url: str, username: str | None = None, password: str | None = None,
             full_decoder: bool = False) -> int:
        self.generation += 1
        outer = self.generation
        self._playing, self._stats, self._size = False, PlayerStats(), (0, 0)

        def run(worker: _Worker) -> None:
            self._expect(worker, outer)
            worker.inner.play(url, username, password, full_decoder=full_decoder)

        self._submit("play", run)
        return outer

    def stop(self) -> None:
        self.generation += 1
        outer = self.generation
        self._playing, self._stats, self._size = False, PlayerStats(), (0, 0)

        def run(worker: _Worker) -> None:
            self._expect(worker, outer)
            worker.inner.stop()

        self._submit("stop", run)

    def stats(self) -> PlayerStats:
        self._request_refresh()
        return self._stats

    def is_playing(self) -> bool:
        self._request_refresh()
        return self._playing

    def video_size(self) -> tuple[int, int]:
        self._request_refresh()
        return self._size

    def snapshot_later(self, path: Path, done: Callable[[bool], None], width: int = 0, height: int = 0) -> None:
        """An operator's snapshot without waiting: queued to the worker, returns at once.
        ``done(ok)`` is called exactly once: on the worker thread when the snapshot ran, on
        the watchdog thread when the player got stuck first, at once when it is released.
        It must only hand the result over (e.g. emit a Qt signal)."""
        once = _Once(done)

        def run(worker: _Worker) -> None:
            ok = False
            try:
                ok = bool(worker.inner.snapshot(path, width, height))
            finally:
                once(ok)

        if self._submit("snapshot", run, abandoned=lambda: once(False)) is None:
            once(False)

    def thumbnail_png(self) -> bytes | None:
        """On the picture-check thread, straight to the inner player (not while it is stuck,
        never after its release: ``inner_lock`` keeps the two apart)."""
        worker = self._worker
        if worker.quarantined or self._released or worker.stuck_for(time.monotonic()) > PLAYER_CALL_DEADLINE_S:
            return None
        with worker.inner_lock:
            if worker.inner_released:
                return None
            return worker.inner.thumbnail_png()

    def release(self) -> None:
        """Queue the inner player's release and end the worker; returns at once."""
        if self._released:
            return
        self._released = True
        self._listener = None
        with self._lock:
            worker = self._worker
        worker.submit(_Call("release", lambda: self._release_inner(worker)))
        worker.submit(_STOP_WORKER)  # type: ignore[arg-type]

    # --- for the engine and its watchdog --------------------------------------------------------
    @property
    def worker_thread(self) -> threading.Thread:
        return self._worker.thread

    def check_deadline(self, now: float) -> bool:
        """Watchdog thread: quarantine the inner player if its call overran. True if it did."""
        with self._lock:
            worker = self._worker
            overdue = worker.stuck_for(now)
            if worker.quarantined or overdue <= PLAYER_CALL_DEADLINE_S:
                return False
            worker.quarantined = True
            what = worker.busy_with
            stuck_generation = self.generation
            fresh = None if self._released else self._start_worker(self._new_inner())
            if fresh is not None:
                self._worker = fresh
        log.error("player %s: %s did not return within %.1f s; quarantined%s", worker.thread.name, what,
                  PLAYER_CALL_DEADLINE_S, "" if fresh is None else f", continuing with {fresh.thread.name}")
        worker.abandon()
        if fresh is not None and self._window is not None:
            window = self._window
            fresh.submit(_Call("set_window", lambda: fresh.inner.set_window(window)))
        listener = self._listener
        if listener is not None:
            listener(PlayerEvent(PlayerEventKind.STUCK, stuck_generation, detail=f"player stuck ({what})"))
        return True

    # --- internals -----------------------------------------------------------------------------
    def _start_worker(self, inner: FeedPlayer) -> _Worker:
        worker = _Worker(inner)
        inner.set_listener(lambda event, w=worker: self._on_inner_event(w, event))
        return worker

    def _submit(self, name: str, run: Callable[[_Worker], object],
                abandoned: Callable[[], None] | None = None) -> _Call | None:
        if self._released:
            return None
        with self._lock:
            worker = self._worker
            call = _Call(name, lambda: run(worker), abandoned=abandoned)
            worker.submit(call)
        return call

    def _expect(self, worker: _Worker, outer: int) -> None:
        """Worker thread, just before an inner play/stop: its next generation is ``outer``'s."""
        with self._lock:
            key = (id(worker), worker.inner.generation + 1)
            self._outer_of = {k: v for k, v in self._outer_of.items() if v >= outer - 2}
            self._outer_of[key] = outer

    def _on_inner_event(self, worker: _Worker, event: PlayerEvent) -> None:
        """libVLC thread: translate the generation, hand over, nothing else."""
        if worker.quarantined:
            return
        outer = self._outer_of.get((id(worker), event.generation))
        listener = self._listener
        if outer is not None and listener is not None:
            listener(PlayerEvent(event.kind, outer, event.reason, event.detail))

    def _request_refresh(self) -> None:
        if self._refresh_pending or self._released:
            return
        self._refresh_pending = True
        generation = self.generation
        self._submit("stats", lambda worker: self._refresh(worker, generation))

    def _refresh(self, worker: _Worker, generation: int) -> None:
        """Worker thread. Values of an older play are dropped (a new media starts at 0)."""
        try:
            stats, playing, size = worker.inner.stats(), worker.inner.is_playing(), worker.inner.video_size()
            if generation == self.generation:
                self._stats, self._playing, self._size = stats, playing, size
        finally:
            self._refresh_pending = False

    def _release_inner(self, worker: _Worker) -> None:
        worker.inner.set_listener(None)
        with worker.inner_lock:  # waits for a thumbnail in progress; none starts after
            worker.inner_released = True
            worker.inner.release()
        self._engine.forget(self)


class GuardedEngine:
    """A PlayerEngine whose players never block the caller (see the module docstring).

    ``stuck_players``: inner players quarantined so far (they and their threads live on
    until the process ends). ``release`` waits for the workers' releases, at most
    ``PLAYER_CALL_DEADLINE_S`` in all, and leaves the inner engine alone while any player is
    stuck (freeing libVLC under a stuck call could crash the process on its way out).
    """

    def __init__(self, inner: PlayerEngine) -> None:
        self.inner = inner
        self.version = inner.version
        #: How this engine receives RTSP (the self-test and the start-up log say it).
        self.rtsp_description = getattr(inner, "rtsp_description", "unknown")
        self.stuck_players = 0
        self._players: list[GuardedPlayer] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.on_stuck: Callable[[int], None] | None = None  # watchdog thread: the new count
        self._watchdog = threading.Thread(target=self._watch, name="player-watchdog", daemon=True)
        self._watchdog.start()

    def new_player(self) -> GuardedPlayer:
        player = GuardedPlayer(self, self.inner.new_player)
        with self._lock:
            self._players.append(player)
        return player

    def supports_scheme(self, scheme: str) -> bool:
        return self.inner.supports_scheme(scheme)

    def forget(self, player: GuardedPlayer) -> None:
        """A worker thread: ``player`` is released; the watchdog stops looking at it."""
        with self._lock:
            if player in self._players:
                self._players.remove(player)

    def release(self) -> None:
        self._stop.set()
        self._watchdog.join(timeout=PLAYER_WATCHDOG_INTERVAL_S * 4)
        with self._lock:
            players = list(self._players)
        for player in players:
            player.release()
        deadline = time.monotonic() + PLAYER_CALL_DEADLINE_S
        for player in players:
            player.worker_thread.join(timeout=max(0.0, deadline - time.monotonic()))
        left = [p.worker_thread.name for p in players if p.worker_thread.is_alive()]
        if left or self.stuck_players:
            log.error("%d stuck players and %d workers still busy (%s): libVLC is left to the process exit",
                      self.stuck_players, len(left), ", ".join(left[:8]))
            return
        self.inner.release()

    def _watch(self) -> None:
        while not self._stop.wait(PLAYER_WATCHDOG_INTERVAL_S):
            now = time.monotonic()
            with self._lock:
                players = list(self._players)
            for player in players:
                if player.check_deadline(now):
                    self.stuck_players += 1
                    callback = self.on_stuck
                    if callback is not None:
                        try:
                            callback(self.stuck_players)
                        except Exception:
                            log.exception("on_stuck callback failed")
