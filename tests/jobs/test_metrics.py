"""The Prometheus collectors and the pre-rendered exposition, read back with prometheus_client's
own parser: label escaping, no sample for cameras not probed yet, aggregates, and a slow render
answered from the previous one while the next renders in the background."""

from __future__ import annotations

import threading
import time

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from tests.support.monitoring import samples
from viewer.core.monitor_model import CameraRow, MonitorView
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult
from viewer.jobs.metrics import MonitorCollector, registry_with, render
from viewer.jobs.metrics_cache import THREAD_NAME, PrerenderedExposition

ODD = 'cam "7"\\back\nslash'


def view(results: dict[str, SweepResult], now: float = 1000.0) -> MonitorView:
    rows = (
        CameraRow("c1", "north", "gate", "10.0.0.1:554"),
        CameraRow(ODD, "north", "", "10.0.0.1:554"),
        CameraRow("c3", "south", "", "10.0.0.2:554"),
    )
    return MonitorView(rows, results, now, 9, 1, 2.5, 30.0, 60.0, "1/2", 900.0, 0)


def result(cid: str, reason: Reason, checked_at: float, latency_ms: float = 12.0) -> SweepResult:
    return SweepResult(cid, cid, "north", "rtsp://admin:***@h/", reason, latency_ms, checked_at, "detail")


def test_camera_recorder_district_and_monitor_families():
    results = {"c1": result("c1", Reason.OK, 990.0), ODD: result(ODD, Reason.AUTH, 970.0, 250.0)}
    found = samples(render(registry_with(MonitorCollector(lambda: view(results)))).decode("utf-8"))
    labels = (("camera_id", "c1"), ("district", "north"), ("group", "gate"), ("recorder", "10.0.0.1:554"))
    assert found[("videowall_camera_up", labels)] == 1
    odd = (("camera_id", ODD), ("district", "north"), ("group", ""), ("recorder", "10.0.0.1:554"))
    assert found[("videowall_camera_up", odd)] == 0  # escaped on the way out, read back intact
    assert found[("videowall_camera_down_reason", tuple(sorted((*odd, ("reason", "auth")))))] == 1
    assert found[("videowall_camera_probe_latency_seconds", (("camera_id", ODD),))] == 0.25
    assert found[("videowall_camera_probe_age_seconds", (("camera_id", "c1"),))] == 10.0
    # c3 was never probed: no sample at all rather than a false "down"
    assert not any(dict(key[1]).get("camera_id") == "c3" for key in found)
    assert found[("videowall_recorder_cameras_up", (("recorder", "10.0.0.1:554"),))] == 1
    assert found[("videowall_recorder_cameras_total", (("recorder", "10.0.0.1:554"),))] == 2
    assert found[("videowall_recorder_cameras_up", (("recorder", "10.0.0.2:554"),))] == 0
    assert found[("videowall_district_cameras_total", (("district", "south"),))] == 1
    assert found[("videowall_district_cameras_down", (("district", "north"), ("reason", "auth")))] == 1
    assert found[("videowall_monitor_probes_total", ())] == 9
    assert found[("videowall_monitor_probe_errors_total", ())] == 1
    assert found[("videowall_monitor_shard_info", (("shard", "1/2"),))] == 1
    oldest = found[("videowall_monitor_oldest_state_age_seconds", ())]
    assert oldest != oldest  # NaN while c3 has no result
    results["c3"] = result("c3", Reason.OK, 995.0)
    found = samples(render(registry_with(MonitorCollector(lambda: view(results)))).decode("utf-8"))
    assert found[("videowall_monitor_oldest_state_age_seconds", ())] == 30.0


def test_no_password_in_the_exposition():
    results = {"c1": result("c1", Reason.AUTH, 990.0)}
    text = render(registry_with(MonitorCollector(lambda: view(results)))).decode("utf-8")
    assert "admin" not in text and "rtsp://" not in text  # URLs are never labels


class SlowCollector(Collector):
    """Yields a counter of its own renders; each render takes ``delay_s``."""

    def __init__(self, delay_s: float) -> None:
        self.delay_s = delay_s
        self.renders = 0
        self.threads: list[str] = []

    def collect(self):
        time.sleep(self.delay_s)  # stands in for rendering 100,000 cameras
        self.renders += 1
        self.threads.append(threading.current_thread().name)
        yield GaugeMetricFamily("renders", "renders so far", value=self.renders)


