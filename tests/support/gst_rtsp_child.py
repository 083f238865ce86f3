"""Child process (Debian's SYSTEM python3, not the venv): GStreamer's RTSP server with N
camera-like mounts — a server that is not ours.

    /usr/bin/python3 tests/support/gst_rtsp_child.py --count 16 --gop-s 4 [--fps 25]
        [--width 640 --height 360] [--bitrate-kbps 768]

Each mount ``/camN`` is a live test pattern encoded by x264 (``key-int-max`` = GOP in
frames, zero latency, SPS/PPS with every keyframe), shared between clients like a camera.
Prints one JSON line ``{"urls": [...]}`` when listening, then serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--gop-s", type=int, default=4)
    parser.add_argument("--fps", type=int, default=25)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--bitrate-kbps", type=int, default=768)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service("0")  # any free port
    mounts = server.get_mount_points()
    launch = (
        f"( videotestsrc is-live=true pattern=smpte ! video/x-raw,width={args.width},height={args.height},"
        f"framerate={args.fps}/1 ! x264enc tune=zerolatency speed-preset=veryfast bitrate={args.bitrate_kbps} "
        f"key-int-max={args.gop_s * args.fps} ! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    for i in range(args.count):
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(launch)
        factory.set_shared(True)
        mounts.add_factory(f"/cam{i}", factory)
    server.attach(None)
    port = server.get_bound_port()
    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print(json.dumps({"urls": [f"rtsp://{args.host}:{port}/cam{i}" for i in range(args.count)],
                      "launch": launch}), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
