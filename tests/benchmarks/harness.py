"""Benchmark plumbing: child processes, CPU and RSS sampling, medians, figures.

Benchmarks run the measured thing in a child process (so its CPU and memory are its own)
and compare it with a baseline measured in the same run on the same streams: these
machines are shared and noisy, so figures are ratios and medians, never absolute goals
asserted in unit tests.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    goal: str = ""
    baseline: str = ""
    runs: list[float] = field(default_factory=list)
    note: str = ""

    @property
    def met(self) -> str:
        if not self.goal:
            return ""
        if self.value != self.value:  # NaN: not measured (the row says why)
            return "n/a"
        op, _, target = self.goal.partition(" ")
        target_value = float(target)
        ok = self.value <= target_value if op == "<=" else self.value >= target_value
        return "yes" if ok else "NO"

    def as_dict(self) -> dict:
        data = asdict(self)
        data["met"] = self.met
        return data


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def cpu_seconds(pid: int) -> float:
    """User+system CPU seconds of a process and its reaped children (Linux /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return (utime + stime + cutime + cstime) / CLK_TCK


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * PAGE_BYTES / 2**20


def anon_rss_mib(pid: int) -> float:
    """Anonymous resident memory (heap, stacks; not mapped files or libraries), MiB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def thread_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def measure_cpu_percent(pid: int, window_s: float) -> float:
    """CPU % of one core used by ``pid`` over the next ``window_s`` seconds."""
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    time.sleep(window_s)
    return 100.0 * (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start)


class Child:
    """A Python child process speaking JSON lines on stdout; killed with its group."""

    def __init__(self, module: str, *args: str, env: dict | None = None, prefix: list[str] | None = None) -> None:
        """``prefix``: a command to run the child under (e.g. ``ip netns exec NAME``; it must
        exec the child so that its pid is the child's)."""
        full_env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
        full_env.pop("MALLOC_ARENA_MAX", None)  # measure the wall as shipped: it limits its own arenas
        self.proc = subprocess.Popen(
            [*(prefix or []), sys.executable, "-m", module, *args],
            cwd=ROOT,
            env=full_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.pid = self.proc.pid

    def read(self, timeout_s: float = 60.0) -> dict:
        """The next JSON message the child prints (lines that are not JSON are skipped)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.proc.args} exited with {self.proc.wait()}")
            line = line.strip()
            if line.startswith("{"):
                return json.loads(line)
        raise TimeoutError(f"no message from {self.proc.args} in {timeout_s} s")

    def wait_for(self, key: str, timeout_s: float = 60.0) -> dict:
        while True:
            message = self.read(timeout_s)
            if key in message:
                return message

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.pid, signal.SIGKILL)
                self.proc.wait()
        with contextlib.suppress(OSError):
            self.proc.stdout.close()

    def __enter__(self) -> Child:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def machine_info() -> dict:
    import platform

    info = {"python": platform.python_version(), "machine": platform.machine(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        import vlc

        info["libvlc"] = vlc.libvlc_get_version().decode()
    except Exception:
        info["libvlc"] = "?"
    try:
        import PySide6

        info["pyside6"] = PySide6.__version__
    except ImportError:
        pass
    return info


def run_event_loop(seconds: float, precise: bool = False) -> None:
    """Run the Qt event loop for ``seconds``, as the app does (no polling of our own).
    ``precise``: to the millisecond (Qt's default timer may end up to 5 % early)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer

    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    if precise:
        timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(loop.quit)
    timer.start(math.ceil(seconds * 1000) if precise else int(seconds * 1000))
    loop.exec()


def settle(warmup_s: float, window_at: str = "") -> float:
    """Play ``warmup_s`` seconds, then on until ``window_at`` (wall-clock epoch seconds; ""
    for no wait). Two children given the same start measure over the same seconds, so
    whatever else the host does then weighs on both alike. Returns how many seconds late the
    window starts (0.0 when on time; the caller reports it)."""
    run_event_loop(warmup_s)
    if not window_at:
        return 0.0
    remaining = float(window_at) - time.time()
    if remaining > 0:
        run_event_loop(remaining, precise=True)
    return max(0.0, -remaining)


def measure_lag(window_s: float, interval_ms: int = 20) -> dict:
    """Run the Qt event loop for ``window_s`` with a repeating ``interval_ms`` timer; how late
    it fires is the event-loop lag. Also the process's CPU over the window. Used the same way
    by the wall and by the bare-player baseline, so the probe's own cost cancels out."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    lags: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    expected = [interval_ms]

    def fire() -> None:
        now = clock.elapsed()
        lags.append(max(0.0, now - expected[0]))
        expected[0] = now + interval_ms

    timer = QTimer()
    timer.setInterval(interval_ms)
    timer.timeout.connect(fire)
    timer.start()
    pid = os.getpid()
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    run_event_loop(window_s)
    cpu = 100.0 * (cpu_seconds(pid) - cpu0) / (time.monotonic() - t0)
    timer.stop()
    lags.sort()
    p99 = lags[int(len(lags) * 0.99)] if lags else float("nan")
    return {"cpu_percent": cpu, "lag_p99_ms": p99, "lag_max_ms": lags[-1] if lags else None}



def boottime_s() -> float:
    """Seconds since boot: the clock of the kernel's per-thread start times."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


def machine_busy_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine, all cores (``/proc/stat``): what
    every process used, Xvfb and other users' work included."""
    with open("/proc/stat", encoding="ascii") as handle:
        values = [int(x) for x in handle.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def thread_snapshot(pid: int) -> dict[int, tuple[float, float]]:
    """tid -> (start, user+system CPU seconds) of every thread of ``pid``; ``start`` in
    :func:`boottime_s` seconds (10 ms resolution). One read of ``/proc`` per thread."""
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        threads[int(tid)] = (int(fields[19]) / CLK_TCK, (int(fields[11]) + int(fields[12])) / CLK_TCK)
    return threads


def python_thread_names() -> dict[int, str]:
    """This process's Python threads by OS thread id: ``"py:" + `` their ``threading`` name
    (the OS calls them all "python")."""
    return {t.native_id: f"py:{t.name}" for t in threading.enumerate() if t.native_id is not None}


def thread_name(pid: int, tid: int, python_threads: dict[int, str] | None = None) -> str:
    """The thread's name: from ``python_threads`` (see :func:`python_thread_names`) when it
    is one of them, else ``comm`` (libVLC names few of its threads)."""
    if python_threads and tid in python_threads:
        return python_threads[tid]
    try:
        with open(f"/proc/{pid}/task/{tid}/comm", encoding="utf-8", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return "?"


class PageUpTrace:
    """Where the CPU went while a page came up and, later, over a steady window.

    ``begin()`` just before the players start; ``pictures()`` once every tile showed its
    first picture; ``window(...)`` around a steady measuring window. The process's main
    thread (Qt's event loop and everything the wall does there) is told apart from the
    threads libVLC starts per player (input, decoder, video output, relay, ...)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.result: dict = {}

    def begin(self) -> None:
        self._t0, self._busy0, self._before = boottime_s(), machine_busy_jiffies(), thread_snapshot(self.pid)

    def pictures(self) -> None:
        elapsed = boottime_s() - self._t0
        busy = machine_busy_jiffies()
        threads = thread_snapshot(self.pid)
        cores = os.cpu_count() or 1
        used = {tid: cpu - self._before.get(tid, (0.0, 0.0))[1] for tid, (_, cpu) in threads.items()}
        new = sorted(start - self._t0 for tid, (start, _) in threads.items() if tid not in self._before)
        self.result["pageup"] = {
            "elapsed_s": round(elapsed, 3),
            # the whole machine's cores busy during the page-up (1.0: no idle CPU left at all)
            "machine_busy_fraction": round((busy[0] - self._busy0[0]) / max(1, busy[1] - self._busy0[1]), 3),
            "process_cpu_s": round(sum(used.values()), 3),
            "main_thread_cpu_s": round(used.get(self.pid, 0.0), 3),
            "new_threads": len(new),
            "new_threads_cpu_s": round(sum(used[t] for t in threads if t not in self._before), 3),
            # when the player threads started, seconds after begin() (quartiles and last)
            "thread_starts_s": [round(new[int(q * (len(new) - 1))], 2) for q in (0, 0.25, 0.5, 0.75, 1)] if new
            else [],
            "cores": cores,
        }

    def window(self, seconds: float, run) -> dict:
        """Run ``run()`` (a measuring window of ``seconds``) and split the process's CPU in it
        into the main thread and the other threads, in % of one core."""
        before, t0 = thread_snapshot(self.pid), time.monotonic()
        outcome = run()
        after, took = thread_snapshot(self.pid), time.monotonic() - t0
        used = {tid: cpu - before.get(tid, (0.0, 0.0))[1] for tid, (_, cpu) in after.items()}
        main = used.get(self.pid, 0.0)
        top = sorted(((v, t) for t, v in used.items() if t != self.pid), reverse=True)
        python_threads = python_thread_names()
        ours: dict[str, float] = {}  # our own Python threads (relay sessions, journal, probes, player calls)
        for v, t in top:
            if t in python_threads:
                ours[python_threads[t]] = ours.get(python_threads[t], 0.0) + round(100 * v / took, 2)
        self.result["window_threads"] = {
            "main_thread_percent": round(100 * main / took, 2),
            "other_threads_percent": round(100 * (sum(used.values()) - main) / took, 2),
            "busiest_other_threads_percent": [(thread_name(self.pid, t, python_threads), round(100 * v / took, 2))
                                              for v, t in top[:8]],
            "python_threads_percent": ours,
            "threads": len(after),
        }
        return outcome
