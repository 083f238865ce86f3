"""``videowall --selftest`` from the source tree: real libVLC, real X window (Xvfb).

The frozen app's self-test is exercised by tests/test_packaging.py (slow).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from viewer import selftest

ROOT = Path(__file__).resolve().parents[1]
#: The self-test promises an exit within 30 s; allow the interpreter start on a busy box.
SELFTEST_LIMIT_S = selftest.SELFTEST_DEADLINE_S


def _run_selftest(env_extra: dict[str, str] | None = None,
                  args: list[str] | None = None) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, **(env_extra or {})}
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "--selftest", *(args or [])],
        cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=SELFTEST_LIMIT_S + selftest.SELFTEST_URL_EXTRA_S + 15,
    )
    return result, time.monotonic() - started


def _verdict(log_text: str) -> str:
    lines = [line for line in log_text.splitlines() if "selftest: PASS" in line or "selftest: FAIL" in line]
    assert len(lines) == 1, log_text
    return lines[0]


def test_selftest_passes_on_the_shipped_clip(isolated_home):
    result, took_s = _run_selftest()
    log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
    assert result.returncode == 0, log_text
    assert took_s < SELFTEST_LIMIT_S
    verdict = _verdict(log_text)
    assert "selftest: PASS:" in verdict and "pictures displayed" in verdict
    assert "selftest: libVLC 3." in log_text
    assert "selftest: RTSP (live555) available: " in log_text
    assert "selftest: libvlccore loaded from /" in log_text
    assert "plugins loaded from /" in log_text
    assert "selftest: PASS:" in result.stdout  # printed too when there is a stdout
    snapshot = isolated_home / "cache" / "selftest-snapshot.png"
    assert selftest.snapshot_problem(snapshot) is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"this is not a video\n" * 50, "could not play|ended after only 0 pictures"),
        (bytes(range(256)) * 800, "could not play|ended after only 0 pictures"),  # noise named .ts
    ],
    ids=["text", "noise"],
)
def test_selftest_fails_on_a_clip_that_is_not_video(isolated_home, tmp_path, content, expected):
    clip = tmp_path / "broken.ts"
    clip.write_bytes(content)
    result, took_s = _run_selftest({selftest.CLIP_ENV: str(clip)})
    log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
    assert result.returncode == 1, log_text
    assert took_s < SELFTEST_LIMIT_S
    verdict = _verdict(log_text)
    assert "selftest: FAIL:" in verdict and str(clip) in verdict
    assert re.search(expected, verdict), verdict


def test_selftest_fails_when_the_clip_is_missing(isolated_home, tmp_path):
    missing = tmp_path / "nowhere.ts"
    result, _took_s = _run_selftest({selftest.CLIP_ENV: str(missing)})
    log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert f"self-test clip {missing} not found" in _verdict(log_text)


def test_watchdog_ends_a_hung_selftest_with_exit_code_1():
    code = (
        "import threading, viewer.selftest as s\n"
        "s._Watchdog(1.0).start()\n"
        "threading.Event().wait(60)  # a hung libVLC call\n"
    )
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert time.monotonic() - started < 20
    assert "selftest: FAIL: no verdict within 1 s" in result.stdout


def test_snapshot_check_tells_uniform_from_real_pictures(qapp, tmp_path):
    from PySide6.QtGui import QColor, QImage, QPainter

    uniform = QImage(320, 180, QImage.Format.Format_RGB32)
    uniform.fill(QColor(12, 12, 12))
    uniform.save(str(tmp_path / "black.png"))
    picture = QImage(320, 180, QImage.Format.Format_RGB32)
    picture.fill(QColor(0, 0, 0))
    painter = QPainter(picture)
    painter.fillRect(0, 0, 160, 180, QColor(255, 255, 0))
    painter.end()
    picture.save(str(tmp_path / "half.png"))
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "junk.png").write_bytes(b"not a png")

    assert "uniform" in selftest.snapshot_problem(tmp_path / "black.png")
    assert selftest.snapshot_problem(tmp_path / "half.png") is None
    assert "no snapshot" in selftest.snapshot_problem(tmp_path / "empty.png")
    assert "no snapshot" in selftest.snapshot_problem(tmp_path / "absent.png")
    assert "not a readable picture" in selftest.snapshot_problem(tmp_path / "junk.png")


def test_loaded_files_are_summarised_by_libvlccore_and_plugin_folder():
    lines = selftest.describe_loaded([
        "/opt/app/_internal/vlc/libvlc.so.5",
        "/opt/app/_internal/vlc/libvlccore.so.9",
        "/opt/app/_internal/vlc/plugins/codec/libavcodec_plugin.so",
        "/opt/app/_internal/vlc/plugins/demux/libts_plugin.so",
    ])
    assert lines == [
        "selftest: libvlccore loaded from /opt/app/_internal/vlc/libvlccore.so.9",
        "selftest: 2 plugins loaded from /opt/app/_internal/vlc/plugins",
    ]
    assert selftest.describe_loaded([])[0].endswith("unknown")


def test_clip_override_and_default(monkeypatch, tmp_path):
    monkeypatch.delenv(selftest.CLIP_ENV, raising=False)
    assert selftest.selftest_clip().is_file()
    monkeypatch.setenv(selftest.CLIP_ENV, str(tmp_path / "x.ts"))
    assert selftest.selftest_clip() == tmp_path / "x.ts"


def test_selftest_url_plays_an_rtsp_camera_with_a_password_from_the_environment(isolated_home, gst_rtsp):
    password = "Selftest-Pw-9"
    server = gst_rtsp({}, {"/cam": "smpte"}, f"viewer:{password}")
    url = server.url("/cam")
    args = ["--selftest-url", url, "--selftest-user", "viewer"]
    result, took_s = _run_selftest({selftest.PASSWORD_ENV: password}, args)
    log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
    assert result.returncode == 0, log_text
    assert took_s < SELFTEST_LIMIT_S + selftest.SELFTEST_URL_EXTRA_S
    verdict = _verdict(log_text)
    assert "selftest: PASS:" in verdict and f"{url}: " in verdict and "pictures displayed" in verdict
    assert "selftest: RTSP client: relay (FFmpeg" in log_text
    assert password not in log_text + result.stdout + result.stderr

    result, _took_s = _run_selftest({selftest.PASSWORD_ENV: "wrong-" + password}, args)
    log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
    assert result.returncode == 1
    assert "selftest: FAIL: " in log_text and "failed: auth (" in log_text
    assert password not in log_text
