"""Helpers for tests of ``videowall monitor``: a monitor child process, catalogs over simulated
recorders, condition waits and HTTP reads. Nothing here sleeps in place of a condition."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.support.catalogs import catalog_text, write_catalog_file
from tests.support.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
WAIT_S = 30.0
_LISTEN_RE = re.compile(r"http://([0-9.]+):(\d+)/metrics")


def http_get(url: str, timeout_s: float = 10.0) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout_s) as response:
        return response.read()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, keyed by (name, sorted labels), read by the library's parser."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def write_catalog(path: Path, cameras: Iterable[tuple[str, str, str]], districts: Sequence[str] = ("north", "south")):
    """A catalog of ``(camera_id, district, url)`` rows (atomic replace, so a watcher never
    reads half a file)."""
    rows = [{"id": cid, "district": d, "url": url} for cid, d, url in cameras]
    write_catalog_file(path, catalog_text(rows, districts))


class MonitorProcess:
    """``python -m viewer monitor CATALOG --listen 127.0.0.1:0 ...`` in its own process group;
    its stderr lines are collected by a reader thread. Use as a context manager."""

    def __init__(self, catalog: Path, *args: str, home: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(ROOT), VIDEOWALL_HOME=str(home))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "viewer", "monitor", str(catalog), "--listen", "127.0.0.1:0", *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        )  # fmt: skip
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, name="monitor-stderr", daemon=True)
        self._reader.start()
        try:
            found = wait_until(self._listen_address, timeout_s=WAIT_S, what="the monitor's listen line")
        except BaseException:
            self.kill()
            raise
        self.port = int(found[2])
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        for line in self.proc.stderr:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def _listen_address(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"monitor exited {self.proc.returncode}: {self.text()}")
        return _LISTEN_RE.search(self.text())

    def text(self) -> str:
        with self._lock:
            return "\n".join(self.lines)

    def metrics(self) -> dict:
        return samples(http_get(self.url + "/metrics").decode("utf-8"))

    def status(self) -> dict:
        return json.loads(http_get(self.url + "/status.json"))

    def up(self) -> dict[str, float]:
        """camera_id -> videowall_camera_up now."""
        return {dict(k[1])["camera_id"]: v for k, v in self.metrics().items() if k[0] == "videowall_camera_up"}

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout_s: float = WAIT_S) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                raise AssertionError(f"monitor ignored SIGTERM for {timeout_s:g} s") from None
        self._reader.join(5)
        return self.proc.returncode

    def __enter__(self) -> MonitorProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
