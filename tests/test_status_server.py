"""The monitoring export: a real server on 127.0.0.1, port 0, queried with urllib."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request

import pytest

from viewer.status_server import StatusServer, escape_label, render_metrics

SNAPSHOT = {
    "generated_at": "2025-11-28T10:21:01+07:00",
    "last_sweep_timestamp_s": 1764300000.25,
    "districts": [
        {"id": "north", "name": "North", "online": 12, "total": 14, "reasons": {"refused": 1, "auth": 1}},
        {"id": 'we"ird\\dist\nrict', "name": "Odd", "online": 0, "total": 1, "reasons": {"timeout": 1}},
    ],
    "cameras_offline": [
        {"id": "n7", "name": "Johar", "district": "north", "reason": "refused", "since": "2025-11-28T10:20:00+07:00"}
    ],
    "flagged_tiles": 3,
}


@pytest.fixture
def server():
    calls: list[str] = []

    def snapshot() -> dict:
        calls.append(threading.current_thread().name)
        return SNAPSHOT

    status = StatusServer(0, snapshot)
    status.start()
    status.calls = calls
    yield status
    status.stop()


def get(server: StatusServer, path: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{path}", timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read().decode("utf-8")


def test_status_json_is_the_snapshot(server):
    status, content_type, body = get(server, "/status.json")
    assert status == 200 and content_type.startswith("application/json")
    assert json.loads(body) == SNAPSHOT
    assert server.calls == ["status-http"]  # called on the server's own thread


def test_metrics_in_prometheus_text_format(server):
    status, content_type, body = get(server, "/metrics?x=1")
    assert status == 200 and content_type == "text/plain; version=0.0.4; charset=utf-8"
    lines = body.splitlines()
    assert 'videowall_cameras_online{district="north"} 12' in lines
    assert 'videowall_cameras_offline{district="north",reason="auth"} 1' in lines
    assert 'videowall_cameras_offline{district="north",reason="refused"} 1' in lines
    assert 'videowall_cameras_online{district="we\\"ird\\\\dist\\nrict"} 0' in lines
    assert "videowall_flagged_tiles 3" in lines
    assert "videowall_last_sweep_timestamp_seconds 1764300000.250" in lines
    for name in ("videowall_cameras_online", "videowall_cameras_offline", "videowall_flagged_tiles",
                 "videowall_last_sweep_timestamp_seconds"):  # fmt: skip
        assert f"# TYPE {name} gauge" in lines
        assert any(line.startswith(f"# HELP {name} ") for line in lines)
        # HELP/TYPE come before the samples of their metric
        first_sample = next(i for i, line in enumerate(lines) if line.split("{")[0].split(" ")[0] == name)
        assert lines.index(f"# TYPE {name} gauge") < first_sample
    assert body.endswith("\n")


def test_everything_else_is_404(server):
    for path in ("/", "/status", "/metrics/extra", "/../etc/passwd"):
        assert get(server, path)[0] == 404
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/status.json", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    assert caught.value.code == 404


def test_binds_loopback_only(server):
    assert server.port > 0
    host_ip = _non_loopback_address()
    if host_ip is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with pytest.raises(OSError), socket.create_connection((host_ip, server.port), timeout=2):
        pass


def test_a_failing_snapshot_answers_500_and_keeps_serving(caplog):
    answers = iter([RuntimeError("boom"), {"districts": [], "flagged_tiles": 0}])

    def snapshot() -> dict:
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    server = StatusServer(0, snapshot)
    server.start()
    try:
        assert get(server, "/metrics")[0] == 500
        status, _, body = get(server, "/metrics")
        assert status == 200 and "videowall_flagged_tiles 0" in body
        samples = [line for line in body.splitlines() if not line.startswith("#")]
        assert not any(line.startswith("videowall_last_sweep_timestamp_seconds") for line in samples)  # unknown
    finally:
        server.stop()
    assert "cannot answer /metrics" in caplog.text


def test_stop_joins_and_frees_the_port():
    server = StatusServer(0, lambda: SNAPSHOT)
    server.stop()  # before start: nothing to do
    server = StatusServer(0, lambda: SNAPSHOT)
    server.start()
    port = server.port
    server.stop()
    server.stop()  # idempotent
    assert not any(t.name == "status-http" for t in threading.enumerate())
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    with pytest.raises(RuntimeError):
        server.start()


def test_escape_label_and_empty_snapshot():
    assert escape_label('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    text = render_metrics({})
    assert "videowall_flagged_tiles 0" in text and "# TYPE videowall_cameras_online gauge" in text


def _non_loopback_address() -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for UDP connect
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
