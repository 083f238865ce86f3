"""The demo city served like the real one, over RTSP (the default of ``DemoCity``): Hikvision
paths with main and sub-streams, the market cameras still HTTP, the planned failures probed as
planned, streams played by FFmpeg's client (PyAV), the freeze and the drop on the clock."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest

from tests.support.demo_reasons import PLANNED_REASONS
from tests.support.rtsp_client import Reader
from tests.support.waiting import wait_until
from viewer.core.catalog import load_catalog
from viewer.core.probe import probe_sync
from viewer.core.reasons import Reason
from viewer.demo.city import DROPS, FREEZE_NEW_CLIENT_VIDEO_S, FREEZES, HEALTHY, REFUSED, DemoCity
from viewer.demo.streams import HTTP_GROUPS
from viewer.demo.training import write_training_catalog


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    with DemoCity(tmp_path_factory.mktemp("rtsp-demo")) as demo:  # RTSP is the default
        yield demo


def test_cameras_are_rtsp_with_main_and_sub_streams_and_the_market_stays_http(city):
    catalog = load_catalog(city.catalog_path)
    assert catalog.warnings == ()
    groups = {cam.id: cam.group for cam in city.cameras}
    nvr_ports = set()
    for cam in catalog.cameras:
        if groups[cam.id] in HTTP_GROUPS:
            assert cam.url.startswith("http://127.0.0.1:") and cam.url.endswith(f"/live/{cam.id}.ts")
            assert cam.substream is None
            continue
        main = re.fullmatch(r"rtsp://127\.0\.0\.1:(\d+)/Streaming/Channels/(\d+)01", cam.url)
        sub = re.fullmatch(r"rtsp://127\.0\.0\.1:(\d+)/Streaming/Channels/(\d+)02", cam.substream or "")
        assert main and sub and main.group(2) == sub.group(2), (cam.url, cam.substream)
        if cam.id in {c.id for c in city.cameras if c.behaviour not in (REFUSED, DROPS)}:
            nvr_ports |= {main.group(1), sub.group(1)}
    assert len(nvr_ports) == 1  # one NVR port for every camera that does not need its own
    text = city.catalog_text()
    assert "RTSP 401" in text and "RTSP 404" in text
    assert "@" not in text and not re.search(r"(?m)^\s*(password|username):", text)


def test_planned_failures_probe_as_planned_on_main_and_sub_streams(city):
    wrong = {}
    for cam in city.cameras:
        for url in (city.urls[cam.id], city.substreams.get(cam.id)):
            if url is not None:
                reason = probe_sync(url, timeout_s=3.0).reason
                if reason is not PLANNED_REASONS[cam.behaviour]:
                    wrong[url] = (cam.behaviour, reason)
    assert wrong == {}


def test_a_sub_stream_plays_in_ffmpeg_at_full_rate(city):
    cam = next(c for c in city.cameras if c.behaviour == HEALTHY and c.id in city.substreams)
    url = city.substreams[cam.id]
    reader = Reader(url)
    try:
        assert reader.opened.wait(10.0), repr(reader.error)
        start = time.monotonic() + 0.5
        assert wait_until(lambda: time.monotonic() > start + 2.0, timeout_s=4.0)
        assert 13.5 <= reader.rate(start, start + 2.0) <= 16.5  # the clips are 15 fps
        assert city.simulator.sessions(url) == 1
    finally:
        reader.close()


def test_the_freezing_camera_stalls_after_play_and_comes_back(tmp_path):
    with DemoCity(tmp_path, protocol="rtsp", freeze_after_s=FREEZE_NEW_CLIENT_VIDEO_S + 2.5, freeze_for_s=1.5) as city:
        cam = next(c for c in city.cameras if c.behaviour == FREEZES)
        reader = Reader(city.substreams[cam.id])
        try:
            assert reader.opened.wait(10.0), repr(reader.error)

            def gap_then_more() -> bool:
                times = list(reader.arrivals)
                gaps = [i for i in range(1, len(times)) if times[i] - times[i - 1] > 0.8]
                return bool(gaps) and len(times) - gaps[0] >= 5

            assert wait_until(gap_then_more, timeout_s=12.0), "no freeze followed by pictures"
            assert reader.error is None and not reader.ended.is_set()  # the session survived the freeze
        finally:
            reader.close()


def test_the_dropping_camera_drops_both_streams_and_comes_back(tmp_path):
    with DemoCity(tmp_path, protocol="rtsp", drop_after_s=3.0, drop_for_s=1.5, drop_every_s=30.0) as city:
        cam = next(c for c in city.cameras if c.behaviour == DROPS)
        urls = [city.urls[cam.id], city.substreams[cam.id]]
        assert urlsplit(urls[0]).port != urlsplit(urls[1]).port  # own ports, to really refuse
        readers = [Reader(url) for url in urls]
        try:
            assert all(r.opened.wait(10.0) for r in readers), [repr(r.error) for r in readers]
            assert all(r.ended.wait(10.0) for r in readers), "the live sessions were not dropped"
        finally:
            for reader in readers:
                reader.close()
        seen: list[Reason] = []
        assert wait_until(
            lambda: seen.append(probe_sync(urls[1], timeout_s=2.0).reason) or seen[-1] is Reason.OK, timeout_s=10.0
        )
        assert Reason.REFUSED in seen, seen


def test_training_catalog_from_the_rtsp_city_uses_its_sub_stream(city, tmp_path):
    path = tmp_path / "training.yaml"
    write_training_catalog(path, urls_from=city)
    catalog = load_catalog(path, env={})
    assert catalog.warnings == ()
    first = catalog.cameras[0]
    assert first.url.startswith("rtsp://") and first.substream in city.substreams.values()
    assert first.substream != first.url
    assert probe_sync(first.substream, timeout_s=3.0).ok
