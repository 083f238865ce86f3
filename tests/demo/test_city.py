"""The demo city: its data, the served cameras (real sockets, real probes; served over HTTP
here, the RTSP city is in test_city_rtsp.py), the fault clock and the training catalog.
Conditions are polled with a deadline; nothing sleeps to assert."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.demo_reasons import PLANNED_REASONS
from tests.support.waiting import wait_until
from viewer import paths
from viewer.core.catalog import CAMERA_KEYS, DISTRICT_KEYS, TOUR_KEYS, load_catalog
from viewer.core.probe import probe_sync
from viewer.core.reasons import Reason
from viewer.demo.city import (
    AUTH,
    CATALOG_FILE_NAME,
    DROPS,
    FREEZE_NEW_CLIENT_VIDEO_S,
    FREEZES,
    GROUP_CLIPS,
    HEALTHY,
    NOT_FOUND,
    REFUSED,
    DemoCity,
    FaultCycle,
    demo_city,
)
from viewer.demo.training import training_catalog_text, write_training_catalog

KECAMATAN = {
    "Banyumanik", "Candisari", "Gajahmungkur", "Gayamsari", "Genuk", "Gunungpati", "Mijen", "Ngaliyan",
    "Pedurungan", "Semarang Barat", "Semarang Selatan", "Semarang Tengah", "Semarang Timur", "Semarang Utara",
    "Tembalang", "Tugu",
}  # fmt: skip
TS_PACKET = 188
START_BUDGET_S = 2.0  # measured ~0.01 s; generous for a loaded 2-core test machine


class StreamClient:
    """GET an HTTP MPEG-TS URL over a raw socket; remembers when each chunk arrived."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
        self.sock.sendall(f"GET {parts.path} HTTP/1.1\r\nHost: demo\r\n\r\n".encode())
        self.sock.settimeout(0.05)
        self.buf = b""
        self.arrivals: list[float] = []
        self.closed = False

    def pump(self) -> None:
        try:
            data = self.sock.recv(65536)
        except TimeoutError:
            return
        except ConnectionError:
            self.closed = True
            return
        if not data:
            self.closed = True
            return
        self.buf += data
        self.arrivals.append(time.monotonic())

    def wait_for(self, condition, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if condition():
                return True
            if self.closed:
                break
            self.pump()
        return condition()

    def body(self) -> bytes:
        return self.buf.partition(b"\r\n\r\n")[2]

    def silent_for(self, seconds: float) -> bool:
        return bool(self.arrivals) and time.monotonic() - self.arrivals[-1] >= seconds

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def city(tmp_path):
    demo = DemoCity(tmp_path / "demo", protocol="http")
    started = time.perf_counter()
    demo.start()
    demo.start_s = time.perf_counter() - started
    try:
        yield demo
    finally:
        demo.stop()


def sim_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.is_alive() and t.name.startswith("sim")]


# -- data --------------------------------------------------------------------------------------
def test_demo_city_is_deterministic_and_well_formed():
    districts, cameras = demo_city()
    assert (districts, cameras) == demo_city()
    assert {d.name for d in districts} == KECAMATAN
    assert len({d.id for d in districts}) == 16
    per_district = Counter(c.district for c in cameras)
    assert set(per_district) == {d.id for d in districts}
    assert all(4 <= n <= 8 for n in per_district.values()), per_district
    assert 80 <= len(cameras) <= 100
    assert len({c.name for c in cameras}) == len(cameras)
    assert len({c.id for c in cameras}) == len(cameras)
    assert all(re.fullmatch(r"smg-[a-z]{3}-\d{4}", c.id) for c in cameras)
    assert len({c.id[:7] for c in cameras}) == 16  # one id code per district
    for cam in cameras:
        assert cam.clip in GROUP_CLIPS[cam.group]
        assert paths.resource("clips", f"{cam.clip}.ts").is_file()
    assert {c.group for c in cameras} == set(GROUP_CLIPS)
    assert len({c.clip for c in cameras}) == 6


def test_planned_failures_sit_in_the_first_districts():
    districts, cameras = demo_city()
    first = {d.id for d in districts[:4]}
    failing = [c for c in cameras if c.behaviour != HEALTHY]
    counts = Counter(c.behaviour for c in failing)
    assert counts[AUTH] == counts[NOT_FOUND] == counts[FREEZES] == counts[DROPS] == 1
    assert 2 <= counts[REFUSED] <= 3
    refusing = [c.district for c in failing if c.behaviour == REFUSED]
    assert len(set(refusing)) == len(refusing)
    assert {c.district for c in failing} <= first


