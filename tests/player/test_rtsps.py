"""rtsps:// (RTSP over TLS) through the relay against GStreamer's RTSP server with a
self-signed certificate made by ``openssl`` for the test: FFmpeg's TLS (GnuTLS in PyAV's
wheel) plays it. Product behaviour: without the ``rtsps_ca_file`` setting the camera's
certificate is not verified (most cameras' are self-signed) and the relay says so in the
log; with it, a camera whose certificate is listed (and names the URL's host) plays and one
with another certificate is flagged ``protocol`` with the TLS layer's words."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

import pytest

from tests.player.test_rtsp_relay import WAIT_S, Verdict, first_video, read_bytes, relay  # noqa: F401
from tests.support.tools import require_tool
from viewer.core.reasons import Reason
from viewer.player.rtsp_relay import SessionKey

RED = "0xFFFF0000"
FIRST_BYTES = 16 * 1024  # PAT, PMT and the first (key)frame of a solid colour


def self_signed(folder: Path, name: str, host_ip: str = "127.0.0.1") -> tuple[Path, Path]:
    """A camera-like self-signed certificate (and its key) that names ``host_ip``."""
    openssl = require_tool("openssl")
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", f"/CN={name}", "-addext", f"subjectAltName=IP:{host_ip}"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    return self_signed(folder, "camera"), self_signed(folder, "another-camera")[0]


@pytest.fixture
def tls_server(gst_rtsp, certificates):
    (cert, key), other = certificates
    server = gst_rtsp({"/red": RED}, None, "", "--tls", str(cert), str(key))
    return server, cert, other


def rtsps(server, path: str) -> str:
    return server.url(path).replace("rtsp://", "rtsps://", 1)


def test_rtsps_plays_and_an_unverified_certificate_is_said_in_the_log(tls_server, relay, caplog):  # noqa: F811
    server, _, _ = tls_server
    verdict = Verdict()
    with caplog.at_level(logging.WARNING, logger="viewer.player.rtsp_relay"):
        output = relay().open_output(SessionKey(rtsps(server, "/red")), verdict)
        assert first_video(read_bytes(output, FIRST_BYTES)) == ("h264", True)
    assert not verdict.done.is_set()
    assert "TLS certificate NOT verified" in caplog.text


def test_a_listed_certificate_plays_and_another_one_is_refused(tls_server, relay):  # noqa: F811
    server, cert, other = tls_server
    trusted, refused = Verdict(), Verdict()
    output = relay(tls_ca_file=str(cert)).open_output(SessionKey(rtsps(server, "/red")), trusted)
    assert first_video(read_bytes(output, FIRST_BYTES)) == ("h264", True)
    assert not trusted.done.is_set()
    relay(tls_ca_file=str(other)).open_output(SessionKey(rtsps(server, "/red")), refused)
    assert refused.done.wait(WAIT_S)
    assert refused.reason is Reason.PROTOCOL
    assert refused.detail.startswith("TLS: ") and "verification" in refused.detail, refused.detail


def test_plain_rtsp_to_a_tls_camera_is_a_protocol_failure(tls_server, relay):  # noqa: F811
    server, _, _ = tls_server
    verdict = Verdict()
    relay(read_timeout_s=3.0).open_output(SessionKey(server.url("/red")), verdict)
    assert verdict.done.wait(WAIT_S)
    assert verdict.reason in (Reason.PROTOCOL, Reason.TIMEOUT), (verdict.reason, verdict.detail)
