"""Quality samples against known truth (issue 23 parts 2 and 4).

- GStreamer's RTSP server (a client we did not write) encoding x264 CBR at known bitrates and
  frame rates: the sampled bitrate and frame rate within ±10 %, codec/size/nominal rate from
  the stream, a failing camera beside them, no password in any output;
- our simulator adding a known latency: the time to first packet grows with it;
- the bandwidth cap, measured ON THE SERVER SIDE (bytes the simulator's sockets handed to the
  kernel per second while a fleet is sampled).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

import av
import pytest

from tests.support.clips import encode_camera_clip
from viewer.core.catalog_model import Camera
from viewer.core.reasons import Reason
from viewer.core.sample_schedule import sample_targets
from viewer.jobs.sampler import QualitySampler, SamplerOptions
from viewer.sim.cameras import SimCamera

PASSWORD = "Zq9-sample-S3cret"
TOLERANCE = 0.10


def within(measured: float, truth: float, tolerance: float = TOLERANCE) -> bool:
    return abs(measured - truth) <= tolerance * truth


def sample_once(cameras: list[Camera], **options) -> dict[str, object]:
    results = []
    sampler = QualitySampler(sample_targets(cameras), results.append, SamplerOptions(**options), once=True)
    sampler.start()
    assert sampler.wait(120), "the samples did not end"
    return {r.target.camera_id: r for r in results}


@pytest.fixture(scope="module")
def camera_clip(tmp_path_factory) -> tuple[Path, float, float]:
    """A camera-like clip (640×360, 25 fps, keyframe every 2 s, noise, ~1 Mbit/s, 4 s) and
    its true video bitrate (kbit/s) and frame rate, read from the file itself."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg is needed to make test clips")
    path = encode_camera_clip(tmp_path_factory.mktemp("sample-clips") / "camera-1m.ts", gop_s=2, seconds=4,
                              bitrate="1M")
    with av.open(str(path)) as container:
        packets = [p for p in container.demux(video=0) if p.size]
    frames = len(packets)
    kbps = sum(p.size for p in packets) * 8 / 1000 / (frames / 25)
    return path, kbps, 25.0


@pytest.mark.slow
def test_gstreamer_known_bitrate_and_frame_rate(gst_rtsp, tmp_path):
    """Two GStreamer servers, x264 CBR 600 kbit/s at 15 fps and 1,500 kbit/s at 25 fps, one
    behind Basic auth, plus a refused camera: figures within ±10 %, the refused one says so."""
    slow = gst_rtsp({"/slow": "smpte"}, {"/slow-auth": "smpte"}, f"viewer:{PASSWORD}",
                    "--x264-bitrate-kbps", "600", "--framerate", "15")  # fmt: skip
    fast = gst_rtsp({"/fast": "smpte"}, None, "", "--x264-bitrate-kbps", "1500", "--framerate", "25")
    cameras = [
        Camera("slow", "Slow", "d1", slow.url("/slow")),
        Camera("slow-auth", "Slow auth", "d1", slow.url("/slow-auth"), username="viewer", password=PASSWORD),
        Camera("fast", "Fast", "d2", fast.url("/fast")),
        Camera("gone", "Gone", "d2", "rtsp://127.0.0.1:1/none"),
    ]
    results = sample_once(cameras, seconds=4.0, concurrency=4, budget_mbps=20.0)
    truth = {"slow": (600.0, 15.0), "slow-auth": (600.0, 15.0), "fast": (1500.0, 25.0)}
    for camera_id, (kbps, fps) in truth.items():
        result = results[camera_id]
        assert result.ok, (camera_id, result.reason, result.detail)
        sample = result.sample
        assert within(sample.bitrate_kbps, kbps), (camera_id, sample.bitrate_kbps, kbps)
        assert within(sample.fps, fps), (camera_id, sample.fps, fps)
        assert sample.nominal_fps == fps
        assert (sample.codec, sample.width, sample.height) == ("h264", 640, 360)
        assert 1 <= sample.keyframes <= 3  # a keyframe every 2 s in a 4 s window
        assert 0 < sample.first_packet_s < 3.0
        assert sample.source == "sample"
    assert results["gone"].reason is Reason.REFUSED and results["gone"].sample is None


