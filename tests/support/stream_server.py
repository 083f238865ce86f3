"""A stream server in a child process that tests and benchmarks can freeze (SIGSTOP),
resume (SIGCONT), kill and restart on the same port."""

from __future__ import annotations

import os
import signal

from tests.benchmarks.harness import Child
from tests.support.ports import free_port


class StreamServer:
    """N simulated HTTP cameras (one clip) in ``tests.support.sim_child`` on a fixed port;
    ``link``: a :class:`tests.support.blackhole.BlackHoleLink` to serve behind."""

    def __init__(self, clip, count: int, *extra: str, link=None) -> None:
        self.clip, self.count, self.extra, self.link = str(clip), count, extra, link
        self.port = free_port()  # any free number: inside a namespace of its own it is free too
        self.child: Child | None = None
        self.urls: list[str] = []

    def start(self) -> list[str]:
        where = ["--host", self.link.host] if self.link is not None else []
        self.child = Child("tests.support.sim_child", "--count", str(self.count), "--clip", self.clip,
                           "--port", str(self.port), *where, *self.extra,
                           prefix=self.link.prefix() if self.link is not None else None)
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
