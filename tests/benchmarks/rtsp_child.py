"""Child process: a one-tile wall on an RTSP camera (GStreamer's RTSP server, a recording sent
without re-encoding) whose server is killed and restarted: seconds from the kill to the
tile's flag, and from the restart (server listening again) to pictures.

One JSON result line on stdout: ``{"mode": "rtsp_restart", "flag_s": [...], "return_s": [...]}``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "xcb")

from PySide6.QtWidgets import QApplication

from tests.benchmarks.wall_child import build_wall, emit, wait
from tests.support.gst_rtsp import GstRtspServer

#: Let a recovered tile play this long before the next kill (its session settles).
SETTLE_S = 1.5


def restart_cycles(app, recording: str, repeat: int, tmp: Path) -> dict:
    server = GstRtspServer({}, None, "", "--clip-mount", f"/cam={recording}").start()
    window, services = build_wall([server.url("/cam")], tmp)
    try:
        window.controller.show_view(window.controller.district_view("d1", 0, "1x1"))
        feed = window.controller.feed_at(0)
        flags, returns = [], []
        for _ in range(repeat):
            if wait(app, lambda: feed.state.value == "playing" and feed.flag is None, 60) is None:
                return {"error": "the tile did not play"}
            wait(app, lambda: False, SETTLE_S)
            server.kill()
            flags.append(wait(app, lambda: feed.flag is not None, 30))
            server.start()
            returns.append(wait(app, lambda: feed.state.value == "playing" and feed.flag is None, 60))
        return {"flag_s": flags, "return_s": returns}
    finally:
        window.allow_exit()
        window.close()
        services.probes.shutdown()
        services.engine.release()
        server.kill()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recording", required=True, help="H.264 MPEG-TS file GStreamer sends")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from viewer.memory_tuning import tune_malloc

    tune_malloc()
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIDEOWALL_HOME"] = tmp
        emit(mode="rtsp_restart", **restart_cycles(app, args.recording, args.repeat, Path(tmp)))
    del app


if __name__ == "__main__":
    main()
