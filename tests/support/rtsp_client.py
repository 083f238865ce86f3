"""FFmpeg's RTSP client (through PyAV) against test servers: open, read, and time what arrives.

``open_rtsp`` uses the options the wall's relay uses (TCP interleaved, a 2 s socket timeout).
``Reader`` demuxes one stream on a thread of its own and records each packet's arrival time,
so a test can ask for the rate in a wall-clock window. Threads are joined by ``close``.
"""

from __future__ import annotations

import threading
import time

import av

SOCKET_TIMEOUT_US = 2_000_000


def open_rtsp(url: str) -> av.container.InputContainer:
    return av.open(url, options={"rtsp_transport": "tcp", "timeout": str(SOCKET_TIMEOUT_US)})


class Reader:
    """Demux ``url`` on a thread until ``close``: arrival times of video (or any) packets, the
    exception that ended the read (``None`` for EOF) and whether it ended."""

    def __init__(self, url: str, video_only: bool = True) -> None:
        self.url = url
        self.video_only = video_only
        self.arrivals: list[float] = []
        self.error: BaseException | None = None
        self.ended = threading.Event()
        self.opened = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="test-rtsp-reader", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            with open_rtsp(self.url) as container:
                self.opened.set()
                streams = container.streams.video if self.video_only else container.streams
                for packet in container.demux(*streams):
                    if packet.size:
                        self.arrivals.append(time.monotonic())
                    if self._stop.is_set():
                        return
        except BaseException as exc:  # recorded for the test to assert on
            self.error = exc
        finally:
            self.ended.set()

    def rate(self, start: float, end: float) -> float:
        """Packets per second that arrived between the monotonic times ``start`` and ``end``."""
        return sum(start <= t < end for t in self.arrivals) / (end - start)

    def close(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout_s)
        assert not self._thread.is_alive(), f"reader of {self.url} did not stop"
