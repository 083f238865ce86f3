"""lighttpd as an HTTP camera we did not write: its own Digest (or Basic) login
(``mod_auth`` + ``mod_authn_file``) in front of the camera simulator's anonymous streams
(``mod_proxy``, streamed through) and in front of static files (an MJPEG stream). Its access
log counts every request it received, refused ones included.

One lighttpd process per fixture, in its own process group, on a free port, killed at the
end. Debian: ``apt install lighttpd`` (listed in .ci/setup).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.ports import free_port
from tests.support.tools import require_tool

REALM = "lighttpd-camera"
START_TIMEOUT_S = 10.0


def _conf(port: int, root: Path, users: Path, log: Path, method: str, backend_port: int) -> str:
    return f"""
server.modules = ("mod_auth", "mod_authn_file", "mod_proxy", "mod_accesslog")
server.bind = "127.0.0.1"
server.port = {port}
server.document-root = "{root}"
server.errorlog = "{log.parent / 'error.log'}"
server.stream-response-body = 2
accesslog.filename = "{log}"
mimetype.assign = (".mjpg" => "multipart/x-mixed-replace; boundary=ffmpeg", ".ts" => "video/mp2t")
auth.backend = "{'htdigest' if method == 'digest' else 'plain'}"
auth.backend.htdigest.userfile = "{users}"
auth.backend.plain.userfile = "{users}"
auth.require = ("/" => ("method" => "{method}", "realm" => "{REALM}", "require" => "valid-user"))
$HTTP["url"] =~ "^/live/" {{
  proxy.server = ("" => (("host" => "127.0.0.1", "port" => {backend_port})))
}}
"""


class Lighttpd:
    """A running lighttpd. ``url(path)`` without credentials; ``requests(path)`` counts the
    access log's lines for ``path`` as ``(all, refused with 401)``."""

    def __init__(self, folder: Path, user: str, password: str, method: str, backend_port: int) -> None:
        self.folder = folder
        self.root = folder / "www"
        self.root.mkdir(parents=True, exist_ok=True)
        users = folder / "users"
        if method == "digest":
            ha1 = hashlib.md5(f"{user}:{REALM}:{password}".encode()).hexdigest()
            users.write_text(f"{user}:{REALM}:{ha1}\n")
        else:
            users.write_text(f"{user}:{password}\n")
        self.log = folder / "access.log"
        self.port = free_port()
        conf = folder / "lighttpd.conf"
        conf.write_text(_conf(self.port, self.root, users, self.log, method, backend_port))
        binary = require_tool("lighttpd")
        self.process = subprocess.Popen([binary, "-D", "-f", str(conf)], start_new_session=True,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"lighttpd exited: {self.process.stderr.read().decode(errors='replace')}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("lighttpd did not listen in time")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self, path: str) -> tuple[int, int]:
        """Requests for ``path`` logged so far. lighttpd logs a request when it is done, so a
        stream still being served is not counted yet (refused logins are, at once)."""
        lines = [line for line in self.log.read_text().splitlines() if f" {path} HTTP/" in line] \
            if self.log.exists() else []
        return len(lines), sum(1 for line in lines if '" 401 ' in line)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(5)


@pytest.fixture
def lighttpd(tmp_path, simulator):
    """``make(user, password, method="digest")`` -> a :class:`Lighttpd` proxying ``/live/...``
    to the camera simulator's HTTP port."""
    servers: list[Lighttpd] = []

    def make(user: str, password: str, method: str = "digest", backend_port: int = 0) -> Lighttpd:
        server = Lighttpd(tmp_path / f"lighttpd-{len(servers)}", user, password, method, backend_port)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def mjpeg_file(tmp_path_factory) -> Path:
    """A 3 s MJPEG stream as cameras send it (``multipart/x-mixed-replace``), for lighttpd."""
    if shutil.which("ffmpeg") is None:
        if os.environ.get("CI") == "true":  # .ci/setup installs it: missing there is a failure
            pytest.fail("ffmpeg is needed (installed by .ci/setup)")
        pytest.skip("ffmpeg is needed to make the MJPEG stream")
    path = tmp_path_factory.mktemp("mjpeg") / "cam.mjpg"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10",
                    "-t", "3", "-c:v", "mjpeg", "-f", "mpjpeg", str(path)], check=True)  # fmt: skip
    return path
