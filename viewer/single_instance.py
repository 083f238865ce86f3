"""One wall per user: a second start hands its arguments to the first and exits.

The first instance listens on a local socket (a named pipe on Windows) whose name is
derived from the user and the config folder, so a portable install or the demo (which
has its own folder) is an instance of its own. A crashed instance leaves a stale socket
behind on Unix; it is removed when nobody answers on it. Main thread only.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from viewer import paths

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_MS = 500
WRITE_TIMEOUT_MS = 1000


def instance_key() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    digest = hashlib.sha1(str(paths.config_dir()).encode("utf-8")).hexdigest()[:10]
    return f"videowall-{user}-{digest}"


class SingleInstance(QObject):
    #: Another start asked us to come forward; carries its command-line arguments.
    activated = Signal(list)

    def __init__(self, key: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.key = key or instance_key()
        self._server: QLocalServer | None = None

    def claim(self, argv: list[str]) -> bool:
        """True: we are the first instance (and now listen). False: another one runs and
        has been handed ``argv``."""
        probe = QLocalSocket()
        probe.connectToServer(self.key)
        if probe.waitForConnected(CONNECT_TIMEOUT_MS):
            probe.write(json.dumps({"argv": argv}).encode("utf-8") + b"\n")
            probe.waitForBytesWritten(WRITE_TIMEOUT_MS)
            probe.disconnectFromServer()
            log.info("videowall already runs for this user: asked it to come forward")
            return False
        QLocalServer.removeServer(self.key)  # stale socket of a crashed instance
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            log.warning("single-instance socket %s: %s", self.key, server.errorString())
            return True  # better two walls than none
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        server = self._server
        while server is not None and server.hasPendingConnections():
            socket = server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            try:
                message = json.loads(bytes(socket.readLine()).decode("utf-8"))
                argv = [str(a) for a in message.get("argv", [])]
            except (ValueError, AttributeError):
                continue
            log.info("a second start asked the wall to come forward")
            self.activated.emit(argv)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
