"""Camera-like mounts for GStreamer's RTSP server (``gst_rtsp_server.py --camera-clip``).

Runs under Debian's SYSTEM python3 (python3-gi), imported by ``gst_rtsp_server.py``.

A real camera encodes once and sends the same live stream to every client, and a client
that joins gets whatever frame is being sent now: it waits for the next keyframe (up to a
whole GOP) before its first picture. Encoding 32 streams live with x264 on this 2-core
machine would starve the wall under test (and measure the encoder), so each mount sends a
PRE-ENCODED clip instead, looped, paced in real time, without re-encoding:

- the clip is demuxed once into its H.264 access units (AVC, with ``codec_data``, so the
  server answers DESCRIBE at once, as a camera that knows its SPS/PPS does);
- each mount is a shared live media (``appsrc is-live=true``): one pipeline for all its
  clients; a client joining mid-GOP gets delta frames until the next keyframe;
- every mount runs at its own phase of the loop (cameras are not in step), from a clock
  that keeps running while no client watches: a pipeline created for a new client starts
  at the frame that camera is sending "now", mid-GOP.

Threading: everything runs on the GLib main loop (the feeding timers and the server).
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

#: How often a mount's feeder pushes the frames that are due (the clip's frame interval at 25 fps).
FEED_INTERVAL_MS = 20


@dataclass(frozen=True)
class Clip:
    """A clip's access units in decoding order: (payload, is_keyframe); ``caps`` as parsed."""

    caps: Gst.Caps
    frames: list[tuple[bytes, bool]]
    fps: float


def load_clip(path: str) -> Clip:
    """Demux and parse an H.264 MPEG-TS file into AVC access units (no decoding)."""
    pipeline = Gst.parse_launch(
        f'filesrc location="{path}" ! tsdemux ! h264parse ! '
        "video/x-h264,stream-format=avc,alignment=au ! appsink name=sink sync=false")
    sink = pipeline.get_by_name("sink")
    pipeline.set_state(Gst.State.PLAYING)
    frames: list[tuple[bytes, bool]] = []
    caps = None
    while True:
        sample = sink.emit("pull-sample")
        if sample is None:
            break
        caps = caps or sample.get_caps()
        buffer = sample.get_buffer()
        ok, info = buffer.map(Gst.MapFlags.READ)
        if ok:
            frames.append((bytes(info.data), not buffer.has_flags(Gst.BufferFlags.DELTA_UNIT)))
            buffer.unmap(info)
    pipeline.set_state(Gst.State.NULL)
    if caps is None or not frames or not frames[0][1]:
        raise RuntimeError(f"{path}: no H.264 access units (or the first is not a keyframe)")
    structure = caps.get_structure(0)
    ok, num, den = structure.get_fraction("framerate")
    fps = num / den if ok and den and num else 25.0
    return Clip(caps, frames, fps)


class LoopingCamera:
    """One mount: the clip, looped from this camera's own phase, to whoever watches."""

    def __init__(self, clip: Clip, phase_frames: int) -> None:
        self.clip = clip
        self._epoch = time.monotonic() - phase_frames / clip.fps

    def frame_index(self) -> int:
        """The frame (counting from the clip's first, without wrapping) being sent now."""
        return int((time.monotonic() - self._epoch) * self.clip.fps)

    def attach(self, media: GstRtspServer.RTSPMedia) -> None:
        """A pipeline was made for a client: feed its appsrc from the current frame on."""
        element = media.get_element()
        appsrc = element.get_by_name("src")
        appsrc.set_property("caps", self.clip.caps)
        state = {"next": self.frame_index(), "live": True}
        media.connect("unprepared", lambda _media: state.update(live=False))

        def feed() -> bool:
            if not state["live"]:
                return False
            now_index = self.frame_index()
            pipeline_clock = element.get_clock()
            if pipeline_clock is None:
                state["next"] = now_index  # not playing yet: a camera does not wait for its clients
                return True
            running = pipeline_clock.get_time() - element.get_base_time()
            while state["next"] <= now_index:
                payload, keyframe = self.clip.frames[state["next"] % len(self.clip.frames)]
                buffer = Gst.Buffer.new_wrapped(payload)
                late_ns = int((now_index - state["next"]) * Gst.SECOND / self.clip.fps)
                buffer.pts = buffer.dts = max(0, running - late_ns)
                buffer.duration = int(Gst.SECOND / self.clip.fps)
                if not keyframe:
                    buffer.set_flags(Gst.BufferFlags.DELTA_UNIT)
                state["next"] += 1
                if appsrc.emit("push-buffer", buffer) != Gst.FlowReturn.OK:
                    return False
            return True

        state["next"] = self.frame_index()
        GLib.timeout_add(FEED_INTERVAL_MS, feed)


def add_camera_mounts(mounts: GstRtspServer.RTSPMountPoints, count: int, sub_clip: str,
                      main_clip: str = "", seed: int = 20) -> list[str]:
    """Mount ``/camN`` (the sub-stream clip) and, with ``main_clip``, ``/camN/main`` for
    N < ``count``; returns the mount paths. Each camera's main and sub run in step."""
    rng = random.Random(seed)
    clips = {"": load_clip(sub_clip)}
    if main_clip:
        clips["/main"] = load_clip(main_clip)
    paths = []
    for i in range(count):
        phase_s = rng.uniform(0, len(clips[""].frames) / clips[""].fps)
        for suffix, clip in clips.items():
            camera = LoopingCamera(clip, int(phase_s * clip.fps))
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch("( appsrc name=src is-live=true format=time "
                               "! rtph264pay name=pay0 pt=96 config-interval=1 )")
            factory.set_shared(True)
            factory.connect("media-configure", lambda _f, media, camera=camera: camera.attach(media))
            path = f"/cam{i}{suffix}"
            mounts.add_factory(path, factory)
            paths.append(path)
    return paths
