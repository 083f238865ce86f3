"""The libVLC adapter with real libVLC (behind the GuardedEngine, as the app uses it):
credentials go into the URL (HTTP Basic and Digest, a password that needs encoding), events
carry their generation, thumbnails on their own thread race a release safely, and a player
that hangs in a call is quarantined while a fresh one plays on. Video goes into a real X
window (Xvfb); pictures are counted by libVLC's own stats."""

from __future__ import annotations

import threading
import time

import pytest

from tests.support.player_double import Events
from viewer.core.health import PlayerEventKind
from viewer.player import guarded
from viewer.player.base import create_engine
from viewer.sim.cameras import Behaviour, SimCamera

ODD_USER, ODD_PASSWORD = "op@desk", "p:ss/w@rd%9?#"
WAIT_S = 20.0


@pytest.fixture
def window(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    widget.resize(320, 180)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def engine():
    engine = create_engine()
    yield engine
    engine.release()


def new_player(engine, window) -> tuple[object, Events]:
    player = engine.new_player()
    events = Events()
    player.set_listener(events)
    player.set_window(int(window.winId()))
    return player, events


def pictures_rise(qtbot, player, more_than: int = 5) -> None:
    first = player.stats().displayed_pictures
    qtbot.waitUntil(lambda: player.stats().displayed_pictures > first + more_than, timeout=int(WAIT_S * 1000))


DIGEST_UNSUPPORTED = pytest.mark.xfail(
    run=False,
    reason="measured: Debian's libVLC 3.0 HTTP access never answers a Digest challenge (also Digest-only, plain "
    "admin/secret); it stays without pictures. A product limitation to fix (e.g. a relay), not a test problem. "
    "NOT RUN: against a camera that offers Digest and Basic, libVLC 3.0.24's legacy HTTP access "
    "(libhttp_plugin.so) retries the refused Basic login in a tight loop (~20,000 log lines/s), and a stop "
    "during that loop double-frees in vlc_http_auth_Deinit on libVLC's input thread: 'free(): double free "
    "detected in tcache 2' aborted the whole CI run; reproduced with bare python-vlc (no project player code) "
    "after 36 play/stop cycles.",
)


@pytest.mark.parametrize("behaviour", [Behaviour.AUTH_BASIC, pytest.param(Behaviour.AUTH_DIGEST,
                                                                           marks=DIGEST_UNSUPPORTED)])
def test_credentials_reach_libvlc_in_the_url(qtbot, engine, window, simulator, clips, behaviour):
    url = simulator.add_http(SimCamera(f"/{behaviour.value}", behaviour, username=ODD_USER, password=ODD_PASSWORD,
                                       clip=clips["green"]))  # fmt: skip
    player, events = new_player(engine, window)
    try:
        generation = player.play(url, ODD_USER, ODD_PASSWORD)
        # Digest is expected to fail (xfail): do not spend the full wait on it
        events.wait_for(qtbot, PlayerEventKind.VOUT, generation, WAIT_S if behaviour is Behaviour.AUTH_BASIC else 10.0)
        pictures_rise(qtbot, player)
        wrong = player.play(url, ODD_USER, "not-the-password")
        events.wait_for(qtbot, PlayerEventKind.ERROR, wrong)  # --keystore=memory: a 401 fails at once
    finally:
        player.release()


def test_events_carry_their_generation(qtbot, engine, window, simulator, clips):
    red = simulator.add_http(SimCamera("/red", clip=clips["red"]))
    refused = "http://127.0.0.1:9/none"
    player, events = new_player(engine, window)
    try:
        failing = player.play(refused)
        playing = player.play(red)  # replaces the failing one at once
        events.wait_for(qtbot, PlayerEventKind.VOUT, playing)
        assert not events.seen(PlayerEventKind.ERROR, playing)
        assert all(e.generation in (failing, playing) for e in events.items)
        player.stop()
        assert player.generation == playing + 1
        assert not player.is_playing()
    finally:
        player.release()


def test_thumbnails_on_their_thread_race_release_safely(qtbot, engine, window, simulator, clips):
    url = simulator.add_http(SimCamera("/blue", clip=clips["blue"]))
    player, events = new_player(engine, window)
    generation = player.play(url)
    events.wait_for(qtbot, PlayerEventKind.VOUT, generation)
    thumbs: list[object] = []
    errors: list[BaseException] = []
    running = threading.Event()

    worker = player.worker_thread

    def take() -> None:
        try:
            while worker.is_alive():  # until the release has run on the player's worker
                thumbs.append(player.thumbnail())
                if thumbs[-1] is not None:
                    running.set()  # a real picture came: now race the release
            thumbs.append(player.thumbnail())  # after the release: no picture, no crash
        except BaseException as exc:  # reported below
            errors.append(exc)

    picture_thread = threading.Thread(target=take, name="picture-check-test")
    picture_thread.start()
    assert running.wait(WAIT_S)
    started = time.perf_counter()
    player.release()  # queued to the player's worker: returns at once
    assert time.perf_counter() - started < 0.05
    picture_thread.join(WAIT_S)
    assert not picture_thread.is_alive() and not errors
    real = [t for t in thumbs if t is not None]
    assert real and real[0][:2] == (64, 36) and thumbs[-1] is None
    width, height, rgb = real[0]
    assert len(rgb) == width * height * 3
    blue = sum(rgb[2::3]) / (width * height)
    assert blue > 150  # the blue clip, really decoded


def test_a_player_stuck_in_a_call_is_replaced_and_the_tile_plays_on(qtbot, window, simulator, clips, monkeypatch,
                                                                    tmp_path):
    """A real libVLC player whose snapshot hangs (its lock held, as by a thumbnail that never
    came back): the caller waits at most SNAPSHOT_WAIT_S, the player is quarantined at the
    deadline, and the next play() shows pictures through a fresh libVLC player."""
    monkeypatch.setattr(guarded, "PLAYER_CALL_DEADLINE_S", 1.0)
    engine = create_engine()
    url = simulator.add_http(SimCamera("/yellow", clip=clips["yellow"]))
    player, events = new_player(engine, window)
    held = threading.Event()
    free = threading.Event()
    try:
        first = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.VOUT, first)
        inner = player._worker.inner

        def hold_lock() -> None:
            with inner._lock:
                held.set()
                free.wait(WAIT_S)

        holder = threading.Thread(target=hold_lock, name="picture-check-holder")
        holder.start()
        assert held.wait(5)
        started = time.perf_counter()
        assert player.snapshot(tmp_path / "snap.png") is False
        assert time.perf_counter() - started < guarded.SNAPSHOT_WAIT_S + 0.5
        events.wait_for(qtbot, PlayerEventKind.STUCK, timeout_s=5)
        assert engine.stuck_players == 1
        again = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.VOUT, again)
        pictures_rise(qtbot, player)
        assert player._worker.inner is not inner
    finally:
        free.set()
        player.release()
        engine.release()
