"""A real HLS camera whose encoder stops: ffmpeg's HLS muxer (2 s segments, 5 in the
playlist) writing into a temp dir served by Python's ``http.server``; the encoder is
SIGSTOPped for 25 s. The wall (real libVLC) and the background sweep both see it stalled
(the tile stays flagged: it does not replay the stale playlist as a recovery), and the
journal records ONE outage (production hysteresis)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support.catalogs import catalog_yaml
from tests.support.journal_reading import reading
from viewer.core.constants import RECOVERY_CONFIRM_S
from viewer.core.reasons import Reason

ENCODER_STOP_S = 25
WAIT_MS = 60_000


@pytest.fixture
def hls_camera(tmp_path):
    """(url, encoder process) of a live HLS stream; both processes die with the test."""
    folder = tmp_path / "hls"
    folder.mkdir()
    encoder = subprocess.Popen(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
         "-i", "testsrc2=size=320x180:rate=15", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30",
         "-f", "hls", "-hls_time", "2", "-hls_list_size", "5", "-hls_flags", "delete_segments+temp_file",
         str(folder / "live.m3u8")],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
    )
    try:
        line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 40123 (http://...) ..."
        port = int(line.split(" port ")[1].split()[0])
        deadline = time.monotonic() + 20
        while not (folder / "live.m3u8").exists():  # a file another process writes: poll it
            assert time.monotonic() < deadline and encoder.poll() is None, "ffmpeg wrote no playlist"
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/live.m3u8", encoder
    finally:
        for proc in (encoder, server):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGCONT)
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        server.stdout.close()


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_a_stopped_hls_encoder_is_one_stalled_outage_for_the_wall_and_the_sweep(qtbot, make_wall, hls_camera):
    url, encoder = hls_camera
    catalog = catalog_yaml({"d1": [("hls", url)]})
    window = make_wall(catalog, sweep_interval_s=2.0, recovery_confirm_s=RECOVERY_CONFIRM_S)
    journal, fleet = reading(window.services.journal), window.services.fleet
    window.controller.show_district("d1", 0, "1x1")
    feed = window.controller.feed_at(0)
    qtbot.waitUntil(lambda: feed.flag is None and feed.state.value == "playing", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: "hls" in fleet.results and fleet.results["hls"].ok, timeout=WAIT_MS)
    assert journal.query() == []

    os.killpg(encoder.pid, signal.SIGSTOP)
    stopped_at = time.time()
    qtbot.waitUntil(lambda: fleet.results["hls"].reason is Reason.STALLED, timeout=WAIT_MS)
    assert "not updated" in fleet.results["hls"].detail
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason is Reason.STALLED, timeout=WAIT_MS)
    cleared = []  # the tile must not look recovered while the playlist is stale
    feed.flag_cleared.connect(lambda f, flag: cleared.append(time.time()))
    remaining_s = ENCODER_STOP_S - (time.time() - stopped_at)
    qtbot.wait(int(max(0.0, remaining_s) * 1000))  # the fault lasts this long: nothing to wait for
    os.killpg(encoder.pid, signal.SIGCONT)
    resumed_at = time.time()
    assert cleared == [], [round(t - stopped_at, 1) for t in cleared]

    qtbot.waitUntil(lambda: journal.query(open_only=True) == [] and journal.query() != [],
                    timeout=int((RECOVERY_CONFIRM_S + 40) * 1000))
    outages = journal.query()
    assert len(outages) == 1, outages
    [outage] = outages
    assert outage.reason is Reason.STALLED
    assert stopped_at <= outage.started_at <= stopped_at + 10
    assert resumed_at <= outage.ended_at
    assert fleet.results["hls"].ok
