"""``videowall monitor`` as a real child process against the camera simulator: metrics and
status over HTTP, one log line per state change, the journal, catalog reloads (SIGHUP, file
change, broken file), shards, a clean stop on SIGTERM. Waits poll for conditions."""

from __future__ import annotations

import gzip
import importlib.util
import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from tests.support.monitoring import ROOT, WAIT_S, MonitorProcess, http_get, samples, write_catalog
from tests.support.waiting import wait_until
from viewer.cli.monitor import parse_listen
from viewer.core.monitor_model import Shard
from viewer.sim.cameras import Behaviour, SimCamera

pytestmark = pytest.mark.slow


def fleet(simulator, n: int, bad: tuple[int, ...] = ()) -> list[tuple[str, str, str]]:
    rows = []
    for i in range(n):
        behaviour = Behaviour.NOT_FOUND if i in bad else Behaviour.HEALTHY
        url = simulator.add_rtsp(SimCamera(f"/m{i}", behaviour, password="Sekr3t-pw"))
        rows.append((f"cam-{i}", "north" if i % 2 else "south", url))
    return rows


def test_metrics_status_journal_and_state_changes(simulator, tmp_path):
    rows = fleet(simulator, 6, bad=(5,))
    catalog = tmp_path / "catalog.yaml"
    secret_rows = [(cid, d, url.replace("rtsp://", "rtsp://admin:Sekr3t-pw@") if cid in ("cam-0", "cam-5") else url)
                   for cid, d, url in rows]  # fmt: skip
    write_catalog(catalog, secret_rows)
    journal = tmp_path / "journal.sqlite3"
    with MonitorProcess(catalog, "--max-age", "6", "--timeout", "2", "--journal", str(journal), home=tmp_path) as mon:
        wait_until(lambda: len(mon.up()) == 6, what="every camera probed", timeout_s=WAIT_S)
        assert mon.up() == {f"cam-{i}": (0.0 if i == 5 else 1.0) for i in range(6)}
        metrics = mon.metrics()
        reason = [dict(k[1]) for k in metrics if k[0] == "videowall_camera_down_reason"]
        assert reason == [{"camera_id": "cam-5", "district": "north", "group": "", "reason": "not_found",
                           "recorder": rows[5][2].split("/")[2]}]  # fmt: skip
        assert metrics[("videowall_district_cameras_total", (("district", "north"),))] == 3
        assert metrics[("videowall_recorder_cameras_up", (("recorder", rows[0][2].split("/")[2]),))] == 5
        status = mon.status()
        assert [c["id"] for c in status["cameras_offline"]] == ["cam-5"]
        assert status["monitor"]["cameras"] == 6
        asked = urllib.request.Request(mon.url + "/metrics", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(asked, timeout=10) as answer:  # as Prometheus asks
            assert answer.headers["Content-Encoding"] == "gzip"
            assert samples(gzip.decompress(answer.read()).decode()).keys() == metrics.keys()
        for text in (http_get(mon.url + "/metrics"), http_get(mon.url + "/status.json"), mon.text().encode()):
            assert b"Sekr3t" not in text  # no password in a metric, status.json or the log

        simulator.set_behaviour(rows[1][2], Behaviour.REFUSED)
        wait_until(lambda: mon.up().get("cam-1") == 0.0, what="cam-1 down", timeout_s=WAIT_S)
        wait_until(lambda: "camera cam-1 (north) is down: " in mon.text(), what="the down line", timeout_s=WAIT_S)
        simulator.set_behaviour(rows[1][2], Behaviour.HEALTHY)
        wait_until(lambda: "camera cam-1 (north) is up again" in mon.text(), what="the up line", timeout_s=WAIT_S)
        log = mon.text()
    assert mon.proc.returncode == 0
    assert log.count("camera cam-1 (north) is down") == 1  # one line per change, not per probe
    assert log.count("camera cam-5 (north) is down at start") == 1
    assert not any("camera cam-0" in line for line in log.splitlines())  # healthy: silent
    if importlib.util.find_spec("uvloop") is not None:
        assert "probing on uvloop" in log
    with sqlite3.connect(journal) as db:
        outages = db.execute("SELECT camera_id, source FROM outages ORDER BY id").fetchall()
        coverage = db.execute("SELECT camera_id, source, ended_at IS NOT NULL FROM coverage").fetchall()
    # one outage per camera, opened by the monitor (the journal's rules close cam-1's only after
    # RECOVERY_CONFIRM_S of answers: core/test_outage_rules tests that part)
    assert sorted(outages) == [("cam-1", "monitor"), ("cam-5", "monitor")]
    # every camera's coverage by the monitor is recorded, and ended by the clean stop
    assert sorted({(cid, src, ended) for cid, src, ended in coverage}) == [(f"cam-{i}", "monitor", 1) for i in range(6)]
    assert b"Sekr3t" not in journal.read_bytes()


def test_catalog_reloads_and_a_broken_catalog_keeps_the_old_one(simulator, tmp_path):
    rows = fleet(simulator, 3)
    catalog = tmp_path / "catalog.yaml"
    write_catalog(catalog, rows[:2])
    with MonitorProcess(catalog, "--max-age", "6", "--timeout", "2", "--no-journal", home=tmp_path) as mon:
        wait_until(lambda: set(mon.up()) == {"cam-0", "cam-1"}, what="two cameras", timeout_s=WAIT_S)
        write_catalog(catalog, rows)  # the file watch picks it up
        wait_until(lambda: set(mon.up()) == {"cam-0", "cam-1", "cam-2"}, what="the third camera", timeout_s=WAIT_S)
        assert "catalog reloaded (file changed): 3 cameras" in mon.text()

        good = catalog.read_text(encoding="utf-8")
        catalog.write_text(good + "  - {id: cam-0, name: dup, district: nowhere, url: 'rtsp://x/'}\n", encoding="utf-8")
        mon.signal(signal.SIGHUP)
        wait_until(lambda: "catalog reload (SIGHUP) refused" in mon.text(), what="the refusal", timeout_s=WAIT_S)
        refusal = [line for line in mon.text().splitlines() if "refused, keeping" in line]
        assert any(f"{catalog}:" in line for line in refusal)  # says where: file:line
        assert set(mon.up()) == {"cam-0", "cam-1", "cam-2"}  # the old catalog stays in use
        assert mon.metrics()[("videowall_monitor_catalog_reload_errors_total", ())] >= 1
    assert mon.proc.returncode == 0


def test_two_shards_cover_the_fleet_exactly_once(simulator, tmp_path):
    rows = fleet(simulator, 20)
    catalog = tmp_path / "catalog.yaml"
    write_catalog(catalog, rows)
    seen: list[str] = []
    for k in (0, 1):
        with MonitorProcess(catalog, "--shard", f"{k}/2", "--no-journal", "--max-age", "6", "--timeout", "2",
                            home=tmp_path) as mon:  # fmt: skip
            expected = {cid for cid, _, _ in rows if Shard(k, 2).holds(cid)}
            wait_until(lambda: set(mon.up()) == expected, what=f"shard {k}/2", timeout_s=WAIT_S)  # noqa: B023
            seen += mon.up()
    assert sorted(seen) == sorted(cid for cid, _, _ in rows)


def test_district_option_and_usage_errors(simulator, tmp_path):
    rows = fleet(simulator, 4)
    catalog = tmp_path / "catalog.yaml"
    write_catalog(catalog, rows)
    with MonitorProcess(catalog, "--district", "south", "--no-journal", home=tmp_path) as mon:
        wait_until(lambda: set(mon.up()) == {"cam-0", "cam-2"}, what="the south district only", timeout_s=WAIT_S)
    assert parse_listen("127.0.0.1:9480") == ("127.0.0.1", 9480)
    assert parse_listen("[::1]:0") == ("::1", 0)
    for bad in ("9480", "localhost:9480", "127.0.0.1:99999", "127.0.0.1:x"):
        with pytest.raises(ValueError):
            parse_listen(bad)
    env = dict(os.environ, PYTHONPATH=str(ROOT), VIDEOWALL_HOME=str(tmp_path))
    for args, says in (
        ([str(tmp_path / "missing.yaml")], "cannot read catalog"),
        ([str(catalog), "--district", "nowhere"], "unknown district 'nowhere' (known: north, south)"),
        ([str(catalog), "--max-age", "3", "--timeout", "4"], "--max-age 3 s leaves no time"),
        ([str(catalog), "--shard", "2/2"], "0 <= K < N"),
        ([str(catalog), "--listen", "example.org:80"], "--listen wants an IP address"),
    ):
        out = subprocess.run([sys.executable, "-m", "viewer", "monitor", *args, "--no-journal"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        assert out.returncode == 2 and says in out.stderr, (args, out.stderr)


def test_quality_samples_in_metrics_and_journal(simulator, tmp_path):
    """``--sample-budget-mbps``: every stream is sampled once (the interval is an hour), the
    figures show per camera in /metrics, the failing camera as sample_ok 0, and the stream
    minutes (source "sample") are in the journal after a clean stop. No password anywhere."""
    from viewer.core.stream_minutes_store import read_stream_minutes

    rows = fleet(simulator, 3, bad=(2,))
    catalog = tmp_path / "catalog.yaml"
    write_catalog(catalog, [(cid, d, url.replace("rtsp://", "rtsp://admin:Sekr3t-pw@")) for cid, d, url in rows])
    journal = tmp_path / "journal.sqlite3"
    with MonitorProcess(catalog, "--max-age", "6", "--timeout", "2", "--journal", str(journal),
                        "--sample-budget-mbps", "8", "--sample-seconds", "1", "--sample-every", "3600",
                        home=tmp_path) as mon:  # fmt: skip
        def per_camera(metrics: dict, name: str) -> dict:
            return {dict(k[1])["camera_id"]: v for k, v in metrics.items() if k[0] == name}

        def sampled() -> dict:
            return per_camera(mon.metrics(), "videowall_camera_sample_ok")

        wait_until(lambda: len(sampled()) == 3, what="every stream sampled")
        assert sampled() == {"cam-0": 1.0, "cam-1": 1.0, "cam-2": 0.0}
        metrics = mon.metrics()
        fps = per_camera(metrics, "videowall_camera_sample_frames_per_second")
        assert set(fps) == {"cam-0", "cam-1"} and all(v > 0 for v in fps.values())
        assert metrics[("videowall_monitor_sample_budget_bits_per_second", ())] == 8e6
        assert metrics[("videowall_monitor_samples_total", ())] >= 3
        text = http_get(mon.url + "/metrics")
        assert mon.stop() == 0
    minutes = read_stream_minutes(journal, 0, 4e9)
    assert sorted((m.camera_id, m.source) for m in minutes) == [("cam-0", "sample"), ("cam-1", "sample")]
    assert all(m.frames > 0 and m.bytes > 0 for m in minutes)
    assert b"Sekr3t" not in text and "Sekr3t" not in mon.text()