def test_a_slow_render_is_served_from_the_previous_one_and_renewed_in_the_background():
    collector = SlowCollector(1.0)
    exposition = PrerenderedExposition(registry_with(collector))
    try:
        assert samples(exposition().text().decode())[("renders", ())] == 1  # the first scrape renders itself
        started = time.monotonic()
        assert samples(exposition().text().decode())[("renders", ())] == 1  # at once, from the cache
        assert time.monotonic() - started < 1.0  # not a render
        deadline = time.monotonic() + 10
        while collector.renders < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert collector.threads[1] == THREAD_NAME
        while samples(exposition().text().decode())[("renders", ())] < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        exposition.close()
    assert not any(t.name == THREAD_NAME for t in threading.enumerate())


def test_a_big_fleet_is_served_from_a_warm_render_from_the_first_scrape():
    collector = SlowCollector(1.0)
    exposition = PrerenderedExposition(registry_with(collector), big=lambda: True)
    try:
        exposition.warm()
        deadline = time.monotonic() + 10
        while exposition.last_render_s == 0 and time.monotonic() < deadline:  # the warm render is done
            time.sleep(0.02)
        started = time.monotonic()
        assert samples(exposition().text().decode())[("renders", ())] == 1
        assert time.monotonic() - started < 1.0  # not a render: the warm one
    finally:
        exposition.close()


def test_a_fast_render_is_fresh_on_every_scrape():
    collector = SlowCollector(0.0)
    exposition = PrerenderedExposition(registry_with(collector))
    values = [samples(exposition().text().decode())[("renders", ())] for _ in range(3)]
    exposition.close()
    assert values == [1, 2, 3] and set(collector.threads) == {threading.current_thread().name}


def test_wall_stream_gauges_follow_the_screen_and_leave_unknown_values_out():
    from viewer.core.stream_meter import StreamFigures
    from viewer.jobs.metrics import STREAM_GAUGES, WallStatusCollector

    shown = StreamFigures("c1", "sub", "h264", 640, 360, 25.0, 10.0, 812.5, lost=3, reconnects=1,
                          first_picture_s=1.5, degraded=True)
    opening = StreamFigures(ODD, "", fps=None, bitrate_kbps=None)  # measured nothing yet
    snapshot = {"districts": [], "streams": [shown.as_dict(), opening.as_dict()], "incoming_kbps": 812.5,
                "degraded_tiles": 1}
    state = {"snapshot": snapshot}
    registry = registry_with(WallStatusCollector(lambda: state["snapshot"]))
    got = samples(render(registry).decode())
    c1 = (("camera_id", "c1"), ("stream", "sub"))
    assert got[("videowall_stream_fps", c1)] == 10.0
    assert got[("videowall_stream_nominal_fps", c1)] == 25.0
    assert got[("videowall_stream_fps_ratio", c1)] == 0.4
    assert got[("videowall_stream_bitrate_kbps", c1)] == 812.5
    assert got[("videowall_stream_lost_pictures", c1)] == 3
    assert got[("videowall_stream_reconnects", c1)] == 1
    assert got[("videowall_stream_first_picture_seconds", c1)] == 1.5
    assert got[("videowall_stream_degraded", c1)] == 1
    assert got[("videowall_stream_info", (*c1[:1], ("codec", "h264"), ("resolution", "640x360"), c1[1]))] == 1
    assert got[("videowall_incoming_bitrate_kbps", ())] == 812.5 and got[("videowall_degraded_tiles", ())] == 1
    odd = (("camera_id", ODD), ("stream", ""))
    assert ("videowall_stream_fps", odd) not in got  # unknown: no sample rather than a false 0
    assert got[("videowall_stream_reconnects", odd)] == 0
    assert {name for name, labels in got if name.startswith("videowall_stream_")} == {
        "videowall_stream_info", *(name for _key, name, _help in STREAM_GAUGES)}
    state["snapshot"] = {"districts": [], "streams": [opening.as_dict()], "incoming_kbps": 0.0}
    again = samples(render(registry).decode())
    assert not [key for key in again if ("camera_id", "c1") in key[1]]  # left the screen: series gone
