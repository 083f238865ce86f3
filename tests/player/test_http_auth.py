"""HTTP cameras behind a password, with real libVLC rendering into a real X window (Xvfb).

Debian's libVLC 3.0 cannot log in with HTTP Digest: it retries a refused login without end
(thousands of requests a second) and a stop during that loop double-frees and aborts the
process. So libVLC never logs in: a camera with credentials is received by FFmpeg (the
relay) and remuxed to MPEG-TS for libVLC. Checked here against the camera simulator (Digest
that also offers Basic, as many cameras do; Basic; MPEG-TS and HLS) and against lighttpd's
own Digest login (a server we did not write): the right password plays (libVLC's picture
counter rises), a wrong one is ``auth`` at once with a bounded number of requests counted
at the server, stopping in the middle of refused logins never crashes, an MJPEG camera is
``unsupported`` with a reason, and an anonymous camera behind Digest fails at once in libVLC.
"""

from __future__ import annotations

import shutil
import time
from urllib.parse import urlsplit

import pytest

from tests.support.players import WAIT_S, new_player, pictures_rise
from viewer.core.health_model import PlayerEventKind
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, SimCamera

USER, PASSWORD = "op@desk", "p:ss/w@rd%9?#"
#: A refused login costs FFmpeg two requests (one unauthenticated, one with the answer).
REQUESTS_PER_REFUSED_LOGIN = 2
#: How fast a wrong password must become ``auth`` (FFmpeg answers the 401 at once).
AUTH_VERDICT_S = 5.0
#: Play/stop cycles against a refused Digest login (the old libVLC path crashed within ~36).
CRASH_CYCLES = 30


def error_of(events, generation):
    """The relay's verdict (an ERROR with a reason); libVLC's own ERROR, which may come first
    when the relay ends the stream, has none."""
    with events.lock:
        errors = [e for e in events.items if e.kind is PlayerEventKind.ERROR and e.generation == generation]
    with_reason = [e for e in errors if e.reason is not None]
    return (with_reason or errors or [None])[0]


def wait_for_verdict(qtbot, events, generation):
    qtbot.waitUntil(lambda: getattr(error_of(events, generation), "reason", None) is not None,
                    timeout=int(AUTH_VERDICT_S * 1000))  # fmt: skip
    return error_of(events, generation)


def wait_for_auth(qtbot, events, generation) -> float:
    started = time.monotonic()
    event = wait_for_verdict(qtbot, events, generation)
    assert event.reason is Reason.AUTH, event
    assert PASSWORD not in event.detail
    return time.monotonic() - started


@pytest.mark.parametrize("path", ["/cam.ts", "/cam.m3u8"])
@pytest.mark.parametrize("behaviour", [Behaviour.AUTH_DIGEST, Behaviour.AUTH_BASIC])
def test_the_right_password_plays_and_a_wrong_one_is_auth_at_once(qtbot, engine, window, simulator, clips,
                                                                  behaviour, path):
    url = simulator.add_http(SimCamera(path, behaviour, username=USER, password=PASSWORD, clip=clips["green"]))
    player, events = new_player(engine, window)
    try:
        generation = player.play(url, USER, PASSWORD)
        events.wait_for(qtbot, PlayerEventKind.VOUT, generation)
        pictures_rise(qtbot, player)
        assert error_of(events, generation) is None
        refused_before = simulator.requests(url)[1]
        wrong = player.play(url, USER, "not-the-password")
        wait_for_auth(qtbot, events, wrong)
        refused = simulator.requests(url)[1] - refused_before
        assert 1 <= refused <= REQUESTS_PER_REFUSED_LOGIN, refused  # libVLC itself: thousands a second
        again = player.play(url, USER, PASSWORD)  # at once: the refused input's last events are stale
        events.wait_for(qtbot, PlayerEventKind.VOUT, again)
        assert error_of(events, again) is None, events.items
    finally:
        player.release()


def test_stopping_in_the_middle_of_refused_logins_never_crashes(qtbot, engine, window, simulator, clips):
    """The crash: a stop while libVLC looped on a refused Digest login double-freed. Half the
    cycles stop at once (mid-login), half after the refusal; the process survives them all,
    the camera saw two requests a login, and the same player then plays the right password."""
    url = simulator.add_http(SimCamera("/digest.ts", Behaviour.AUTH_DIGEST, username=USER, password=PASSWORD,
                                       clip=clips["blue"]))  # fmt: skip
    player, events = new_player(engine, window)
    try:
        for cycle in range(CRASH_CYCLES):
            wrong = player.play(url, USER, f"wrong-{cycle}")
            if cycle % 2:
                wait_for_auth(qtbot, events, wrong)
            player.stop()
        refused = simulator.requests(url)[1]
        assert refused <= CRASH_CYCLES * REQUESTS_PER_REFUSED_LOGIN, refused
        right = player.play(url, USER, PASSWORD)
        events.wait_for(qtbot, PlayerEventKind.VOUT, right)
        pictures_rise(qtbot, player)
    finally:
        player.release()


def test_an_anonymous_camera_behind_digest_fails_at_once_in_libvlc(qtbot, engine, window, simulator, clips):
    """No credentials in the catalog: libVLC plays it itself and has nothing to log in with,
    so a Digest challenge fails at once (2 requests), also when a camera that played
    anonymously starts demanding a login."""
    url = simulator.add_http(SimCamera("/open.ts", clip=clips["red"]))
    player, events = new_player(engine, window)
    try:
        playing = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.VOUT, playing)
        simulator.set_behaviour(url, Behaviour.AUTH_DIGEST)  # new requests need a Digest login
        refused_before = simulator.requests(url)[1]
        again = player.play(url)
        events.wait_for(qtbot, PlayerEventKind.ERROR, again, AUTH_VERDICT_S)
        player.stop()
        refused = simulator.requests(url)[1] - refused_before
        assert 1 <= refused <= REQUESTS_PER_REFUSED_LOGIN, refused
    finally:
        player.release()


def test_lighttpd_digest_login_plays_refuses_and_mjpeg_is_unsupported(qtbot, engine, window, simulator, clips,
                                                                      lighttpd, mjpeg_file):
    """lighttpd's own Digest (mod_auth, htdigest) in front of the simulator's anonymous
    stream: the right password plays, a wrong one is ``auth`` with two requests in
    lighttpd's access log; an MJPEG stream behind it is ``unsupported``, never libVLC's."""
    backend = simulator.add_http(SimCamera("/live/cam.ts", clip=clips["green"]))
    server = lighttpd(USER, PASSWORD, "digest", urlsplit(backend).port)
    shutil.copy(mjpeg_file, server.root / "cam.mjpg")
    url = server.url("/live/cam.ts")
    player, events = new_player(engine, window)
    try:
        generation = player.play(url, USER, PASSWORD)
        events.wait_for(qtbot, PlayerEventKind.VOUT, generation)
        pictures_rise(qtbot, player)
        wrong = player.play(url, USER, "not-the-password")
        wait_for_auth(qtbot, events, wrong)
        # lighttpd logs the refused logins at once; the stream that played is logged when it ends
        qtbot.waitUntil(lambda: server.requests("/live/cam.ts")[1] >= 2, timeout=int(WAIT_S * 1000))
        assert server.requests("/live/cam.ts")[1] <= 1 + REQUESTS_PER_REFUSED_LOGIN  # 1: the first play's probe
        mjpeg = player.play(server.url("/cam.mjpg"), USER, PASSWORD)
        event = wait_for_verdict(qtbot, events, mjpeg)
        assert event.reason is Reason.UNSUPPORTED and "MJPEG" in event.detail, event
    finally:
        player.release()

