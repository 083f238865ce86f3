"""Real Prometheus and Alertmanager for tests (Debian packages ``prometheus`` and
``prometheus-alertmanager``), started on free loopback ports with temporary data dirs, plus a
webhook receiver and configs derived from the shipped ones in ``resources/monitoring``.

A tool missing under ``CI=true`` fails the test; elsewhere it skips. Waits poll HTTP APIs."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tests.support.monitoring import ROOT, http_get
from tests.support.ports import free_port
from tests.support.waiting import wait_until

MONITORING = ROOT / "resources" / "monitoring"
RULES = MONITORING / "videowall-rules.yml"
ALERTMANAGER_CONFIG = MONITORING / "alertmanager.yml"
_DURATION_RE = re.compile(r"^(\d+)([smhd])$")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def tool(name: str) -> str:
    """The path of a tool from .ci/setup: missing fails under CI=true, else skips."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (.ci/setup installs it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def scaled_duration(text: str, factor: float) -> str:
    """``"2m"`` * ``factor`` as whole milliseconds (``"6000ms"`` for factor 1/20)."""
    match = _DURATION_RE.match(str(text))
    if match is None:
        raise ValueError(f"unexpected duration {text!r}")
    return f"{round(int(match[1]) * _UNIT_S[match[2]] * factor * 1000)}ms"


def scaled_rules(target: Path, factor: float) -> Path:
    """The shipped rules with every alert's ``for`` and ``keep_firing_for`` times ``factor`` (rules unchanged)."""
    rules = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    for group in rules["groups"]:
        for rule in group["rules"]:
            for key in ("for", "keep_firing_for"):
                if key in rule:
                    rule[key] = scaled_duration(rule[key], factor)
    target.write_text(yaml.safe_dump(rules, sort_keys=False), encoding="utf-8")
    return target


def alertmanager_test_config(target: Path, webhook_url: str, factor: float) -> Path:
    """The shipped Alertmanager example (route, grouping, inhibition) with its receivers replaced
    by one webhook and its timings multiplied by ``factor``."""
    config = yaml.safe_load(ALERTMANAGER_CONFIG.read_text(encoding="utf-8"))
    config["global"] = {"resolve_timeout": scaled_duration(config["global"]["resolve_timeout"], factor)}
    routes = [config["route"], *config["route"].get("routes", ())]
    for route in routes:
        for key in ("group_wait", "group_interval", "repeat_interval"):
            if key in route:
                route[key] = scaled_duration(route[key], factor)
    names = {receiver["name"] for receiver in config["receivers"]}
    config["receivers"] = [
        {"name": name, "webhook_configs": [{"url": webhook_url, "send_resolved": True}]} for name in sorted(names)
    ]
    target.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return target


class Webhook:
    """An http.server on a free loopback port that records Alertmanager's JSON notifications."""

    def __init__(self) -> None:
        self.notifications: list[dict] = []
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with owner._lock:
                    owner.notifications.append(json.loads(body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/alerts"
        self._thread = threading.Thread(target=self.server.serve_forever, name="webhook", daemon=True)
        self._thread.start()

    def received(self) -> list[dict]:
        with self._lock:
            return list(self.notifications)

    def close(self) -> None:
        self.server.shutdown()
        self._thread.join()
        self.server.server_close()


class Daemon:
    """A Prometheus or Alertmanager child in its own process group; output kept in a file."""

    def __init__(self, argv: list[str], log_file: Path, ready_url: str) -> None:
        self.log_file = log_file
        self._out = log_file.open("wb")
        self.proc = subprocess.Popen(argv, stdout=self._out, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until(lambda: self._ready(ready_url), what=f"{Path(argv[0]).name} ready", timeout_s=60)

    def _ready(self, url: str) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"{self.proc.args[0]} exited: {self.log_file.read_text(errors='replace')[-3000:]}")
        try:
            http_get(url, timeout_s=2)
        except OSError:
            return False
        return True

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._out.close()


def start_alertmanager(folder: Path, config: Path) -> tuple[Daemon, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [
        tool("prometheus-alertmanager"), f"--config.file={config}", f"--storage.path={folder / 'am-data'}",
        f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address=",
    ]  # fmt: skip
    return Daemon(argv, folder / "alertmanager.log", url + "/-/ready"), url


def start_prometheus(folder: Path, rules: Path, targets: list[str], alertmanager: str | None,
                     interval: str = "1s") -> tuple[Daemon, str]:  # fmt: skip
    """Scrapes ``targets`` as job ``videowall-monitor`` and evaluates the rules every
    ``interval`` (a Prometheus duration); sends alerts to ``alertmanager`` (None: nowhere)."""
    port = free_port()
    config = {
        "global": {"scrape_interval": interval, "evaluation_interval": interval, "scrape_timeout": interval},
        "rule_files": [str(rules)],
        "scrape_configs": [{"job_name": "videowall-monitor", "static_configs": [{"targets": targets}]}],
    }
    if alertmanager is not None:
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [alertmanager.split("//", 1)[1]]}]}]}
    path = folder / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    url = f"http://127.0.0.1:{port}"
    argv = [
        tool("prometheus"), f"--config.file={path}", f"--storage.tsdb.path={folder / 'prom-data'}",
        f"--web.listen-address=127.0.0.1:{port}", "--rules.alert.resend-delay=1s",
    ]  # fmt: skip
    return Daemon(argv, folder / "prometheus.log", url + "/-/ready"), url


def dashboard_queries() -> dict[str, list[str]]:
    """The shipped Grafana dashboard's PromQL, per panel title, with its ``$district``
    variable set to "All" (``.*``) as Grafana would send it."""
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text(encoding="utf-8"))
    return {
        panel["title"]: [target["expr"].replace("$district", ".*") for target in panel["targets"]]
        for panel in dashboard["panels"]
    }


def query(prometheus: str, promql: str) -> list[dict]:
    """An instant query's result vector (``metric`` labels and ``value``)."""
    body = json.loads(http_get(f"{prometheus}/api/v1/query?{urllib.parse.urlencode({'query': promql})}"))
    assert body["status"] == "success", body
    return body["data"]["result"]
