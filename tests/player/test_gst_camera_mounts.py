"""GStreamer's RTSP server's camera-like mounts (``--cameras``, used by the RTSP tour
benchmark) behave like a camera, as seen by FFmpeg's RTSP client (PyAV): a live stream paced
in real time (not a file read as fast as possible), a keyframe every GOP exactly, one stream
shared by its clients (they see the same keyframes at the same moment), clients joining
mid-GOP, and a main stream of its own size beside the sub-stream."""

from __future__ import annotations

import itertools
import threading
import time

from tests.support.clips import make_clip

FPS, GOP_FRAMES = 25, 50  # a keyframe every 2 s
READ_S = 5.0


def _read(url: str, out: dict) -> None:
    """Packets of the first video stream for READ_S: (arrival time, keyframe), and its width."""
    import av

    out["began"] = time.monotonic()
    with av.open(url, options={"rtsp_transport": "tcp", "timeout": "5000000"}) as container:
        stream = container.streams.video[0]
        out["width"] = stream.codec_context.width
        packets = out["packets"] = []
        started = time.monotonic()
        for packet in container.demux(stream):
            if packet.size:
                packets.append((time.monotonic(), bool(packet.is_keyframe)))
            if time.monotonic() - started > READ_S:
                break


def test_camera_mounts_are_live_shared_and_joined_mid_gop(gst_rtsp, tmp_path) -> None:
    # 8 s at 25 fps from a 25 fps source: 4 whole GOPs, so the loop keeps the keyframe rhythm
    sub = make_clip(tmp_path, "sub", seconds=8, gop_frames=GOP_FRAMES, fps=FPS, source="testsrc2=size=320x180:rate=25")
    main = make_clip(tmp_path, "main", seconds=8, gop_frames=GOP_FRAMES, fps=FPS,
                     source="testsrc2=size=640x360:rate=25")
    server = gst_rtsp({}, None, "", "--cameras", "1", "--camera-clip", str(sub), "--camera-main-clip", str(main))
    first, second, main_out = {}, {}, {}
    readers = [threading.Thread(target=_read, args=(server.url("/cam0"), first)),
               threading.Thread(target=_read, args=(server.url("/cam0/main"), main_out))]
    for reader in readers:
        reader.start()
    time.sleep(0.7)  # the second client joins later: a different moment of the same live stream
    late = threading.Thread(target=_read, args=(server.url("/cam0"), second))
    late.start()
    for reader in [*readers, late]:
        reader.join(timeout=30)
    assert (first["width"], main_out["width"]) == (320, 640)

    for out in (first, second, main_out):
        packets = out["packets"]
        keys = [i for i, (_, key) in enumerate(packets) if key]
        assert len(keys) >= 2 and all(b - a == GOP_FRAMES for a, b in itertools.pairwise(keys)), keys
        # paced live since the client connected (a file sent as fast as possible would be
        # hundreds of frames a second); FFmpeg's probing at open holds the first ones back
        rate = len(packets) / (packets[-1][0] - out["began"])
        assert 0.6 * FPS <= rate <= 1.1 * FPS, rate
    # one shared live stream: the late client gets the same keyframes at the same moments
    key_times = [[t for t, key in out["packets"] if key] for out in (first, second)]
    assert any(abs(a - b) < 0.3 for a in key_times[0] for b in key_times[1]), key_times
    # clients join mid-GOP: the two joins 0.7 s apart cannot both fall on a keyframe
    assert not (first["packets"][0][1] and second["packets"][0][1])