def test_fault_cycle_is_a_pure_clock():
    freeze = FaultCycle(first_bad_s=40.0, bad_s=25.0, period_s=65.0)
    assert freeze.state_at(0.0) == (False, 40.0)
    assert freeze.state_at(40.0) == (True, 25.0)
    assert freeze.state_at(64.5) == (True, 0.5)
    assert freeze.state_at(65.0) == (False, 40.0)
    assert freeze.state_at(105.0) == (True, 25.0)
    with pytest.raises(ValueError):
        FaultCycle(first_bad_s=1.0, bad_s=5.0, period_s=5.0)


# -- the running city --------------------------------------------------------------------------
def test_started_city_writes_a_catalog_that_loads(city):
    path = city.catalog_path
    assert path.name == CATALOG_FILE_NAME and path.is_file()
    assert city.start_s < START_BUDGET_S, f"DemoCity.start() took {city.start_s:.3f} s"
    catalog = load_catalog(path)
    assert catalog.warnings == ()
    assert path.read_text(encoding="utf-8") == city.catalog_text()
    districts, cameras = demo_city()
    assert [d.id for d in catalog.districts] == [d.id for d in districts]
    by_id = {c.id: c for c in catalog.cameras}
    assert set(by_id) == {c.id for c in cameras}
    for cam in cameras:
        loaded = by_id[cam.id]
        assert (loaded.name, loaded.district, loaded.group) == (cam.name, cam.district, cam.group)
        assert loaded.url == city.urls[cam.id]
        assert urlsplit(loaded.url).hostname == "127.0.0.1"
        assert loaded.username is None and loaded.password is None
        assert loaded.notes.startswith("demo:") == (cam.behaviour != HEALTHY)
    tours = {t.id: t for t in catalog.tours}
    assert tours["patroli-kota"].name == "Patroli kota"
    assert tours["patroli-kota"].dwell_s == 15
    assert list(tours["patroli-kota"].steps) == [d.id for d in districts]
    assert len(tours["pasar-pagi"].steps) == 4


def test_no_password_in_the_demo_catalog(city):
    text = city.catalog_text()
    assert not re.search(r"(?m)^\s*(password|username):", text)
    assert "@" not in text  # no userinfo in any URL
    secrets = {cam.password for url, cam in city.simulator.cameras() if cam.behaviour.value.startswith("auth")}
    assert len(secrets) == 1
    assert not any(s in text for s in secrets)


def test_planned_failures_probe_as_planned(city):
    expected = PLANNED_REASONS
    results = {cam.id: probe_sync(city.urls[cam.id], timeout_s=3.0) for cam in city.cameras}
    wrong = {
        cam.id: (cam.behaviour, results[cam.id])
        for cam in city.cameras
        if results[cam.id].reason is not expected[cam.behaviour]
    }
    assert wrong == {}


def test_a_healthy_camera_streams_mpegts(city):
    cam = next(c for c in city.cameras if c.behaviour == HEALTHY)
    client = StreamClient(city.urls[cam.id])
    try:
        assert client.wait_for(lambda: len(client.body()) >= 20 * TS_PACKET, timeout_s=5.0)
        head = client.buf.partition(b"\r\n\r\n")[0].decode("latin-1")
        assert head.startswith("HTTP/1.1 200") and "video/mp2t" in head
        body = client.body()
        assert all(body[i] == 0x47 for i in range(0, 20 * TS_PACKET, TS_PACKET))
    finally:
        client.close()


def test_the_freezing_camera_stops_and_comes_back(tmp_path):
    # The freeze starts after the client has had FREEZE_NEW_CLIENT_VIDEO_S of video.
    freeze_after_s = FREEZE_NEW_CLIENT_VIDEO_S + 0.5
    with DemoCity(tmp_path, protocol="http", freeze_after_s=freeze_after_s, freeze_for_s=2.0) as city:
        cam = next(c for c in city.cameras if c.behaviour == FREEZES)
        client = StreamClient(city.urls[cam.id])
        try:
            assert client.wait_for(lambda: len(client.body()) >= 10 * TS_PACKET, timeout_s=5.0)
            # Healthy, chunks come every few tens of ms: a 0.6 s silence is the freeze.
            assert client.wait_for(lambda: client.silent_for(0.6), timeout_s=10.0), "the stream never froze"
            frozen_at = len(client.buf)
            assert not client.closed  # frozen, not dropped: the connection stays open
            assert client.wait_for(lambda: len(client.buf) > frozen_at, timeout_s=10.0), "it never came back"
            assert client.wait_for(lambda: len(client.buf) >= frozen_at + 10 * TS_PACKET, timeout_s=5.0)
        finally:
            client.close()


