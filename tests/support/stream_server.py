"""A stream server in a child process that tests and benchmarks can freeze (SIGSTOP),
resume (SIGCONT), kill and restart on the same port."""

from __future__ import annotations

import os
import signal
import socket

from tests.benchmarks.harness import Child


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamServer:
    """N simulated HTTP cameras (one clip) in ``tests.support.sim_child`` on a fixed port."""

    def __init__(self, clip, count: int, *extra: str) -> None:
        self.clip, self.count, self.extra = str(clip), count, extra
        self.port = free_port()
        self.child: Child | None = None
        self.urls: list[str] = []

    def start(self) -> list[str]:
        self.child = Child("tests.support.sim_child", "--count", str(self.count), "--clip", self.clip,
                           "--port", str(self.port), *self.extra)
        self.urls = self.child.read(30)["urls"]
        return self.urls

    def signal(self, signum: int) -> None:
        os.kill(self.child.pid, signum)

    def kill(self) -> None:
        os.killpg(self.child.pid, signal.SIGKILL)
        self.child.proc.wait()

    def stop(self) -> None:
        if self.child is not None and self.child.proc.poll() is None:
            os.kill(self.child.pid, signal.SIGCONT)
            self.child.stop()
