"""RTSP status codes that FFmpeg's exceptions lump together ("4XX Client Error": 454, 455,
461 ...) reach the operator as a specific, readable detail: the relay against the simulator
taught to answer them (REJECTS), and against GStreamer's RTSP server refusing UDP (461, as
it answers by itself, and the 503 it gives for a moment after); the pure parsing of FFmpeg's
status line and the wording."""

from __future__ import annotations

import time

import pytest

from tests.player.test_rtsp_relay import WAIT_S, Verdict, relay  # noqa: F401 - fixture
from viewer.core.reasons import Reason
from viewer.player.rtsp_errors import RtspStatus, status_from_log
from viewer.player.rtsp_relay import SessionKey
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

RED = "0xFFFF0000"

# (status, method the camera refuses, words the operator must read)
CASES = [
    (454, "PLAY", "session not found (454) on PLAY"),
    (455, "PLAY", "method not valid in this state (455) on PLAY"),
    (461, "SETUP", "unsupported transport (461) on SETUP: the camera refuses TCP: try UDP"),
    (503, "DESCRIBE", "service unavailable (camera busy or out of sessions) (503) on DESCRIBE"),
    (457, "PLAY", "invalid range (457) on PLAY"),
]


@pytest.fixture(scope="module")
def rejecting():
    with CameraSimulator() as sim:  # its default H.264 clip
        urls = {code: sim.add_rtsp(SimCamera(f"/r{code}", Behaviour.REJECTS, status=code, status_method=method))
                for code, method, _ in CASES}
        urls["healthy"] = sim.add_rtsp(SimCamera("/healthy"))
        yield urls


@pytest.mark.parametrize("code,method,words", CASES, ids=[str(c[0]) for c in CASES])
def test_each_refusal_of_the_simulator_is_named_in_the_flag(rejecting, relay, code, method, words):  # noqa: F811
    verdict = Verdict()
    relay().open_output(SessionKey(rejecting[code]), verdict)
    assert verdict.done.wait(WAIT_S)
    assert verdict.reason is Reason.PROTOCOL
    assert verdict.detail.startswith(words), verdict.detail


def test_udp_to_a_tcp_only_simulator_says_to_try_tcp(rejecting, relay):  # noqa: F811
    verdict = Verdict()
    relay().open_output(SessionKey(rejecting["healthy"], tcp=False), verdict)
    assert verdict.done.wait(WAIT_S)
    assert verdict.reason is Reason.PROTOCOL
    assert verdict.detail.startswith("unsupported transport (461) on SETUP: the camera refuses UDP: try TCP")


def test_gstreamer_refusing_udp_is_unsupported_transport(gst_rtsp, relay):  # noqa: F811
    server = gst_rtsp({"/red": RED}, None, "", "--tcp-only")
    made = relay()
    refused = Verdict()
    made.open_output(SessionKey(server.url("/red"), tcp=False), refused)
    assert refused.done.wait(WAIT_S)
    assert refused.reason is Reason.PROTOCOL
    assert refused.detail.startswith("unsupported transport (461) on SETUP: the camera refuses UDP"), refused.detail
    # Right after the refused client GStreamer tears its shared media down and answers a
    # DESCRIBE with 503 for a moment (as the wall would, retry): named too, then TCP plays.
    deadline = time.monotonic() + WAIT_S
    while True:
        plays = Verdict()
        output = made.open_output(SessionKey(server.url("/red"), tcp=True), plays)
        if output.read(65536, timeout_s=WAIT_S):
            break
        assert plays.reason is Reason.PROTOCOL and "(503) on DESCRIBE" in plays.detail, plays.detail
        made.close_output(output)
        assert time.monotonic() < deadline, "TCP to the same server never played"
    assert not plays.done.is_set()


def test_status_line_parsing_and_wording():
    lines = [(16, "rtsp", "something else\n"), (16, "rtsp", "method PLAY failed: 454 (Session Not Found)\n")]
    assert status_from_log(lines) == RtspStatus("PLAY", 454, "Session Not Found")
    assert status_from_log([(16, "tcp", "Connection refused\n")]) is None
    assert status_from_log(None) is None
    odd = status_from_log([(16, "rtsp", "method SETUP failed: 499 (Weird\x07 Firmware)\n")])
    assert odd.describe() == "weird firmware (499) on SETUP"  # the camera's phrase, printable only
    assert RtspStatus("SETUP", 461).describe(tcp=None).startswith("unsupported transport (461) on SETUP: try")