def test_the_dropping_camera_drops_and_reconnects(tmp_path):
    with DemoCity(tmp_path, protocol="http", drop_after_s=0.5, drop_for_s=1.5, drop_every_s=30.0) as city:
        cam = next(c for c in city.cameras if c.behaviour == DROPS)
        url = city.urls[cam.id]
        client = StreamClient(url)
        try:
            assert client.wait_for(lambda: len(client.body()) >= 10 * TS_PACKET, timeout_s=5.0)
            assert client.wait_for(lambda: client.closed, timeout_s=10.0), "the live connection was not dropped"
        finally:
            client.close()
        # Sampled until the clock brings it back; what counts is seeing REFUSED then OK.
        seen: list[Reason] = []
        assert wait_until(
            lambda: seen.append(probe_sync(url, timeout_s=2.0).reason) or seen[-1] is Reason.OK, timeout_s=10.0
        )
        assert Reason.REFUSED in seen, seen


def test_stop_joins_every_thread_and_is_final(tmp_path):
    before = set(sim_threads())
    city = DemoCity(tmp_path)
    city.start()
    names = {t.name for t in sim_threads() if t not in before}
    assert {"sim-cameras", "sim-demo-faults"} <= names
    started = time.perf_counter()
    city.stop()
    assert time.perf_counter() - started < 2.0  # the scheduler wakes at once, not after 20 s
    assert [t for t in sim_threads() if t not in before] == []
    city.stop()  # idempotent
    with pytest.raises(RuntimeError):
        city.start()
    url = next(iter(city.urls.values()))
    assert probe_sync(url, timeout_s=2.0).reason is Reason.REFUSED


def test_catalog_text_needs_a_start(tmp_path):
    with pytest.raises(RuntimeError):
        DemoCity(tmp_path).catalog_text()


# -- training catalog --------------------------------------------------------------------------
def _uncomment_example(text: str) -> str:
    return re.sub(r"(?m)^  #(- |  )", r"  \1", text)


def test_training_catalog_loads_and_explains_every_key(tmp_path):
    path = tmp_path / "training.yaml"
    write_training_catalog(path)
    text = path.read_text(encoding="utf-8")
    catalog = load_catalog(path, env={})
    assert catalog.warnings == ()
    assert {t.id for t in catalog.tours} >= {"patroli-kota"}
    assert len(catalog.groups()) >= 3
    assert any(c.substream for c in catalog.cameras)
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#") or " # " in line]
    assert len(comments) >= 30
    for key in {*CAMERA_KEYS, *DISTRICT_KEYS, *TOUR_KEYS, "include", "version"}:
        assert re.search(rf"(?m)^[ #-]*{key}:", text), f"key {key!r} is not shown"
    assert "${SMG_CAM_PASS}" in text


def test_training_catalog_password_example_is_valid_once_uncommented(tmp_path):
    path = tmp_path / "training.yaml"
    path.write_text(_uncomment_example(training_catalog_text()), encoding="utf-8")
    catalog = load_catalog(path, env={"SMG_CAM_PASS": "rahasia"})
    nvr = next(c for c in catalog.cameras if c.password is not None)
    assert (nvr.username, nvr.password, nvr.group) == ("viewer", "rahasia", "ATCS")


def test_training_catalog_with_the_demo_plays_its_streams(city, tmp_path):
    path = Path(tmp_path / "training.yaml")
    write_training_catalog(path, urls_from=city)
    catalog = load_catalog(path, env={})
    assert catalog.warnings == ()
    live = set(city.urls.values())
    assert all(c.url in live for c in catalog.cameras)
    enabled = next(c for c in catalog.cameras if c.enabled)
    assert probe_sync(enabled.url, timeout_s=3.0).ok
