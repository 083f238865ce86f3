"""Free TCP port numbers for tests (never a fixed port: tests run side by side)."""

from __future__ import annotations

import socket


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on right now: bind to port 0, read the number, close. Serves
    both as the port a server is about to take and as a port that refuses connections."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]
