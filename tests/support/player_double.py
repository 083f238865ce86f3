"""A FeedPlayer double for unit tests of player plumbing (not for rendering tests), and
``Events``, a listener that records player events from any thread.

``StallingEngine`` makes ``StallingPlayer``s that "play" at once (OPENING, PLAYING and VOUT
events from the calling thread, pictures counted by the clock) and can hang in any call
named in ``engine.hang`` — the way libVLC's ``stop`` hung in ``input_Close`` — until
``engine.unblock()`` (or ``HANG_LIMIT_S``, so a test of old code fails instead of hanging).
Every call is recorded as ``(player number, call name)`` in ``engine.calls``.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from viewer.core.health_model import PlayerEventKind
from viewer.player.base import PlayerEvent, PlayerStats

HANG_LIMIT_S = 10.0


class Events:
    """A player listener that records events from any thread (libVLC's, a worker's)."""

    def __init__(self) -> None:
        self.items: list[PlayerEvent] = []
        self.lock = threading.Lock()

    def __call__(self, event: PlayerEvent) -> None:
        with self.lock:
            self.items.append(event)

    def kinds(self, generation: int | None = None) -> list[PlayerEventKind]:
        with self.lock:
            return [e.kind for e in self.items if generation is None or e.generation == generation]

    def seen(self, kind: PlayerEventKind, generation: int | None = None) -> bool:
        return kind in self.kinds(generation)

    def wait_for(self, qtbot, kind: PlayerEventKind, generation: int | None = None, timeout_s: float = 20.0) -> None:
        """Run the Qt event loop until ``kind`` (of ``generation``) arrived."""
        qtbot.waitUntil(lambda: self.seen(kind, generation), timeout=int(timeout_s * 1000))


class StallingPlayer:
    def __init__(self, engine: StallingEngine, number: int) -> None:
        self.engine = engine
        self.number = number
        self.generation = 0
        self.listener = None
        self.window: int | None = None
        self.opened_at: float | None = None
        self.released = False

    def _call(self, name: str) -> None:
        self.engine.calls.append((self.number, name))
        if name in self.engine.hang:
            self.engine.hanging.append((self.number, name))
            self.engine.gate.wait(HANG_LIMIT_S)

    def set_listener(self, listener) -> None:
        self.listener = listener

    def set_window(self, win_id: int) -> None:
        self._call("set_window")
        self.window = win_id

    def play(self, url, username=None, password=None, full_decoder=False) -> int:
        self.generation += 1
        self._call("play")
        self.opened_at = time.monotonic()
        for kind in (PlayerEventKind.OPENING, PlayerEventKind.PLAYING, PlayerEventKind.VOUT):
            self._emit(kind)
        return self.generation

    def stop(self) -> None:
        self.generation += 1
        self._call("stop")
        self.opened_at = None

    def emit_stale(self, kind: PlayerEventKind) -> None:
        """An event of the previous generation arriving late (as libVLC's can)."""
        listener = self.listener
        if listener is not None:
            listener(PlayerEvent(kind, self.generation - 1))

    def _emit(self, kind: PlayerEventKind) -> None:
        listener = self.listener
        if listener is not None:
            listener(PlayerEvent(kind, self.generation))

    def stats(self) -> PlayerStats:
        self._call("stats")
        if self.opened_at is None:
            return PlayerStats()
        pictures = int((time.monotonic() - self.opened_at) * 15)
        return PlayerStats(displayed_pictures=pictures, decoded_video=pictures, read_bytes=pictures * 1000)

    def is_playing(self) -> bool:
        return self.opened_at is not None

    def video_size(self) -> tuple[int, int]:
        return (320, 180) if self.opened_at is not None else (0, 0)

    def snapshot(self, path: Path, width: int = 0, height: int = 0) -> bool:
        self._call("snapshot")
        return False

    def thumbnail_png(self):
        return None

    def release(self) -> None:
        self._call("release")
        self.released = True


class StallingEngine:
    version = "double"

    def __init__(self) -> None:
        self.hang: set[str] = set()
        self.hanging: list[tuple[int, str]] = []
        self.gate = threading.Event()
        self.calls: list[tuple[int, str]] = []
        self.players: list[StallingPlayer] = []
        self.released = False

    def new_player(self) -> StallingPlayer:
        player = StallingPlayer(self, len(self.players) + 1)
        self.players.append(player)
        return player

    def supports_scheme(self, scheme: str) -> bool:
        return scheme in ("http", "https", "file")

    def unblock(self) -> None:
        self.hang.clear()
        self.gate.set()

    def release(self) -> None:
        self.released = True
