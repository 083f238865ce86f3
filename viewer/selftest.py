"""``videowall --selftest``: play a shipped clip through libVLC and check that it rendered.

For the installer's CI and for IT after a deployment. Opens a window, plays
``resources/clips/traffic.ts`` (or the file named by ``VIDEOWALL_SELFTEST_CLIP``) through
the project's player adapter into a :class:`~viewer.ui.video_surface.VideoSurface`, and
passes when libVLC displayed at least ``MIN_DISPLAYED_PICTURES`` pictures and a snapshot
PNG of the picture could be written and is not uniform. It also logs the libVLC version,
which libvlccore and plugin folder were really loaded, and how RTSP is received.

``--selftest-url URL`` then also plays that stream (an RTSP camera, through the same relay
as the wall) and passes only when it shows pictures too, so IT can check a real camera from
the installed app. A password never goes on the command line: ``--selftest-user NAME`` and
the environment variable ``VIDEOWALL_SELFTEST_PASSWORD``. A failing camera is reported with
the reason its RTSP session gave (auth, not_found, refused ...).

The verdict is one log line starting ``selftest: PASS`` or ``selftest: FAIL`` (windowed
apps have no stdout, so the log file is the record; it is also printed when there is a
stdout). Exit code 0 or 1, within ``SELFTEST_DEADLINE_S`` even if libVLC hangs.

Threading: runs on the Qt main thread (called by ``viewer.app.run_wall`` after the
QApplication exists). The player listener runs on a libVLC thread and only queues the
event; a daemon watchdog thread ends the process if the main thread is stuck.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from pathlib import Path

from viewer import __version__, paths

log = logging.getLogger(__name__)

CLIP_ENV = "VIDEOWALL_SELFTEST_CLIP"
PASSWORD_ENV = "VIDEOWALL_SELFTEST_PASSWORD"
DEFAULT_CLIP = ("clips", "traffic.ts")
#: 1 s of the 15 fps clip: enough to prove decode and display, well inside its 8 s.
MIN_DISPLAYED_PICTURES = 15
#: A snapshot whose grey levels span less than this is "uniform" (black, one colour).
MIN_SNAPSHOT_GREY_RANGE = 32
SNAPSHOT_SAMPLES_PER_SIDE = 24
POLL_INTERVAL_MS = 200
#: No result from playback by then: fail (orderly, through the Qt event loop).
PLAY_TIMEOUT_S = 20.0
#: Hard limit for the whole self-test: the watchdog thread exits the process with 1.
SELFTEST_DEADLINE_S = 30.0
#: ... plus this much when a camera URL is checked as well.
SELFTEST_URL_EXTRA_S = 30.0
WINDOW_SIZE_PX = (640, 360)
LIBVLC_ENV = ("PYTHON_VLC_LIB_PATH", "PYTHON_VLC_MODULE_PATH", "VLC_PLUGIN_PATH", "VIDEOWALL_BUNDLED_VLC")


def report(line: str, level: int = logging.INFO) -> None:
    """Log ``line`` and print it when there is a stdout (not in a windowed Windows app)."""
    log.log(level, "%s", line)
    if sys.stdout is not None:
        try:
            print(line, flush=True)
        except OSError:
            pass


def selftest_clip() -> Path:
    override = os.environ.get(CLIP_ENV, "").strip()
    return Path(override).expanduser() if override else paths.resource(*DEFAULT_CLIP)


def loaded_vlc_files() -> list[str]:
    """Paths of libVLC libraries and plugins mapped into this process (diagnostics only)."""
    try:
        if sys.platform.startswith("linux"):
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                files = {line.split(None, 5)[5].strip() for line in maps if line.count(" ") >= 5 and "/" in line}
        elif sys.platform == "win32":
            files = set(_windows_modules())
        else:
            return []
    except Exception as exc:  # diagnostics only: never fail the self-test over them
        log.debug("cannot list loaded libraries: %s", exc)
        return []
    return sorted(f for f in files if "vlc" in Path(f).name.lower() or "_plugin." in Path(f).name.lower())


def _windows_modules() -> list[str]:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    kernel32.K32EnumProcessModules.argtypes = [
        wintypes.HANDLE, ctypes.POINTER(wintypes.HMODULE), wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)
    ]
    kernel32.GetModuleFileNameW.argtypes = [wintypes.HMODULE, wintypes.LPWSTR, wintypes.DWORD]
    modules = (wintypes.HMODULE * 2048)()
    needed = wintypes.DWORD()
    if not kernel32.K32EnumProcessModules(
        kernel32.GetCurrentProcess(), modules, ctypes.sizeof(modules), ctypes.byref(needed)
    ):
        return []
    buffer = ctypes.create_unicode_buffer(32768)
    names = []
    for handle in modules[: min(len(modules), needed.value // ctypes.sizeof(wintypes.HMODULE))]:
        if handle and kernel32.GetModuleFileNameW(handle, buffer, len(buffer)):
            names.append(buffer.value)
    return names


def describe_loaded(files: list[str]) -> list[str]:
    """Log lines: which libvlccore and which plugin folder(s) were loaded."""
    cores = sorted({f for f in files if Path(f).name.lower().startswith("libvlccore")})
    plugins = [Path(f) for f in files if "_plugin." in Path(f).name.lower()]
    roots = sorted({str(p.parent.parent) for p in plugins})
    return [
        f"selftest: libvlccore loaded from {', '.join(cores) or 'unknown'}",
        f"selftest: {len(plugins)} plugins loaded from {', '.join(roots) or 'unknown'}",
    ]


def snapshot_problem(path: Path) -> str | None:
    """None when ``path`` is a readable picture that is not uniform, else what is wrong."""
    from PySide6.QtGui import QImage, qGray

    if not path.is_file() or path.stat().st_size == 0:
        return f"no snapshot written at {path}"
    image = QImage(str(path))
    if image.isNull():
        return f"snapshot {path} is not a readable picture"
    n = SNAPSHOT_SAMPLES_PER_SIDE
    xs = [min(image.width() - 1, i * image.width() // n) for i in range(n)]
    ys = [min(image.height() - 1, i * image.height() // n) for i in range(n)]
    greys = [qGray(image.pixel(x, y)) for x in xs for y in ys]
    if max(greys) - min(greys) < MIN_SNAPSHOT_GREY_RANGE:
        return f"snapshot {image.width()}x{image.height()} is uniform (grey {min(greys)}-{max(greys)})"
    return None


class _Watchdog:
    """Ends the process with exit code 1 if the self-test has no verdict by the deadline."""

    def __init__(self, deadline_s: float) -> None:
        self._timer = threading.Timer(deadline_s, self._expire)
        self._timer.name = "selftest-watchdog"
        self._timer.daemon = True
        self._deadline_s = deadline_s

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def _expire(self) -> None:  # runs on the watchdog thread
        report(f"selftest: FAIL: no verdict within {self._deadline_s:.0f} s (libVLC or the display hung)",
               logging.ERROR)
        for handler in logging.getLogger().handlers:
            handler.flush()
        os._exit(1)


class _Playback:
    """Plays the clip into a window and polls until pass, fail or timeout. Main thread."""

    def __init__(self, engine, clip: Path | str, snapshot_path: Path,
                 username: str | None = None, password: str | None = None) -> None:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QVBoxLayout, QWidget

        from viewer.ui.video_surface import VideoSurface

        self.clip, self.snapshot_path = clip, snapshot_path  # clip: a file, or a stream URL
        self._credentials = (username, password)
        self.failure_reason = ""  # what the stream's own session said (RTSP), if it failed
        self.events: queue.SimpleQueue = queue.SimpleQueue()
        self._snapshots: queue.SimpleQueue = queue.SimpleQueue()  # ok (bool) from the player's worker
        self._snapshot_asked: tuple[int, float] | None = None  # (pictures, seconds) when asked
        self.kinds_seen: list[str] = []
        self.loaded: list[str] = []
        self.verdict: tuple[bool, str] | None = None
        self.window = QWidget()
        self.window.setWindowTitle(f"videowall {__version__} self-test")
        self.window.resize(*WINDOW_SIZE_PX)
        self.surface = VideoSurface(self.window)
        layout = QVBoxLayout(self.window)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.surface)
        self.player = engine.new_player()
        self.loop = QEventLoop()
        self.poll = QTimer()
        self.poll.setInterval(POLL_INTERVAL_MS)
        self.poll.timeout.connect(self._check)
        self.started = 0.0

    def run(self) -> tuple[bool, str]:
        from PySide6.QtCore import QTimer

        self.window.show()
        QTimer.singleShot(0, self._start)
        self.loop.exec()
        return self.verdict or (False, "event loop ended without a verdict")

    def close(self) -> None:
        self.poll.stop()
        self.player.release()
        self.window.close()
        self.window.deleteLater()

    def _start(self) -> None:
        self.player.set_listener(self.events.put)  # libVLC thread: only queues the event
        self.player.set_window(self.surface.window_handle())
        self.started = time.monotonic()
        source = self.clip.resolve().as_uri() if isinstance(self.clip, Path) else self.clip
        self.player.play(source, *self._credentials)
        self.poll.start()

    def _judge_snapshot(self, ok: bool) -> None:
        pictures, elapsed = self._snapshot_asked
        problem = snapshot_problem(self.snapshot_path) if ok else "libVLC could not take a snapshot"
        if problem:
            self._finish(False, f"{pictures} pictures displayed, but {problem}")
        else:
            width, height = self.player.video_size()
            self._finish(True, f"{pictures} pictures displayed in {elapsed:.1f} s, "
                               f"video {width}x{height}, snapshot {self.snapshot_path}")

    def _label(self) -> str:
        from viewer.core.secrets import mask_url

        return str(self.clip) if isinstance(self.clip, Path) else mask_url(self.clip)

    def _finish(self, ok: bool, reason: str) -> None:
        if self.verdict is None:
            self.verdict = (ok, reason)
            self.poll.stop()
            self.loop.quit()

    def _check(self) -> None:
        from viewer.core.health_model import PlayerEventKind

        while not self.events.empty():
            event = self.events.get_nowait()
            if getattr(event, "reason", None) is not None and not self.failure_reason:
                self.failure_reason = f"{event.reason.value} ({event.detail})"
            if event.kind.value not in self.kinds_seen:
                self.kinds_seen.append(event.kind.value)
                log.info("selftest: %s after %.2f s", event.kind.value, time.monotonic() - self.started)
        if self._snapshot_asked is not None:  # pictures came; waiting for the worker's snapshot
            if not self._snapshots.empty():
                self._judge_snapshot(self._snapshots.get_nowait())
            return
        stats = self.player.stats()
        elapsed = time.monotonic() - self.started
        if stats.displayed_pictures >= MIN_DISPLAYED_PICTURES:
            self.loaded = loaded_vlc_files()
            self._snapshot_asked = (stats.displayed_pictures, elapsed)
            # taken on the player's worker: the result comes back through a queue, never waited for here
            self.player.snapshot_later(self.snapshot_path, self._snapshots.put)
        elif self.failure_reason:
            self._finish(False, f"{self._label()} failed: {self.failure_reason}")
        elif PlayerEventKind.ERROR.value in self.kinds_seen:
            self._finish(False, f"libVLC could not play {self._label()} (error event); "
                                f"{stats.displayed_pictures} pictures displayed")
        elif PlayerEventKind.ENDED.value in self.kinds_seen:
            self._finish(False, f"playback of {self._label()} ended after only {stats.displayed_pictures} "
                                f"pictures displayed ({stats.decoded_video} decoded)")
        elif elapsed > PLAY_TIMEOUT_S:
            self._finish(False, f"only {stats.displayed_pictures} pictures displayed in {PLAY_TIMEOUT_S:.0f} s "
                                f"({stats.decoded_video} decoded, {stats.read_bytes} bytes read)")


def run_selftest(url: str | None = None, username: str | None = None) -> int:
    """Play the self-test clip (then ``url``, when given) and return 0 (pass) or 1 (fail).
    Needs a QApplication. The camera's password comes from ``VIDEOWALL_SELFTEST_PASSWORD``."""
    from viewer.log import log_startup
    from viewer.player.base import EngineOptions, PlayerUnavailable, create_engine

    started = time.monotonic()
    watchdog = _Watchdog(SELFTEST_DEADLINE_S + (SELFTEST_URL_EXTRA_S if url else 0.0))
    watchdog.start()
    try:
        report(f"selftest: videowall {__version__}, {'frozen' if paths.is_frozen() else 'source'} "
               f"({sys.executable}), log {paths.log_file_path()}")
        for name in LIBVLC_ENV:
            if os.environ.get(name):
                log.info("selftest: %s=%s", name, os.environ[name])
        clip = selftest_clip()
        if not clip.is_file():
            return _verdict(False, f"self-test clip {clip} not found", started)
        try:
            engine = create_engine(EngineOptions())
        except PlayerUnavailable as exc:
            log_startup("missing")
            return _verdict(False, str(exc), started)
        log_startup(engine.version)
        report(f"selftest: libVLC {engine.version}")
        report(f"selftest: RTSP (live555) available: {'yes' if engine.supports_scheme('rtsp') else 'no'}")
        report(f"selftest: RTSP client: {engine.rtsp_description}")
        snapshot_path = paths.cache_dir() / "selftest-snapshot.png"
        snapshot_path.unlink(missing_ok=True)
        playback = _Playback(engine, clip, snapshot_path)
        try:
            ok, reason = playback.run()
            for line in describe_loaded(playback.loaded or loaded_vlc_files()):
                report(line)
            if ok and url:
                ok, reason = _check_stream(engine, url, username, reason)
        finally:
            playback.close()
            engine.release()
        return _verdict(ok, reason, started)
    finally:
        watchdog.cancel()


def _check_stream(engine, url: str, username: str | None, clip_result: str) -> tuple[bool, str]:
    """Play ``url`` after the clip passed: (ok, verdict text)."""
    from viewer.core.catalog_model import parse_camera_url
    from viewer.core.secrets import mask_url

    try:
        url, inline_user, inline_password = parse_camera_url(url)
    except ValueError as exc:
        return False, f"--selftest-url: {exc}"
    password = os.environ.get(PASSWORD_ENV) or inline_password
    snapshot_path = paths.cache_dir() / "selftest-stream.png"
    snapshot_path.unlink(missing_ok=True)
    report(f"selftest: playing {mask_url(url)}")
    stream = _Playback(engine, url, snapshot_path, username or inline_user, password)
    try:
        ok, reason = stream.run()
    finally:
        stream.close()
    if not ok:
        return False, reason
    return True, f"{clip_result}; {mask_url(url)}: {reason}"


def _verdict(ok: bool, reason: str, started: float) -> int:
    took = time.monotonic() - started
    report(f"selftest: {'PASS' if ok else 'FAIL'}: {reason} (self-test took {took:.1f} s)",
           logging.INFO if ok else logging.ERROR)
    return 0 if ok else 1
