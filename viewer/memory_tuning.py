"""Keep glibc's malloc from growing one heap arena per libVLC thread (Linux only).

A 4×4 wall runs well over a hundred libVLC threads; glibc gives busy threads arenas of their
own (up to 8 × cores) and keeps their freed memory, so RSS climbs with every reconnect.
Measured on these machines: ``MALLOC_ARENA_MAX=2`` roughly halved that growth. The wall sets
the same limit on itself with ``mallopt`` before libVLC starts any thread, so it does not
depend on how it was launched. No effect (and no error) elsewhere.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """True when the limit is in force (set now, or already set by the environment)."""
    if not sys.platform.startswith("linux"):
        return False
    if os.environ.get("MALLOC_ARENA_MAX"):
        return True
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        ok = bool(libc.mallopt(_M_ARENA_MAX, arenas))
    except (OSError, AttributeError):  # not glibc
        return False
    log.debug("malloc arenas limited to %d: %s", arenas, ok)
    return ok
