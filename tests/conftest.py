"""Shared fixtures: isolated user dirs, a virtual X screen, generated test clips.

- Every test runs with ``VIDEOWALL_HOME`` in its own tmp folder: no test reads or writes
  the real user config.
- If no ``DISPLAY`` is set, an Xvfb server is started for the session (real windows,
  real libVLC output) and stopped at the end.
- Test clips are tiny H.264 MPEG-TS files made once per session with ffmpeg
  (``tests.support.clips``). Helpers live in ``tests/support``, never here.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from tests.support.clips import CLIP_SOURCES, make_clip
from tests.support.late_clips import make_late_clip
from tests.support.timezone import local_tz  # noqa: F401 - fixture: pin the local time zone (TZ + tzset)

XVFB_SCREEN = "1920x1080x24"
_xvfb: subprocess.Popen | None = None

def _start_xvfb() -> None:
    global _xvfb
    if os.environ.get("DISPLAY") or shutil.which("Xvfb") is None:
        return
    read_fd, write_fd = os.pipe()
    _xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", XVFB_SCREEN, "-nolisten", "tcp", "+extension", "RANDR"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()
    if not number:
        raise RuntimeError("Xvfb did not report a display number")
    os.environ["DISPLAY"] = f":{number}"


def pytest_configure(config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    os.environ["VIDEOWALL_NO_DIALOGS"] = "1"
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    _start_xvfb()


def pytest_unconfigure(config) -> None:
    if _xvfb is not None and _xvfb.poll() is None:
        os.killpg(_xvfb.pid, signal.SIGTERM)
        _xvfb.wait(timeout=10)


_gc_collector = None  # the session's MainThreadGarbageCollector, once a test asked for Qt


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's QApplication, with cyclic garbage collection on its main thread, as the wall
    has it (``viewer.ui.main_thread_gc``): a closed window freed on a worker thread crashes."""
    global _gc_collector
    from viewer.ui.main_thread_gc import MainThreadGarbageCollector

    _gc_collector = MainThreadGarbageCollector(qapp)
    yield qapp
    _gc_collector.stop()
    _gc_collector = None


@pytest.fixture(autouse=True)
def garbage_collected_between_tests():
    """Tests that never spin the event loop still get their cycles collected (main thread)."""
    yield
    if _gc_collector is not None:
        _gc_collector.check()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "vw-home"
    monkeypatch.setenv("VIDEOWALL_HOME", str(home))
    return home


#: Name prefixes of every thread the app starts: probe pools and DNS lookups, simulators,
#: the fleet sweep, picture checks, the status server, player workers and their watchdog,
#: RTSP relays. Daemon threads count too: a player worker is one.
OUR_THREAD_PREFIXES = ("probe", "sim", "sweep", "picture-check", "status-http", "player-", "relay", "sample")
#: How long a test's threads get to finish after it (a worker ends its last call).
THREAD_END_GRACE_S = 5.0


@pytest.fixture(autouse=True)
def no_leaked_threads():
    """Fail a test that leaves our own threads running (see ``OUR_THREAD_PREFIXES``)."""
    before = set(threading.enumerate())
    yield

    def leaked() -> list[threading.Thread]:
        return [t for t in threading.enumerate()
                if t not in before and t.is_alive() and t.name.startswith(OUR_THREAD_PREFIXES)]  # fmt: skip

    for thread in leaked():  # ending, not leaked: released workers finish their last call
        thread.join(timeout=THREAD_END_GRACE_S)
    assert not leaked(), f"threads left running: {[t.name for t in leaked()]}"


@pytest.fixture
def simulator():
    """A camera simulator on 127.0.0.1 (its own thread), stopped after the test."""
    from viewer.sim.cameras import CameraSimulator

    sim = CameraSimulator()
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def clips(tmp_path_factory) -> dict[str, Path]:
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to make test clips")
    folder = tmp_path_factory.mktemp("clips")
    return {name: make_clip(folder, name) for name in CLIP_SOURCES}


from tests.support.gst_rtsp import gst_rtsp  # noqa: E402,F401  (fixture for tests/player and tests/ui)
from tests.support.lighttpd import lighttpd, mjpeg_file  # noqa: E402,F401  (fixtures: HTTP Digest tests)


@pytest.fixture(scope="session")
def late_clips(tmp_path_factory):
    """(colour, keyframe interval s) -> a clip whose first picture comes ~``gop_s - 0.6`` s after
    a client joins (see :func:`make_late_clip`)."""
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":  # .ci/setup installs it: missing there is a failure
            pytest.fail("ffmpeg is needed to make test clips: run .ci/setup")
        pytest.skip("ffmpeg is needed to make test clips")
    folder = tmp_path_factory.mktemp("late-clips")

    def get(name: str, gop_s: float = 4.0, size: str = "640x360") -> Path:
        return make_late_clip(folder, name, gop_s, size=size)

    return get