def test_sweep_sample_cli_exports_and_no_password(gst_rtsp, tmp_path):
    """``videowall sweep --sample`` end to end: JSON export and journal rows, a failing camera
    beside a good one, the password nowhere (output, summary, journal)."""
    from viewer.cli.sweep import main
    from viewer.core.stream_minutes_store import read_stream_minutes

    server = gst_rtsp({}, {"/cam": "smpte"}, f"viewer:{PASSWORD}", "--x264-bitrate-kbps", "500", "--framerate", "10")
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(
        "version: 1\ndistricts:\n  - id: d1\n    name: D1\ncameras:\n"
        f"  - id: ok\n    name: OK\n    district: d1\n    url: {server.url('/cam')}\n"
        f"    username: viewer\n    password: {PASSWORD}\n"
        f"  - id: wrong\n    name: Wrong\n    district: d1\n    url: {server.url('/cam')}\n"
        f"    username: viewer\n    password: not-{PASSWORD}\n", encoding="utf-8")  # fmt: skip
    out, journal = tmp_path / "samples.json", tmp_path / "journal.sqlite"
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([str(catalog), "--sample", "--sample-seconds", "3", "--format", "json", "-o", str(out),
                     "--journal", str(journal)])  # fmt: skip
    assert code == 1  # one camera did not deliver video
    rows = {r["camera_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    assert rows["wrong"]["reason"] == "auth" and rows["wrong"]["bitrate_kbps"] is None
    assert within(rows["ok"]["bitrate_kbps"], 500.0) and within(rows["ok"]["fps"], 10.0)
    minutes = read_stream_minutes(journal, 0, time.time() + 120)
    assert [(m.camera_id, m.source, m.opens) for m in minutes] == [("ok", "sample", 1)]
    for text in (out.read_text(encoding="utf-8"), err.getvalue(), journal.read_bytes().decode("latin-1")):
        assert PASSWORD not in text


def test_simulator_latency_shows_in_first_packet_time(simulator, camera_clip):
    """The simulator delays everything a camera sends by 0.3 s: FFmpeg's RTSP set-up (OPTIONS,
    DESCRIBE, SETUP, PLAY) waits four answers, so the first packet comes ~1.2 s later."""
    clip, _kbps, _fps = camera_clip
    near = simulator.add_rtsp(SimCamera("/near", clip=clip))
    far = simulator.add_rtsp(SimCamera("/far", clip=clip, latency_s=0.3))
    results = sample_once([Camera("near", "Near", "d", near), Camera("far", "Far", "d", far)], seconds=1.0)
    near_s, far_s = results["near"].sample.first_packet_s, results["far"].sample.first_packet_s
    assert results["far"].ok and results["near"].ok
    assert 4 * 0.3 * 0.9 <= far_s - near_s <= 5 * 0.3 * 1.1, (near_s, far_s)


def test_simulator_known_bitrate(simulator, camera_clip):
    """Our simulator replays a clip whose bitrate is read from the file: sampled within ±10 %."""
    clip, kbps, fps = camera_clip
    url = simulator.add_rtsp(SimCamera("/cam", clip=clip))
    (result,) = sample_once([Camera("cam", "Cam", "d", url)], seconds=4.0).values()
    assert result.ok, result.reason
    assert within(result.sample.bitrate_kbps, kbps), (result.sample.bitrate_kbps, kbps)
    assert within(result.sample.fps, fps)


def test_failing_cameras_give_the_sweeps_reasons_and_stop_nobody(simulator, camera_clip):
    """Beside a healthy camera: audio-only, 404, a server that never answers and one that
    stops sending after 1 s; each gets its reason, the healthy one its figures."""
    from viewer.sim.cameras import Behaviour

    clip, kbps, _fps = camera_clip
    kinds = {"ok": Behaviour.HEALTHY, "audio": Behaviour.AUDIO_ONLY, "gone": Behaviour.NOT_FOUND,
             "silent": Behaviour.HANGING, "frozen": Behaviour.FROZEN}  # fmt: skip
    cameras = [Camera(name, name, "d", simulator.add_rtsp(SimCamera(f"/{name}", kind, clip=clip, delay_s=1.0)))
               for name, kind in kinds.items()]  # fmt: skip
    results = sample_once(cameras, seconds=3.0, read_timeout_s=2.0, concurrency=5)
    assert {k: r.reason for k, r in results.items()} == {
        "ok": Reason.OK, "audio": Reason.NO_VIDEO, "gone": Reason.NOT_FOUND, "silent": Reason.TIMEOUT,
        "frozen": Reason.STALLED}  # fmt: skip
    assert within(results["ok"].sample.bitrate_kbps, kbps)


def test_http_ts_and_hls_known_bitrate(simulator, camera_clip):
    """HTTP MPEG-TS (joined live, mid-GOP) and HLS (segments arrive faster than real time:
    counted on the stream's clock) from our simulator: bitrate and frame rate within ±10 %."""
    clip, kbps, fps = camera_clip
    ts = simulator.add_http(SimCamera("/live", clip=clip, live_join=True))
    hls = simulator.add_http(SimCamera("/live.m3u8", clip=clip))
    results = sample_once([Camera("ts", "TS", "d", ts), Camera("hls", "HLS", "d", hls)], seconds=4.0)
    for name in ("ts", "hls"):
        sample = results[name].sample
        assert results[name].ok, (name, results[name].reason)
        assert within(sample.bitrate_kbps, kbps), (name, sample.bitrate_kbps, kbps)
        assert within(sample.fps, fps), (name, sample.fps)
        assert sample.nominal_fps == fps and sample.width == 640


@pytest.mark.slow
def test_bandwidth_cap_holds_on_the_server_side(simulator, camera_clip):
    """16 cameras of ~1 Mbit/s, 8 samples allowed at once (8 Mbit/s without a cap), capped at
    3 Mbit/s, 2 s samples: the simulator's sockets send at most the cap on average over the
    run, at most 10 % more in any 4 s (twice a sample), and at most 25 % more in any 2 s.

    Why short windows get more room: the cap admits a sample when the budget holds its
    bytes, but its bytes then arrive front-loaded (it opens with a key picture) and after a
    handshake whose length varies with the machine's load, so two samples' openings can
    fall into one window. Measured: worst 2 s 3.14-3.16 Mbit/s here (3 runs), 3.37 on CI's
    loaded runner (12 % over); worst 4 s 3.05-3.11 on both."""
    clip, _kbps, _fps = camera_clip
    cameras = [Camera(f"c{n}", f"C{n}", f"d{n % 3}", simulator.add_rtsp(SimCamera(f"/c{n}", clip=clip)),
                      recorder=f"r{n % 4}") for n in range(16)]  # fmt: skip
    readings: list[tuple[float, int]] = []
    done = threading.Event()

    def meter() -> None:
        while not done.is_set():
            readings.append((time.monotonic(), simulator.bytes_sent()))
            done.wait(0.25)

    thread = threading.Thread(target=meter, name="sample-meter")
    thread.start()
    try:
        results = sample_once(cameras, seconds=2.0, concurrency=8, budget_mbps=3.0)
    finally:
        done.set()
        thread.join()
    assert all(r.ok for r in results.values()), {k: r.reason for k, r in results.items() if not r.ok}
    cap_bytes_per_s = 3e6 / 8
    sending = [(t, b) for t, b in readings if b > readings[0][1]]
    start_t, start_b = readings[0][0], readings[0][1]
    end_t, end_b = sending[-1]
    average = (end_b - start_b) / (end_t - start_t)
    def worst(seconds: float) -> float:
        return max((b2 - b1) / (t2 - t1) for (t1, b1) in readings for (t2, b2) in readings
                   if seconds - 0.1 <= t2 - t1 <= seconds + 0.1)  # fmt: skip

    print(f"server side: {average * 8 / 1e6:.2f} Mbit/s on average, worst 2 s window {worst(2) * 8 / 1e6:.2f}, "
          f"worst 4 s window {worst(4) * 8 / 1e6:.2f} Mbit/s, cap 3 Mbit/s, {len(results)} cameras in "
          f"{end_t - start_t:.1f} s")  # fmt: skip
    assert average <= cap_bytes_per_s
    assert worst(4) <= cap_bytes_per_s * 1.10
    assert worst(2) <= cap_bytes_per_s * 1.25
