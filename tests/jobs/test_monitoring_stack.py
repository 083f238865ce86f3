"""The shipped monitoring files against the REAL tools: promtool checks and unit-tests the
rules, amtool checks the Alertmanager example, systemd-analyze the unit; then a real Prometheus
scrapes two monitor shards of one simulated fleet (and answers every Grafana dashboard query),
and a real Alertmanager delivers ONE grouped recorder alert to a webhook when a simulated
recorder dies, inhibits its camera alerts, and sends "resolved" when it returns. The
end-to-end test runs the shipped rules and Alertmanager routing with every duration divided by
``SCALE`` (2 min -> 6 s). Waits poll the tools' HTTP APIs; a tool missing under CI=true fails."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.parse

import pytest

from tests.support.monitoring import MonitorProcess, http_get, write_catalog
from tests.support.prom_stack import (
    ALERTMANAGER_CONFIG,
    MONITORING,
    RULES,
    Webhook,
    alertmanager_test_config,
    dashboard_queries,
    query,
    scaled_rules,
    start_alertmanager,
    start_prometheus,
    tool,
)
from tests.support.waiting import wait_until
from viewer.core.prometheus_evaluation import fetch_availability
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

SCALE = 1 / 20
STACK_WAIT_S = 60.0


def test_shipped_rules_pass_promtool_check_and_unit_tests():
    promtool = tool("promtool")
    check = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    tests = sorted((MONITORING / "tests").glob("*.yml"))
    assert tests
    run = subprocess.run([promtool, "test", "rules", *map(str, tests)], capture_output=True, text=True,
                         cwd=MONITORING / "tests")  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "SUCCESS" in run.stdout
    config = subprocess.run([promtool, "check", "config", str(MONITORING / "prometheus.yml")], capture_output=True,
                            text=True)  # fmt: skip
    assert config.returncode == 0, config.stdout + config.stderr


def test_shipped_alertmanager_example_passes_amtool(tmp_path):
    amtool = tool("amtool")
    check = subprocess.run([amtool, "check-config", str(ALERTMANAGER_CONFIG)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    scaled = alertmanager_test_config(tmp_path / "am.yml", "http://127.0.0.1:9/x", SCALE)
    check = subprocess.run([amtool, "check-config", str(scaled)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_shipped_systemd_unit_verifies(tmp_path):
    analyze = tool("systemd-analyze")
    unit = (MONITORING / "videowall-monitor.service").read_text(encoding="utf-8")
    assert "/opt/videowall/.venv/bin/videowall monitor" in unit
    local = tmp_path / "videowall-monitor.service"  # the one path that only exists once installed
    local.write_text(unit.replace("/opt/videowall/.venv/bin/videowall", f"{sys.executable} -m viewer"))
    out = subprocess.run([analyze, "verify", str(local)], capture_output=True, text=True)
    problems = [line for line in (out.stdout + out.stderr).splitlines() if "videowall-monitor.service" in line]
    assert problems == [], problems


def _recorder(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


@pytest.mark.slow
def test_prometheus_scrapes_two_shards_and_alertmanager_groups_a_dead_recorder(simulator, tmp_path):
    tool("prometheus"), tool("prometheus-alertmanager")
    recorder_b = CameraSimulator()
    rows = []
    for i in range(8):
        rows.append((f"a{i}", "north" if i % 2 else "south", simulator.add_rtsp(SimCamera(f"/a{i}"))))
    b_paths = [f"/b{i}" for i in range(6)]
    for i, path in enumerate(b_paths):
        rows.append((f"b{i}", "north" if i % 2 else "south", recorder_b.add_rtsp(SimCamera(path))))
    recorder_b.start()
    b_name = _recorder(rows[-1][2])
    catalog = tmp_path / "catalog.yaml"
    write_catalog(catalog, rows)
    webhook = Webhook()
    daemons, monitors = [], []
    try:
        args = ("--max-age", "2", "--timeout", "0.5", "--no-journal")
        monitors = [MonitorProcess(catalog, "--shard", f"{k}/2", *args, home=tmp_path) for k in (0, 1)]
        am, am_url = start_alertmanager(tmp_path, alertmanager_test_config(tmp_path / "am.yml", webhook.url, SCALE))
        daemons.append(am)
        prom, prom_url = start_prometheus(
            tmp_path, scaled_rules(tmp_path / "rules.yml", SCALE), [f"127.0.0.1:{m.port}" for m in monitors], am_url
        )
        daemons.append(prom)

        # every camera exactly once over the two shards, each shard non-empty
        def each_once():
            per_camera = query(prom_url, "count by (camera_id) (videowall_camera_up)")
            return len(per_camera) == len(rows) and per_camera

        per_camera = wait_until(each_once, STACK_WAIT_S, "every camera in Prometheus")
        healthy_since = time.time()
        assert sorted(r["metric"]["camera_id"] for r in per_camera) == sorted(cid for cid, _, _ in rows)
        assert all(r["value"][1] == "1" for r in per_camera)
        per_instance = query(prom_url, "count by (instance) (videowall_camera_up)")
        assert len(per_instance) == 2 and sum(int(r["value"][1]) for r in per_instance) == len(rows)
        assert query(prom_url, "sum(videowall_camera_up)")[0]["value"][1] == str(len(rows))

        # the Grafana dashboard's queries are valid PromQL for this Prometheus (Grafana itself
        # is not run here); the headline ones have data
        panels = dashboard_queries()
        for exprs in panels.values():
            for expr in exprs:
                query(prom_url, expr)  # asserts status == success
        assert query(prom_url, panels["Cameras up"][0])[0]["value"][1] == "1"
        wait_until(lambda: len(query(prom_url, panels["Availability per district"][0])) == 2, STACK_WAIT_S,
                   "the recorded district availability")  # fmt: skip

        # the recorder dies: ONE recorder notification, its camera alerts inhibited
        port_b = int(b_name.rsplit(":", 1)[1])
        recorder_b.stop()

        def recorder_notified():
            return [n for n in webhook.received() if n["status"] == "firing"
                    and n["groupLabels"].get("alertname") == "VideowallRecorderDown"]  # fmt: skip

        firing = wait_until(recorder_notified, STACK_WAIT_S, "the recorder-down notification")
        assert [a["labels"]["recorder"] for a in firing[0]["alerts"]] == [b_name]

        def cameras_inhibited():
            alerts = json.loads(http_get(f"{am_url}/api/v2/alerts?filter=alertname%3D%22VideowallCameraDown%22"))
            of_b = [a for a in alerts if a["labels"].get("recorder") == b_name]
            return len(of_b) == len(b_paths) and all(a["status"]["inhibitedBy"] for a in of_b) and of_b

        wait_until(cameras_inhibited, STACK_WAIT_S, "the six camera alerts, inhibited")

        # it comes back on the same port: resolved
        recorder_b = CameraSimulator(ports_by_scheme={"rtsp": port_b})
        for path in b_paths:
            recorder_b.add_rtsp(SimCamera(path, Behaviour.HEALTHY))
        recorder_b.start()

        def resolved():
            return [n for n in webhook.received() if n["status"] == "resolved"
                    and n["groupLabels"].get("alertname") == "VideowallRecorderDown"]  # fmt: skip

        wait_until(resolved, STACK_WAIT_S, "the resolved notification")
        notes = webhook.received()
        recorder_firing = [n for n in notes if n["status"] == "firing"
                           and n["groupLabels"].get("alertname") == "VideowallRecorderDown"]  # fmt: skip
        assert len(recorder_firing) == 1, recorder_firing  # one message, not one per camera or per shard
        camera_notes = [n for n in notes if n["groupLabels"].get("alertname") == "VideowallCameraDown"]
        assert camera_notes == []  # inhibited by the recorder alert from start to end

        # the city-wide evaluation from Prometheus' history (for `videowall evaluate --prometheus`)
        evaluation = fetch_availability(prom_url, healthy_since, time.time())
        districts = {row.key: row for row in evaluation.districts}
        recorders = {row.key: row.availability for row in evaluation.recorders}
        assert set(districts) == {"north", "south"} and all(0.3 < d.availability < 1.0 for d in districts.values())
        assert all(d.samples > 5 for d in districts.values())
        assert recorders[_recorder(rows[0][2])] == 1.0 and 0.0 < recorders[b_name] < 1.0
        assert evaluation.recorders[0].key == b_name  # worst first
    finally:
        for daemon in reversed(daemons):
            daemon.stop()
        for monitor in monitors:
            monitor.stop()
        recorder_b.stop()
        webhook.close()
