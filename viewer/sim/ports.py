"""Listening sockets and deliberately closed ports for the camera simulator.

Ports a simulated camera owns (refused or flapping ones) are picked *below* the OS ephemeral
range: a closed port there cannot be taken by an outgoing connection, and connecting to it can
never "self-connect" (a client socket whose source port equals the closed destination port).
Callable from any thread; ``_reserved`` is guarded by a lock.
"""

from __future__ import annotations

import logging
import random
import socket
import sys
import threading

log = logging.getLogger(__name__)

LISTEN_BACKLOG = 4096
_QUIET_PORT_SPAN = 20_000
_TRIES = 200
_reserved: set[int] = set()
_reserved_lock = threading.Lock()


def listen_socket(host: str, port: int = 0) -> socket.socket:
    """A bound, listening TCP socket (SO_REUSEADDR on POSIX) with a large backlog."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
    sock.setblocking(False)
    return sock


def ephemeral_range() -> tuple[int, int]:
    """The OS range for outgoing connections' source ports (Linux reads /proc)."""
    if sys.platform.startswith("linux"):
        try:
            with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
                low, high = (int(x) for x in f.read().split())
                return low, high
        except (OSError, ValueError):
            pass
    return 49152, 65535  # IANA range: Windows and macOS defaults


def quiet_port(host: str) -> int:
    """A port below the ephemeral range that is free now; never returned twice per process."""
    low = ephemeral_range()[0]
    first = max(1024, low - _QUIET_PORT_SPAN)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for _ in range(_TRIES):
        port = random.randrange(first, low)
        with _reserved_lock:
            if port in _reserved:
                continue
            try:
                with socket.socket(family, socket.SOCK_STREAM) as probe:
                    probe.bind((host, port))
            except OSError:
                continue
            _reserved.add(port)
            return port
    raise OSError(f"no free port between {first} and {low}")


def release_port(port: int) -> None:
    with _reserved_lock:
        _reserved.discard(port)


def raise_fd_limit() -> None:
    """Raise the soft open-files limit to the hard limit (POSIX; no-op elsewhere)."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft == resource.RLIM_INFINITY or soft >= target:
        return
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        log.debug("raised RLIMIT_NOFILE from %d to %d", soft, target)
    except (ValueError, OSError) as exc:
        log.debug("could not raise RLIMIT_NOFILE: %s", exc)
