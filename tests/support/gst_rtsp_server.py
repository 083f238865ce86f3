"""GStreamer's RTSP server (a real third-party implementation) for the RTSP tests.

Run with Debian's SYSTEM python3 (it needs python3-gi and gir1.2-gst-rtsp-server-1.0, which
a venv does not see)::

    /usr/bin/python3 tests/support/gst_rtsp_server.py --port 0 \
        --mount /red=0xFFFF0000 --mount /green=0xFF00FF00 --auth-mount /secret=0xFF0000FF \
        --user viewer:s3cret

Each ``--mount PATH=ARGB`` serves a live solid-colour H.264 stream (640x360@25, keyframe
every 2 s), shared between clients (``set_shared``: one pipeline per mount); instead of a
colour, a ``videotestsrc`` pattern name (``smpte``: colour bars, ``snow``: noise, which makes
x264 spend its whole bitrate). ``--h265`` uses x265 instead. Known truth for the stream
figures: ``--bitrate KBPS`` sets the encoder's target (x264enc/x265enc ``bitrate=``, kbit/s;
default: the encoder's own), ``--fps N`` the frame rate (default 25; the keyframe interval
stays 2 s). ``--auth-mount`` mounts need the ``--user`` credentials (Basic, or Digest
with ``--digest``); clients without (or with wrong) credentials get 401.

stdout speaks JSON lines, one per event, flushed at once:
``{"ready": PORT}`` once the server listens, then ``{"event": "session"}`` for
every RTSP session created (a SETUP), ``{"event": "setup", "transport": "RTP/AVP/TCP;..."}``
for every SETUP request, ``{"event": "teardown"}``, ``{"event": "request",
"method": "OPTIONS"|"GET_PARAMETER"}``, ``{"event": "client"}`` for every TCP connection.
``--clip-mount PATH=FILE`` sends an H.264 MPEG-TS recording once, without re-encoding it
(the benchmarks send the same video over RTSP and HTTP; make the file long enough).
``--audio-mount PATH`` serves an audio-only stream (no video track).
``--session-timeout S`` announces a session timeout of S seconds (keep-alive tests).
``--x264-bitrate-kbps N --framerate F`` (known truth for the quality samples): the ``--mount``
streams are x264 CBR at N kbit/s on a noise picture at F fps, a keyframe every 2 s.
``--cameras N --camera-clip FILE [--camera-main-clip FILE]`` mounts N camera-like live streams
``/camN`` (and their main streams ``/camN/main``): pre-encoded clips looped in real time,
shared between clients, joined mid-GOP (:mod:`gst_camera_mounts`); ``{"ready": PORT,
"cameras": [paths]}``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402
from gst_camera_mounts import add_camera_mounts  # noqa: E402  (this folder; run as a script)

WIDTH, HEIGHT, FPS = 640, 360, 25
KEYFRAME_INTERVAL_FRAMES = 50


def emit(**message) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def launch_line(argb: str, h265: bool, fps: int = FPS, bitrate_kbps: int = 0, cbr: bool = False) -> str:
    """``argb``: a solid colour (0xAARRGGBB) or a videotestsrc pattern name (smpte, snow …).
    ``cbr``: known-truth streams — x264 constant bitrate ``bitrate_kbps`` on a noise picture
    (which needs every bit it is given)."""
    if cbr:
        argb = "snow"
    pattern = f"pattern=solid-color foreground-color={argb}" if argb.startswith("0x") else f"pattern={argb}"
    source = f"videotestsrc is-live=true {pattern} ! video/x-raw,width={WIDTH},height={HEIGHT},framerate={fps}/1"
    keyframes = KEYFRAME_INTERVAL_FRAMES * fps // FPS  # 2 s at any frame rate
    bitrate = f" bitrate={bitrate_kbps}" if bitrate_kbps else ""
    if cbr and not h265:
        bitrate += " pass=cbr"
    if h265:
        encode = (f"x265enc tune=zerolatency speed-preset=ultrafast key-int-max={keyframes}{bitrate} "
                  "! rtph265pay name=pay0 pt=96 config-interval=1")
    else:
        encode = (f"x264enc tune=zerolatency speed-preset=ultrafast key-int-max={keyframes}{bitrate} "
                  "! rtph264pay name=pay0 pt=96 config-interval=1")
    return f"( {source} ! {encode} )"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed)")
    parser.add_argument("--mount", action="append", default=[], help="PATH=ARGB, open to anyone")
    parser.add_argument("--auth-mount", action="append", default=[], help="PATH=ARGB, needs --user")
    parser.add_argument("--audio-mount", action="append", default=[], help="PATH: audio only (A-law tone)")
    parser.add_argument("--clip-mount", action="append", default=[],
                        help="PATH=FILE: an H.264 MPEG-TS recording, sent as it is (no encoder), once")
    parser.add_argument("--user", default="", help="USER:PASSWORD for the --auth-mount mounts")
    parser.add_argument("--digest", action="store_true", help="ask for Digest instead of Basic")
    parser.add_argument("--h265", action="store_true")
    parser.add_argument("--fps", "--framerate", dest="fps", type=int, default=FPS,
                        help="frames per second of the --mount streams")
    parser.add_argument("--bitrate", type=int, default=0, help="encoder target in kbit/s (0: the encoder's default)")
    parser.add_argument("--tcp-only", action="store_true", help="refuse UDP transports (461)")
    parser.add_argument("--tls", nargs=2, metavar=("CERT_PEM", "KEY_PEM"),
                        help="serve RTSP over TLS (rtsps://) with this certificate and key")
    parser.add_argument("--session-timeout", type=int, default=0, help="seconds; 0: GStreamer's default (60)")
    parser.add_argument("--x264-bitrate-kbps", type=int, default=0,
                        help="known-truth streams: x264 CBR at this bitrate on a noise picture (quality samples)")
    parser.add_argument("--cameras", type=int, default=0, help="camera-like mounts /camN (with --camera-clip)")
    parser.add_argument("--camera-clip", default="", help="H.264 MPEG-TS sub-stream clip the cameras loop")
    parser.add_argument("--camera-main-clip", default="", help="... and their main streams /camN/main")
    args = parser.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    mounts = server.get_mount_points()

    def role(name: str, construct: bool) -> Gst.Structure:
        return Gst.Structure.new_from_string(
            f"{name}, media.factory.access=(boolean)true, media.factory.construct=(boolean){str(construct).lower()}")

    def factory(argb: str, protected: bool) -> GstRtspServer.RTSPMediaFactory:
        media_factory = GstRtspServer.RTSPMediaFactory()
        media_factory.set_launch(launch_line(argb, args.h265, args.fps, args.x264_bitrate_kbps or args.bitrate,
                                             cbr=bool(args.x264_bitrate_kbps)))
        media_factory.set_shared(True)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_role_from_structure(role("user", construct=True))
        # Anonymous clients of a protected mount may see that it exists (401, so clients
        # send credentials) but not construct it: without access GStreamer answers 404 and
        # clients that authenticate only when challenged (FFmpeg, VLC) never send theirs.
        permissions.add_role_from_structure(role("anonymous", construct=not protected))
        media_factory.set_permissions(permissions)
        if args.tcp_only:
            media_factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
        return media_factory

    for spec in args.mount:
        path, _, argb = spec.partition("=")
        mounts.add_factory(path, factory(argb, protected=False))
    for spec in args.clip_mount:
        path, _, clip = spec.partition("=")
        recorded = factory("0", protected=False)
        recorded.set_launch(f"( filesrc location={clip} ! tsdemux ! h264parse "
                            "! rtph264pay name=pay0 pt=96 config-interval=1 )")
        mounts.add_factory(path, recorded)
    cameras = add_camera_mounts(mounts, args.cameras, args.camera_clip, args.camera_main_clip) \
        if args.cameras else []
    for path in args.audio_mount:
        audio = factory("0", protected=False)
        audio.set_launch("( audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 ! alawenc "
                         "! rtppcmapay name=pay0 pt=8 )")
        # Not shared: a client that PLAYs without any SETUP (FFmpeg asking for video only)
        # makes GStreamer tear the shared media down, and a DESCRIBE right after gets 503.
        audio.set_shared(False)
        mounts.add_factory(path, audio)
    if args.auth_mount or args.tls:
        auth = GstRtspServer.RTSPAuth()
        if args.tls:  # the server then speaks TLS on every connection (rtsps://)
            auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(*args.tls))
        # anonymous clients may use the open mounts (those factories carry no permissions)
        anonymous = GstRtspServer.RTSPToken()
        anonymous.set_string("media.factory.role", "anonymous")
        auth.set_default_token(anonymous)
        server.set_auth(auth)
    if args.auth_mount:
        user, _, password = args.user.partition(":")
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
        auth.add_digest(user, password, token)
        # PyGObject cannot combine the two enum values: one method per server
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST if args.digest else GstRtsp.RTSPAuthMethod.BASIC)
        for spec in args.auth_mount:
            path, _, argb = spec.partition("=")
            mounts.add_factory(path, factory(argb, protected=True))

    def on_session(_client, session) -> None:
        if args.session_timeout:
            session.set_timeout(args.session_timeout)
        emit(event="session")

    def on_setup(_client, context) -> None:
        transport = context.request.get_header(GstRtsp.RTSPHeaderField.TRANSPORT, 0)
        emit(event="setup", transport=transport[1] if isinstance(transport, tuple) else str(transport))

    def on_client(_server, client) -> None:
        emit(event="client")
        client.connect("new-session", on_session)
        client.connect("teardown-request", lambda _c, _ctx: emit(event="teardown"))
        client.connect("setup-request", on_setup)
        client.connect("options-request", lambda _c, _ctx: emit(event="request", method="OPTIONS"))
        client.connect("get-parameter-request", lambda _c, _ctx: emit(event="request", method="GET_PARAMETER"))

    server.connect("client-connected", on_client)
    loop = GLib.MainLoop()
    if server.attach(None) == 0:
        emit(error="could not listen")
        return 1
    # expire sessions whose keep-alives stopped (GStreamer only does this with a pool watch)
    server.get_session_pool().create_watch().attach(None)
    for signum in (signal.SIGTERM, signal.SIGINT):
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signum, loop.quit)
    emit(ready=server.get_bound_port(), **({"cameras": cameras} if cameras else {}))
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
