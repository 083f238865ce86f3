"""The monitoring export: a real server on 127.0.0.1, port 0, queried with urllib; the
Prometheus text is read back with prometheus_client's own parser."""

from __future__ import annotations

import json
import socket
import threading
import urllib.error
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from viewer.jobs.status_server import StatusServer, render_metrics

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


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, keyed by (name, sorted labels)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_in_prometheus_text_format(server):
    status, content_type, body = get(server, "/metrics?x=1")
    assert status == 200 and content_type == "text/plain; version=0.0.4; charset=utf-8"
    found = samples(body)
    weird = 'we"ird\\dist\nrict'
    assert found[("videowall_cameras_online", (("district", "north"),))] == 12
    assert found[("videowall_cameras_total", (("district", "north"),))] == 14
    assert found[("videowall_cameras_offline", (("district", "north"), ("reason", "auth")))] == 1
    assert found[("videowall_cameras_offline", (("district", "north"), ("reason", "refused")))] == 1
    assert found[("videowall_cameras_online", (("district", weird),))] == 0  # escaped and read back
    assert found[("videowall_flagged_tiles", ())] == 3
    assert found[("videowall_last_sweep_timestamp_seconds", ())] == 1764300000.25
    assert 'district="we\\"ird\\\\dist\\nrict"' in body  # quote, backslash, newline escaped
    lines = body.splitlines()
    for name in ("videowall_cameras_online", "videowall_cameras_offline", "videowall_flagged_tiles",
                 "videowall_last_sweep_timestamp_seconds"):  # fmt: skip
        assert f"# TYPE {name} gauge" in lines
        assert any(line.startswith(f"# HELP {name} ") for line in lines)
    assert body.endswith("\n")


def test_everything_else_is_404(server):
    for path in ("/", "/status", "/metrics/extra", "/../etc/passwd"):
        assert get(server, path)[0] == 404
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/status.json", data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=5)
    caught.value.close()  # the error carries the open response: close it, not the GC
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


def test_empty_snapshot():
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
