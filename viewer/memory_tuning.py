"""Keep glibc's malloc from holding on to freed video memory (Linux only).

Two glibc behaviours make a libVLC wall's RSS climb with every reconnect and tour step:

- busy threads get heap arenas of their own (up to 8 × cores) and keep their freed memory;
  a 4×4 wall runs well over a hundred libVLC threads;
- the mmap threshold is *dynamic*: once a large block (a decoded picture, a demux buffer) is
  freed, glibc raises the threshold so later large blocks come from the heap, where they
  fragment it and are never returned.

The wall fixes both with ``mallopt`` before libVLC starts any thread: 2 arenas, and a fixed
128 KiB mmap and trim threshold, so picture-sized blocks go straight back to the system when
a player stops. Measured here (tests/benchmarks, 2×2 wall, 40 kill/restart cycles of the
server): anonymous memory 230 → 263 MiB and climbing with glibc's defaults, 103 → 106 MiB
and flat with these settings. A setting given in the environment (``MALLOC_ARENA_MAX``,
``MALLOC_MMAP_THRESHOLD_``, ``MALLOC_TRIM_THRESHOLD_``) wins; ``VIDEOWALL_MALLOC_TUNING=off``
leaves the allocator alone. No effect (and no error) on other platforms or C libraries.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

MALLOC_ARENAS = 2
MMAP_THRESHOLD_BYTES = 128 * 1024
TRIM_THRESHOLD_BYTES = 128 * 1024

# glibc's mallopt parameter numbers, and the environment variable that sets each one
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_SETTINGS = (
    (_M_ARENA_MAX, "MALLOC_ARENA_MAX", MALLOC_ARENAS),
    (_M_MMAP_THRESHOLD, "MALLOC_MMAP_THRESHOLD_", MMAP_THRESHOLD_BYTES),
    (_M_TRIM_THRESHOLD, "MALLOC_TRIM_THRESHOLD_", TRIM_THRESHOLD_BYTES),
)


def tune_malloc() -> bool:
    """Apply the settings above; True when all of them are in force (set now or by the
    environment). Call once, on the main thread, before libVLC is loaded."""
    if not sys.platform.startswith("linux") or os.environ.get("VIDEOWALL_MALLOC_TUNING", "").lower() == "off":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc
        return False
    ok = True
    for param, env_name, value in _SETTINGS:
        if os.environ.get(env_name):
            continue
        ok = bool(mallopt(param, value)) and ok
    log.debug("malloc tuned (arenas %d, mmap/trim threshold %d B): %s", MALLOC_ARENAS, MMAP_THRESHOLD_BYTES, ok)
    return ok

