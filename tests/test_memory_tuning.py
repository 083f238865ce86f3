"""tune_malloc really changes what glibc keeps: picture-sized blocks freed between live small
blocks go back to the system with it, and stay resident without it (Linux, glibc)."""

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")

# After one freed 1 MiB block has raised glibc's dynamic mmap threshold, allocate 100 × 512 KiB
# (about a 640×360 I420 picture pair), free every other one (a stopped player among running
# ones) and report how much anonymous memory stays resident: 25 MiB is still in use.
CHILD = r"""
import ctypes, ctypes.util, json, sys
from viewer.memory_tuning import tune_malloc
tuned = tune_malloc()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]

def anon_mib():
    for line in open("/proc/self/status"):
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024

first = libc.malloc(1 << 20)
ctypes.memset(first, 1, 1 << 20)
libc.free(first)
before = anon_mib()
big = []
for _ in range(100):
    block = libc.malloc(512 * 1024)
    ctypes.memset(block, 1, 512 * 1024)
    big.append(block)
for block in big[::2]:
    libc.free(block)
print(json.dumps({"tuned": tuned, "retained_mib": anon_mib() - before}))
"""


def run_child(env_extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")} | env_extra
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def test_freed_picture_sized_blocks_go_back_to_the_system():
    tuned = run_child({})
    untuned = run_child({"VIDEOWALL_MALLOC_TUNING": "off"})
    assert tuned["tuned"] is True and untuned["tuned"] is False
    assert untuned["retained_mib"] > 45, untuned  # glibc's default keeps the holes resident
    assert tuned["retained_mib"] < 30, tuned  # the 25 MiB still in use, and no more


def test_a_setting_from_the_environment_wins():
    """An administrator's MALLOC_MMAP_THRESHOLD_ is left alone (here: large, so blocks stay)."""
    result = run_child({"MALLOC_MMAP_THRESHOLD_": str(64 << 20), "MALLOC_TRIM_THRESHOLD_": str(64 << 20)})
    assert result["tuned"] is True
    assert result["retained_mib"] > 45, result
