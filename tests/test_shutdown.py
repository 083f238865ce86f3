"""SIGTERM and SIGINT end the wall within 5 s even while its main thread is stuck in C
(as it was inside libVLC's stop), and a wall that is not stuck still closes cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXIT_WITHIN_S = 5.0


def start_child() -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.support.stuck_main_child"], cwd=str(ROOT), env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    line = child.stdout.readline()
    if line.strip() != "stuck":
        child.kill()
        pytest.fail(f"child did not get stuck: {line!r} {child.communicate(timeout=10)}")
    return child


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_ends_a_process_whose_main_thread_is_stuck(signum):
    child = start_child()
    try:
        sent = time.monotonic()
        child.send_signal(signum)
        try:
            child.wait(timeout=EXIT_WITHIN_S + 5)
        except subprocess.TimeoutExpired:
            pytest.fail(f"still running {EXIT_WITHIN_S + 5:.0f} s after signal {signum}")
        took_s = time.monotonic() - sent
        assert took_s < EXIT_WITHIN_S, f"took {took_s:.1f} s"
        assert child.returncode == 0
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.communicate(timeout=10)


def start_wall(tmp_path: Path) -> subprocess.Popen:
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text("version: 1\ndistricts:\n  - {id: d, name: D}\ncameras:\n"
                       "  - {id: a, name: A, district: d, url: 'http://127.0.0.1:9/a'}\n")  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT), "VIDEOWALL_HOME": str(tmp_path / "home")}
    return subprocess.Popen(
        [sys.executable, "-m", "viewer", "--catalog", str(catalog), "--no-sweep"], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def wait_for_log(wall: subprocess.Popen, home: Path, pattern: re.Pattern, within_s: float = 30) -> Path:
    """The wall's log file once a line matches ``pattern`` (polled every 10 ms: the
    start-up test must land its signal while the wall is still starting)."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        log_file = next(home.rglob("videowall*.log"), None) if home.exists() else None
        if log_file is not None and pattern.search(log_file.read_text(errors="replace")):
            return log_file
        assert wall.poll() is None, wall.communicate()[1]
        time.sleep(0.01)  # polling another process's log file
    pytest.fail(f"the wall never logged {pattern.pattern!r}")


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(r"open a ", id="running"),
        # the journal opens early in start-up; the signal then lands before the wall has
        # installed what carries it to the main thread (it used to be dropped: seen on CI)
        pytest.param(r"journal .* opened", id="starting"),
    ],
)
def test_the_wall_closes_cleanly_on_sigterm(tmp_path, moment):
    """Not stuck: the normal way out (journal closed, exit 0) well within the grace period,
    whether the wall is running or still starting when the signal comes."""
    wall = start_wall(tmp_path)
    try:
        log_file = wait_for_log(wall, tmp_path / "home", re.compile(moment))
        sent = time.monotonic()
        wall.send_signal(signal.SIGTERM)
        assert wall.wait(timeout=EXIT_WITHIN_S + 5) == 0
        assert time.monotonic() - sent < EXIT_WITHIN_S
        text = log_file.read_text(errors="replace")
        assert re.search(r"journal .* closed", text) and "still running" not in text, text
    finally:
        if wall.poll() is None:
            os.killpg(wall.pid, signal.SIGKILL)
        wall.communicate(timeout=10)
