"""A fleet of fake cameras on one host: RTSP and HTTP servers with scripted misbehaviour.

``CameraSimulator`` owns an asyncio loop in ONE background thread (non-daemon, joined by
``stop``), so it works the same from a Qt app, from pytest and from a CLI. All cameras of a
scheme share one listening port and are routed by path, except cameras that must really refuse
TCP connections (REFUSED, FLAPPING, or ``own_port=True``), which get a port of their own below
the ephemeral range. Public methods are thread-safe; they block until the loop has applied the
change (at most ``CALL_TIMEOUT_S``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

from viewer import paths
from viewer.sim import ports
from viewer.sim.http_server import handle_http
from viewer.sim.model import Behaviour, CameraState, Endpoint, SimCamera, SimContext
from viewer.sim.mpegts import TsClip
from viewer.sim.rtsp_media import RtspMedia
from viewer.sim.rtsp_server import RtspServerProtocol
from viewer.sim.ts_stream import loop_period_s, null_clip

__all__ = ["Behaviour", "CameraSimulator", "SimCamera"]

log = logging.getLogger(__name__)

CALL_TIMEOUT_S = 10.0
DEFAULT_RTSP_CLIP = ("clips", "street.ts")  # under resources/: what an RTSP camera without a clip shows
SHUTDOWN_GRACE_S = 1.0
T = TypeVar("T")


class CameraSimulator:
    """Fake cameras on ``host`` (127.0.0.1 by default). Use as a context manager or call
    ``start``/``stop``. Cameras may be added before or after ``start``."""

    def __init__(self, host: str = "127.0.0.1", ports_by_scheme: dict[str, int] | None = None) -> None:
        """``ports_by_scheme`` fixes the shared port of a scheme (e.g. ``{"http": 8081}``), so a
        restarted simulator process comes back where its cameras were; default: ephemeral."""
        self.host = host
        self._fixed_ports = dict(ports_by_scheme or {})
        self._ctx = SimContext()
        self._shared: dict[str, Endpoint] = {}
        self._states: dict[str, CameraState] = {}  # by URL
        self._clips: dict[Path, tuple[TsClip, float]] = {}
        self._media: dict[Path, RtspMedia] = {}
        self._lock = threading.Lock()  # guards _shared/_states/_clips for callers' threads
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped = False

    # lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the loop thread and serve every camera added so far. Idempotent."""
        with self._lock:
            if self._stopped:
                raise RuntimeError("a stopped CameraSimulator cannot be restarted")
            if self._thread is not None:
                return
            ports.raise_fd_limit()
            loop = asyncio.new_event_loop()
            ready = threading.Event()
            self._thread = threading.Thread(
                target=self._run, args=(loop, ready), name="sim-cameras", daemon=False
            )
            self._thread.start()
            ready.wait()
            self._loop = loop
        self._call(self._start_serving)
        log.info("camera simulator serving %d cameras on %s", len(self._states), self.host)

    def stop(self) -> None:
        """Close every socket and connection, stop the loop and join its thread. Idempotent."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            try:
                self._call(self._shutdown, ignore_stopped=True)
            finally:
                loop.call_soon_threadsafe(loop.stop)
                thread.join()
                loop.close()
        for endpoint in self._endpoints():
            if endpoint.sock is not None:
                endpoint.sock.close()
                endpoint.sock = None
            if endpoint.own:
                ports.release_port(endpoint.port)
        log.info("camera simulator stopped")

    def __enter__(self) -> CameraSimulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        loop.call_soon(ready.set)
        loop.run_forever()
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))

    # cameras -----------------------------------------------------------------------------
    def add_rtsp(self, cam: SimCamera) -> str:
        """Serve ``cam`` over RTSP (RTP over TCP from its H.264 clip, or the default clip);
        returns its ``rtsp://host:port/path`` URL (no credentials)."""
        return self._add("rtsp", cam, self._load_media(cam.clip))

    def add_http(self, cam: SimCamera) -> str:
        """Serve ``cam`` over HTTP (live MPEG-TS, or HLS for ``.m3u8`` paths); returns its URL."""
        clip, period_s = self._load_clip(cam.clip)
        return self._add("http", cam, clip, period_s)

    def set_behaviour(self, url_or_path: str, behaviour: Behaviour) -> None:
        """Change a camera's behaviour for new requests and, where it applies, live connections:
        FROZEN/TRICKLE/HEALTHY change a live stream's pace; REFUSED closes live connections and
        refuses new ones (resets them on a shared port); FLAPPING starts its cycle now."""
        state = self._find(url_or_path)
        behaviour = Behaviour(behaviour)
        if self._loop is None:
            state.cam.behaviour = behaviour  # applied when the simulator starts
            return

        async def apply() -> None:
            state.cam.behaviour = behaviour
            await self._reconcile(state)

        self._call(apply)

    def set_deliver_ratio(self, url_or_path: str, ratio: float) -> None:
        """Throttle an RTSP camera to send ``ratio`` of its pictures (live sessions too, from
        their next picture); 1 lifts the throttle. See ``SimCamera.deliver_ratio``."""
        if not 0 < ratio <= 1:
            raise ValueError(f"deliver_ratio must be in (0, 1], got {ratio!r}")
        state = self._find(url_or_path)
        if self._loop is None:
            state.cam.deliver_ratio = ratio
            return

        async def apply() -> None:
            state.cam.deliver_ratio = ratio

        self._call(apply)

    def connections(self, url_or_path: str) -> int:
        """How many clients are connected to the camera right now (for tests)."""
        return len(self._find(url_or_path).connections)

    def requests(self, url_or_path: str) -> tuple[int, int]:
        """HTTP requests the camera received so far: ``(all, refused with a 401)``."""
        state = self._find(url_or_path)
        return state.requests, state.refused_requests

    def sessions(self, url_or_path: str) -> int:
        """How many RTSP sessions (SETUP done, not torn down) the camera has right now."""
        return len(self._find(url_or_path).sessions)

    def bytes_sent(self) -> int:
        """Bytes the simulator's RTSP connections have handed to the kernel so far (all
        cameras; what waits in a write buffer is not counted until it leaves). Server-side
        byte counting, e.g. to check a client's bandwidth cap."""

        async def count() -> int:
            return self._ctx.bytes_sent()

        return self._call(count)

    def cameras(self) -> list[tuple[str, SimCamera]]:
        """Every camera's URL and its current description."""
        with self._lock:
            return [(url, state.cam) for url, state in self._states.items()]

    # internals: callers' threads ----------------------------------------------------------
    def _add(self, scheme: str, cam: SimCamera, clip: TsClip | RtspMedia, period_s: float = 0.0) -> str:
        path = cam.path if cam.path.startswith("/") else "/" + cam.path
        cam = dataclasses.replace(cam, path=path, behaviour=Behaviour(cam.behaviour))
        with self._lock:
            if self._stopped:
                raise RuntimeError("the simulator is stopped")
            own = cam.own_port or cam.behaviour in (Behaviour.REFUSED, Behaviour.FLAPPING)
            if own:
                endpoint = Endpoint(scheme, ports.quiet_port(self.host), own=True)
            else:
                endpoint = self._shared.get(scheme)
                if endpoint is None:
                    sock = ports.listen_socket(self.host, self._fixed_ports.get(scheme, 0))
                    endpoint = Endpoint(scheme, sock.getsockname()[1], own=False, sock=sock)
                    self._shared[scheme] = endpoint
                if path in endpoint.cameras:
                    raise ValueError(f"{scheme} path {path!r} is already simulated")
            host = f"[{self.host}]" if ":" in self.host else self.host
            url = f"{scheme}://{host}:{endpoint.port}{path}"
            state = CameraState(cam, endpoint, url, clip, period_s)
            self._states[url] = state
        if self._loop is None:
            endpoint.cameras[path] = state
        else:

            async def register() -> None:
                endpoint.cameras[path] = state
                state.epoch_s = asyncio.get_running_loop().time()
                await self._reconcile(state)

            self._call(register)
        return url

    def _load_clip(self, path: Path | str | None) -> tuple[TsClip, float]:
        """The clip (read once per file) and its loop period in seconds."""
        if path is None:
            clip = null_clip()
            return clip, clip.duration_s
        key = Path(path).resolve()
        with self._lock:
            found = self._clips.get(key)
        if found is None:
            clip = TsClip.load(key)
            found = (clip, loop_period_s(clip))
            with self._lock:
                self._clips[key] = found
        return found

    def _load_media(self, path: Path | str | None) -> RtspMedia:
        """The clip packetized for RTSP (once per file)."""
        key = Path(path or paths.resource(*DEFAULT_RTSP_CLIP)).resolve()
        with self._lock:
            found = self._media.get(key)
        if found is None:
            found = RtspMedia.from_clip(key)
            with self._lock:
                self._media[key] = found
        return found

    def _find(self, url_or_path: str) -> CameraState:
        with self._lock:
            state = self._states.get(url_or_path)
            if state is not None:
                return state
            matches = [s for s in self._states.values() if s.cam.path == url_or_path]
        if len(matches) != 1:
            what = "no camera" if not matches else "several cameras"
            raise KeyError(f"{what} at {url_or_path!r}; pass the full URL")
        return matches[0]

    def _endpoints(self) -> list[Endpoint]:
        with self._lock:
            return list({id(s.endpoint): s.endpoint for s in self._states.values()}.values())

    def _call(
        self, fn: Callable[[], Coroutine[Any, Any, T]], ignore_stopped: bool = False
    ) -> T:
        loop = self._loop
        if loop is None:
            raise RuntimeError("the simulator is not running")
        if self._stopped and not ignore_stopped:
            raise RuntimeError("the simulator is stopped")
        if self._thread is threading.current_thread():
            raise RuntimeError("CameraSimulator methods must not be called from its own loop thread")
        future = asyncio.run_coroutine_threadsafe(fn(), loop)
        try:
            return future.result(CALL_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    # internals: loop thread --------------------------------------------------------------
    async def _start_serving(self) -> None:
        now = asyncio.get_running_loop().time()
        for endpoint in self._endpoints():
            if endpoint.sock is not None:
                await self._serve(endpoint)
        with self._lock:
            states = list(self._states.values())
        for state in states:
            state.epoch_s = now
            await self._reconcile(state)

    async def _serve(self, endpoint: Endpoint) -> None:
        """Start serving ``endpoint.sock`` (binding the port first when it has none).

        The server object is created without suspending (``start_serving=False`` with a
        ready socket) and stored before the first await, so a cancelled caller (a flapper
        stopped mid-way) can never leave a listening socket nobody will close."""
        if endpoint.server is not None:
            return
        sock = endpoint.sock or ports.listen_socket(self.host, endpoint.port)
        endpoint.sock = None
        ctx = self._ctx
        if endpoint.scheme == "rtsp":
            loop = asyncio.get_running_loop()
            server = await loop.create_server(
                lambda: RtspServerProtocol(endpoint, ctx), sock=sock, backlog=ports.LISTEN_BACKLOG,
                start_serving=False,
            )
        else:

            async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                # Python 3.11's stream server logs a cancelled handler as an error: end quietly.
                with contextlib.suppress(asyncio.CancelledError):
                    await handle_http(reader, writer, endpoint, ctx)

            server = await asyncio.start_server(handler, sock=sock, backlog=ports.LISTEN_BACKLOG, start_serving=False)
        endpoint.server = server
        await server.start_serving()

    @staticmethod
    def _unserve(endpoint: Endpoint) -> None:
        """Stop listening (new connections are refused) and drop live ones."""
        if endpoint.server is not None:
            endpoint.server.close()
            endpoint.server = None
        if endpoint.sock is not None:
            endpoint.sock.close()
            endpoint.sock = None
        for state in endpoint.cameras.values():
            state.abort_connections()

    async def _reconcile(self, state: CameraState) -> None:
        """Make ports, flapping and live connections match ``state.behaviour``."""
        behaviour = state.behaviour
        if state.flapper is not None and behaviour is not Behaviour.FLAPPING:
            state.flapper.cancel()
            state.flapper = None
        if behaviour is Behaviour.REFUSED:
            state.abort_connections()
        if not state.endpoint.own:
            if state.endpoint.sock is not None:  # a shared port opened after start
                await self._serve(state.endpoint)
            return
        if behaviour is Behaviour.FLAPPING:
            if state.flapper is None:
                state.flapper = asyncio.create_task(self._flap(state))
        elif behaviour is Behaviour.REFUSED:
            self._unserve(state.endpoint)
        else:
            await self._serve(state.endpoint)

    async def _flap(self, state: CameraState) -> None:
        """Healthy for ``period_s``, refused for ``period_s``, until the behaviour changes."""
        while True:
            await self._serve(state.endpoint)
            await asyncio.sleep(state.cam.period_s)
            self._unserve(state.endpoint)
            await asyncio.sleep(state.cam.period_s)

    async def _shutdown(self) -> None:
        # Flappers first: one waking during the grace period below would listen again on a
        # port just closed, and its server would outlive the loop (a leaked socket).
        with self._lock:
            states = list(self._states.values())
        flappers = [s.flapper for s in states if s.flapper is not None]
        for state in states:
            state.flapper = None
        for task in flappers:
            task.cancel()
        await asyncio.gather(*flappers, return_exceptions=True)
        for endpoint in self._endpoints():
            self._unserve(endpoint)
        for conn in list(self._ctx.connections):
            conn.abort()
        current = asyncio.current_task()
        tasks = [t for t in asyncio.all_tasks() if t is not current]
        if tasks:  # connection handlers end by themselves once their sockets are gone
            _, pending = await asyncio.wait(tasks, timeout=SHUTDOWN_GRACE_S)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
