"""Counting one quality sample and exporting results (pure): figures from known packets, no password."""

from __future__ import annotations

import csv
import io
import json

import pytest

from viewer.core.reasons import Reason
from viewer.core.sample_report import SampleResult, SampleTally, render_csv, render_json, render_summary, render_table
from viewer.core.sample_schedule import SampleTarget
from viewer.core.stream_figures import SOURCE_SAMPLE

TARGET = SampleTarget("cam-1", "sub", "rtsp://admin:Hunter2pw@10.0.0.9/sub", "d1", "10.0.0.9:554", "Gate",
                      "admin", "Hunter2pw")  # fmt: skip


def known_sample():
    """25 fps, 5,000-byte pictures (1,000 kbit/s), a key picture every 50, window opening 0.4 s
    after the open; a 4 s window (the picture at 4.0 s belongs to the next window)."""
    tally = SampleTally(opened_at=0.1, started_at=1_700_000_000.0, seconds=4.0)
    for late in range(3):  # three pictures queued while opening come out at once, at 0.46 s
        assert tally.packet(9000, keyframe=late == 0, at=0.46 + late * 0.0001)
    n = 0
    while tally.packet(5000, keyframe=n % 50 == 0, at=0.5 + n / 25):
        n += 1
    at = 0.5 + n / 25
    assert tally.done(at)
    return tally.sample(TARGET, ended_at=at + 0.01, nominal_fps=25.0, codec="h264", width=640, height=360)


def test_tally_measures_what_was_sent():
    sample = known_sample()
    assert sample.source == SOURCE_SAMPLE
    assert sample.first_packet_s == pytest.approx(0.36)  # the first packet, backlog included
    assert sample.started_at == pytest.approx(1_700_000_000.4)  # the window opened at 0.5
    assert sample.seconds == pytest.approx(4.0)
    assert sample.frames == 100  # packets at 0 .. 3.96 s
    assert sample.fps == pytest.approx(25.0)
    assert sample.bitrate_kbps == pytest.approx(1000.0)
    assert sample.keyframes == 2 and sample.keyframe_interval_s == pytest.approx(2.0)


def test_exports_carry_figures_and_no_password():
    ok = SampleResult(TARGET, Reason.OK, 1_700_000_005.0, known_sample())
    failed = SampleResult(SampleTarget("cam-2", "", "rtsp://10.0.0.8/x", "d1", "10.0.0.8:554"), Reason.AUTH,
                          1_700_000_006.0, None, "401 Unauthorized")  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(render_csv([ok, failed]))))
    assert rows[0]["bitrate_kbps"] == "1000.0" and rows[0]["fps"] == "25.0" and rows[0]["fps_ratio"] == "1.0"
    assert rows[1]["reason"] == "auth" and rows[1]["bitrate_kbps"] == ""
    data = json.loads(render_json([ok, failed]))
    assert data[0]["keyframe_interval_s"] == 2.0 and data[1]["fps"] is None
    table = render_table([ok, failed])
    assert table.splitlines()[1].startswith("cam-2")  # failed first
    summary = render_summary([ok, failed], 20.0, 5.0)
    for text in (render_csv([ok, failed]), render_json([ok, failed]), table, summary):
        assert "Hunter2pw" not in text
    assert "1 delivered video, 1 failed" in summary
