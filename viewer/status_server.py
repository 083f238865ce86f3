"""Opt-in monitoring export (``--status-port``): ``GET /status.json`` and ``GET /metrics``.

Standard library only. Binds 127.0.0.1 ONLY (a reverse proxy or a local agent may re-export it).
Threading: one server thread named ``status-http``, started by :meth:`StatusServer.start` and
joined by :meth:`StatusServer.stop`; requests are served one at a time on it (a client gets
``CLIENT_TIMEOUT_S`` seconds). ``snapshot()`` is CALLED ON THAT THREAD: the caller must make it
thread-safe, e.g. return an immutable snapshot object that the main thread replaces atomically
(``viewer.core.sweep.status_snapshot`` builds the dict). The snapshot's keys are documented in
:func:`render_metrics`.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer

from viewer import __version__

log = logging.getLogger(__name__)

BIND_HOST = "127.0.0.1"
CLIENT_TIMEOUT_S = 5.0
THREAD_NAME = "status-http"
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

Snapshot = Callable[[], dict]


class StatusServer:
    """Serves ``snapshot()`` on ``127.0.0.1:port`` (``port`` 0: any free port, see ``.port``)."""

    def __init__(self, port: int, snapshot: Snapshot) -> None:
        self._requested_port = port
        self._snapshot = snapshot
        self._server: HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def port(self) -> int:
        """The port actually listened on (the requested one before :meth:`start`)."""
        server = self._server
        return server.server_address[1] if server is not None else self._requested_port

    def start(self) -> None:
        """Bind and serve on the server thread. Raises OSError when the port is taken. Idempotent."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("a stopped StatusServer cannot be restarted")
            if self._server is not None:
                return
            server = HTTPServer((BIND_HOST, self._requested_port), _Handler)
            server.snapshot = self._snapshot  # type: ignore[attr-defined]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.2}, name=THREAD_NAME, daemon=False
            )
            self._thread.start()
        log.info("status server on http://%s:%d/ (status.json, metrics)", BIND_HOST, self.port)

    def stop(self) -> None:
        """Stop serving, close the socket and join the thread. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        server.shutdown()  # waits for serve_forever to return
        thread.join()
        server.server_close()
        log.info("status server stopped")


class _Handler(BaseHTTPRequestHandler):
    server_version = f"videowall/{__version__}"
    timeout = CLIENT_TIMEOUT_S

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path not in ("/status.json", "/metrics"):
            self._send(404, "text/plain; charset=utf-8", b"not found: try /status.json or /metrics\n")
            return
        try:
            snapshot = self.server.snapshot()  # type: ignore[attr-defined]
            if path == "/status.json":
                body = json.dumps(snapshot, ensure_ascii=False, indent=1).encode("utf-8")
                self._send(200, JSON_CONTENT_TYPE, body)
            else:
                self._send(200, METRICS_CONTENT_TYPE, render_metrics(snapshot).encode("utf-8"))
        except Exception:
            log.exception("status server: cannot answer %s", path)
            self._send(500, "text/plain; charset=utf-8", b"internal error (see the videowall log)\n")

    def _not_found(self) -> None:
        self._send(404, "text/plain; charset=utf-8", b"not found\n")

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_found

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("status server: %s - %s", self.address_string(), format % args)


_METRICS = (
    ("videowall_cameras_online", "Enabled cameras that answered their last probe properly, per district."),
    ("videowall_cameras_total", "Enabled cameras in the catalog, per district."),
    ("videowall_cameras_offline", "Enabled cameras whose last probe failed, per district and reason."),
    ("videowall_flagged_tiles", "Wall tiles flagged as not showing pictures right now."),
    ("videowall_last_sweep_timestamp_seconds", "Unix time since which every enabled camera has been probed."),
)


def render_metrics(snapshot: dict) -> str:
    """Prometheus text format 0.0.4 from a snapshot with ``districts`` (``id``, ``online``,
    ``total``, ``reasons``: {reason: count}), ``flagged_tiles`` and ``last_sweep_timestamp_s``
    (epoch seconds or None: then that sample is left out)."""
    samples: dict[str, list[str]] = {name: [] for name, _ in _METRICS}
    for district in snapshot.get("districts", ()):
        label = f'district="{escape_label(str(district["id"]))}"'
        samples["videowall_cameras_online"].append(f"{{{label}}} {int(district['online'])}")
        samples["videowall_cameras_total"].append(f"{{{label}}} {int(district['total'])}")
        for reason, count in sorted(district.get("reasons", {}).items()):
            reason_label = f'reason="{escape_label(str(reason))}"'
            samples["videowall_cameras_offline"].append(f"{{{label},{reason_label}}} {int(count)}")
    samples["videowall_flagged_tiles"].append(f" {int(snapshot.get('flagged_tiles', 0))}")
    last = snapshot.get("last_sweep_timestamp_s")
    if last is not None:
        samples["videowall_last_sweep_timestamp_seconds"].append(f" {float(last):.3f}")
    lines = []
    for name, help_text in _METRICS:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        lines += [name + sample for sample in samples[name]]
    return "\n".join(lines) + "\n"


def escape_label(value: str) -> str:
    """A label value as the text format wants it: backslash, double quote and newline escaped."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
