"""Run ``tests/support/gst_rtsp_server.py`` (GStreamer's RTSP server) for a test.

The server runs under Debian's system ``python3`` in its own process group, on a port from
:func:`tests.support.ports.free_port` (so a restart can take the same port), and is
killed explicitly. Its JSON event lines are read by a daemon thread and counted, so tests
can ask how many RTSP sessions the server saw (``sessions``) and wait for counts without
sleeping.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support.ports import free_port

SCRIPT = Path(__file__).with_name("gst_rtsp_server.py")
SYSTEM_PYTHON = "/usr/bin/python3"
READY_TIMEOUT_S = 20.0


def gst_rtsp_available() -> bool:
    if not shutil.which(SYSTEM_PYTHON):
        return False
    check = ("import gi; gi.require_version('GstRtspServer', '1.0'); "
             "from gi.repository import GstRtspServer; import gi.repository.Gst")
    return subprocess.run([SYSTEM_PYTHON, "-c", check], capture_output=True).returncode == 0


def require_gst_rtsp() -> None:
    """Skip without GStreamer's RTSP server; under CI (where .ci/setup installs it) fail."""
    if gst_rtsp_available():
        return
    message = "GStreamer's RTSP server is missing (apt: gir1.2-gst-rtsp-server-1.0 python3-gi)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


class GstRtspServer:
    """One server process; ``mounts`` and ``auth_mounts`` map path -> ARGB colour."""

    def __init__(self, mounts: dict[str, str], auth_mounts: dict[str, str] | None = None,
                 user: str = "", *extra: str) -> None:
        self.mounts, self.auth_mounts, self.user, self.extra = mounts, auth_mounts or {}, user, extra
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.events: Counter[str] = Counter()
        self.transports: list[str] = []  # the Transport header of every SETUP
        self._cond = threading.Condition()

    def url(self, path: str, credentials: str = "") -> str:
        at = f"{credentials}@" if credentials else ""
        return f"rtsp://{at}127.0.0.1:{self.port}{path}"

    def start(self) -> GstRtspServer:
        args = [SYSTEM_PYTHON, str(SCRIPT), "--port", str(self.port)]
        args += [a for path, argb in self.mounts.items() for a in ("--mount", f"{path}={argb}")]
        args += [a for path, argb in self.auth_mounts.items() for a in ("--auth-mount", f"{path}={argb}")]
        if self.user:
            args += ["--user", self.user]
        args += list(self.extra)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)
        ready = threading.Event()
        threading.Thread(target=self._read, args=(self.proc, ready), name="gst-rtsp-reader", daemon=True).start()
        if not ready.wait(READY_TIMEOUT_S):
            self.kill()
            raise RuntimeError("GStreamer's RTSP server did not start")
        return self

    def _read(self, proc: subprocess.Popen, ready: threading.Event) -> None:
        for line in proc.stdout:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "ready" in message:
                ready.set()
            key = message.get("event") or ""
            if message.get("method"):
                key = f"{key}:{message['method']}"
            with self._cond:
                if "transport" in message:
                    self.transports.append(message["transport"])
                self.events[key] += 1
                self._cond.notify_all()

    @property
    def sessions(self) -> int:
        with self._cond:
            return self.events["session"]

    def wait_events(self, key: str, count: int, timeout_s: float) -> bool:
        """Wait until at least ``count`` events ``key`` (e.g. "session", "teardown").

        Blocks the calling thread without running Qt's event loop: a wall test must not call
        it on the main thread when what it waits for needs that loop (the controller stops
        an old page's players on later event-loop turns); use ``qtbot.waitUntil`` on
        ``events`` there."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            return self._cond.wait_for(lambda: self.events[key] >= count, max(0.0, deadline - time.monotonic()))

    def kill(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def restart(self) -> None:
        """Kill, then start again on the same port (a camera that rebooted)."""
        self.kill()
        self.start()


@pytest.fixture
def gst_rtsp():
    """Factory: ``gst_rtsp({"/red": "0xFFFF0000"}, auth_mounts=..., user=...)`` -> started
    :class:`GstRtspServer`; every server is killed after the test."""
    require_gst_rtsp()
    servers: list[GstRtspServer] = []

    def start(mounts: dict[str, str], auth_mounts: dict[str, str] | None = None, user: str = "",
              *extra: str) -> GstRtspServer:
        server = GstRtspServer(mounts, auth_mounts, user, *extra)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()
