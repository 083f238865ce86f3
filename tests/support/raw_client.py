"""A raw TCP client for tests of the camera simulator: send a request, collect what comes back.

Blocking sockets with short timeouts; conditions are polled with a deadline (no sleeps as
stand-ins for conditions).
"""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit


class Client:
    """A raw TCP client: send a request, collect what comes back."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.sock.settimeout(0.1)
        self.buf = b""
        self.closed = False

    def send(self, text: str) -> None:
        self.sock.sendall(text.encode())

    def get(self, path: str | None = None) -> None:
        self.send(f"GET {path or self.path} HTTP/1.1\r\nHost: sim\r\n\r\n")

    def pump(self) -> int:
        """Read what is there (up to 0.1 s); returns the byte count, notes a close (and
        closes this side too: a finished client holds no socket)."""
        if self.closed:
            return 0
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return 0
        except ConnectionResetError:
            data = b""
        if not data:
            self.closed = True
            self.sock.close()
        self.buf += data
        return len(data)

    def read_for(self, seconds: float) -> bytes:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.closed:
            self.pump()
        return self.buf

    def wait_for(self, condition, timeout_s: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return True
            self.pump()
        return condition()

    def head_and_body(self) -> tuple[str, bytes]:
        assert self.wait_for(lambda: b"\r\n\r\n" in self.buf or self.closed)
        head, _, body = self.buf.partition(b"\r\n\r\n")
        return head.decode("latin-1"), body

    def close(self) -> None:
        self.sock.close()


def rtsp(client: Client, method: str, url: str, cseq: int, extra: str = "") -> str:
    client.buf = b""
    client.send(f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\n{extra}\r\n")
    assert client.wait_for(lambda: b"\r\n\r\n" in client.buf)
    head = client.buf.partition(b"\r\n\r\n")[0]
    length = [int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")]
    if length:
        assert client.wait_for(lambda: len(client.buf.partition(b"\r\n\r\n")[2]) >= length[0])
    return client.buf.decode()
