"""The quality samples' schedule (pure): which streams, which order, who is left out."""

from __future__ import annotations

import pytest

from viewer.core.catalog_model import Camera
from viewer.core.sample_schedule import SampleTarget, next_due_s, sample_order, sample_targets


def cam(cid: str, district: str = "d1", recorder: str = "r1", substream: str | None = None, enabled=True) -> Camera:
    return Camera(cid, cid.upper(), district, f"rtsp://10.0.0.1/{cid}", substream=substream, recorder=recorder,
                  username="admin", password="pw", enabled=enabled)  # fmt: skip


def test_targets_take_the_substream_where_there_is_one():
    cameras = [cam("a", substream="rtsp://10.0.0.1/a-sub"), cam("b"), cam("off", enabled=False)]
    assert [(t.camera_id, t.stream, t.url) for t in sample_targets(cameras)] == [
        ("a", "sub", "rtsp://10.0.0.1/a-sub"), ("b", "", "rtsp://10.0.0.1/b")]
    assert [(t.camera_id, t.stream) for t in sample_targets(cameras, "main")] == [("a", "main"), ("b", "")]
    assert [(t.camera_id, t.stream) for t in sample_targets(cameras, "both")] == [("a", "sub"), ("a", "main"),
                                                                                   ("b", "")]
    with pytest.raises(ValueError):
        sample_targets(cameras, "all")


def test_password_is_not_in_repr():
    (target,) = sample_targets([cam("a")])
    assert "pw" not in repr(target) and target.password == "pw"


def test_order_spreads_over_recorders_then_least_recently_sampled_first():
    cameras = [cam("a1", recorder="r1"), cam("a2", recorder="r1"), cam("a3", recorder="r1"),
               cam("b1", recorder="r2"), cam("c1", district="d2", recorder="r3")]  # fmt: skip
    targets = sample_targets(cameras)
    last = {("a1", ""): 50.0, ("b1", ""): 10.0}
    order = [t.camera_id for t in sample_order(targets, last, now=1000.0)]
    # each recorder's stalest first (never sampled before sampled), then the second of each ...
    assert order == ["a2", "c1", "b1", "a3", "a1"]


def test_order_leaves_out_on_screen_in_flight_and_recent():
    targets = sample_targets([cam("a"), cam("b", recorder="r2"), cam("c", recorder="r3"), cam("d", recorder="r4")])
    last = {("c", ""): 990.0, ("d", ""): 800.0}
    order = sample_order(targets, last, now=1000.0, min_interval_s=100.0, on_screen={"a"}, in_flight={("b", "")})
    assert [t.camera_id for t in order] == ["d"]


def test_next_due():
    targets = [SampleTarget("a", "", "rtsp://x/a", "d", "r"), SampleTarget("b", "", "rtsp://x/b", "d", "r")]
    assert next_due_s(targets, {("a", ""): 950.0, ("b", ""): 980.0}, 1000.0, 100.0) == pytest.approx(50.0)
    assert next_due_s(targets, {("a", ""): 950.0}, 1000.0, 100.0) == 0.0
    assert next_due_s([], {}, 1000.0, 100.0) is None
