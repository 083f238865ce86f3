"""Monitoring export: ``GET /status.json`` and ``GET /metrics`` (Prometheus text, written by
``prometheus_client`` through the collectors of ``viewer.jobs.metrics``).

Used by the wall's opt-in ``--status-port`` (binds 127.0.0.1 only) and by ``videowall monitor``
(127.0.0.1 by default; another address only when the operator names it).

Threading: one server thread named ``status-http``, started by :meth:`StatusServer.start` and
joined by :meth:`StatusServer.stop`; requests are served one at a time on it (a client gets
``CLIENT_TIMEOUT_S`` seconds). ``snapshot()`` is CALLED ON THAT THREAD: the caller must make it
thread-safe, e.g. return an immutable snapshot object that the main thread replaces atomically
(``viewer.core.sweep_report.status_snapshot`` builds the dict). The wall's snapshot keys are documented in
``viewer.jobs.metrics.WallStatusCollector``; ``metrics()``, when given, is called on that thread too.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, HTTPServer

from viewer import __version__
from viewer.jobs.metrics import CONTENT_TYPE, GzippedExposition, WallStatusCollector, registry_with, render

log = logging.getLogger(__name__)

BIND_HOST = "127.0.0.1"
CLIENT_TIMEOUT_S = 5.0
THREAD_NAME = "status-http"
METRICS_CONTENT_TYPE = CONTENT_TYPE
JSON_CONTENT_TYPE = "application/json; charset=utf-8"

Snapshot = Callable[[], dict]
Exposition = Callable[[], bytes]  # a GzippedExposition goes out compressed to who accepts gzip


class StatusServer:
    """Serves ``snapshot()`` as ``/status.json`` and ``metrics()`` as ``/metrics`` on
    ``host:port`` (``port`` 0: any free port, see ``.port``). Without ``metrics``, ``/metrics``
    is the wall's snapshot through :class:`viewer.jobs.metrics.WallStatusCollector`."""

    def __init__(self, port: int, snapshot: Snapshot, host: str = BIND_HOST, metrics: Exposition | None = None) -> None:
        self._requested_port = port
        self._host = host
        self._snapshot = snapshot
        self._metrics = metrics or _wall_metrics(snapshot)
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
            server = HTTPServer((self._host, self._requested_port), _Handler)
            server.snapshot = self._snapshot  # type: ignore[attr-defined]
            server.metrics = self._metrics  # type: ignore[attr-defined]
            self._server = server
            self._thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.2}, name=THREAD_NAME, daemon=False
            )
            self._thread.start()
        log.info("status server on http://%s:%d/ (status.json, metrics)", self._host, self.port)

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
            if path == "/status.json":
                snapshot = self.server.snapshot()  # type: ignore[attr-defined]
                body = json.dumps(snapshot, ensure_ascii=False, indent=1).encode("utf-8")
                self._send(200, JSON_CONTENT_TYPE, body)
            else:
                self._send(200, METRICS_CONTENT_TYPE, self.server.metrics())  # type: ignore[attr-defined]
        except Exception:
            log.exception("status server: cannot answer %s", path)
            self._send(500, "text/plain; charset=utf-8", b"internal error (see the videowall log)\n")

    def _not_found(self) -> None:
        self._send(404, "text/plain; charset=utf-8", b"not found\n")

    do_HEAD = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _not_found

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        gzipped = isinstance(body, GzippedExposition)
        if gzipped and "gzip" not in (self.headers.get("Accept-Encoding") or ""):
            body, gzipped = body.text(), False
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        if gzipped:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("status server: %s - %s", self.address_string(), format % args)


def _wall_metrics(snapshot: Snapshot) -> Exposition:
    registry = registry_with(WallStatusCollector(snapshot))
    return lambda: render(registry)


def render_metrics(snapshot: dict) -> str:
    """The wall's snapshot in the Prometheus text format (see ``WallStatusCollector``)."""
    return _wall_metrics(lambda: snapshot)().decode("utf-8")
