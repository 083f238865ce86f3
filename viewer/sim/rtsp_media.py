"""What an RTSP camera of the simulator offers: its SDP and its RTP track, per clip.

``RtspMedia.from_clip`` packetizes a clip once; every camera and session that shows the clip
shares the result (read-only). An audio-only camera offers one A-law track of silence.
Pure data; built on a caller's thread, read on the simulator's loop thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from viewer.sim.h264_clip import CLOCK_HZ, H264Clip
from viewer.sim.rtp import PCMA_CLOCK_HZ, PCMA_PAYLOAD_TYPE, VIDEO_PAYLOAD_TYPE, RtpTrack, audio_track, video_track

log = logging.getLogger(__name__)

VIDEO_TRACK_ID = 1
AUDIO_TRACK_ID = 2
_SDP_HEAD = (
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=videowall simulated camera\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\n"
    "a=control:*\r\na=range:npt=0-\r\n"
)
AUDIO_SDP = (
    _SDP_HEAD + f"m=audio 0 RTP/AVP {PCMA_PAYLOAD_TYPE}\r\na=rtpmap:{PCMA_PAYLOAD_TYPE} PCMA/{PCMA_CLOCK_HZ}\r\n"
    f"a=control:trackID={AUDIO_TRACK_ID}\r\n"
)
AUDIO_TRACK = audio_track()


@dataclass(frozen=True)
class RtspMedia:
    """A clip as an RTSP camera serves it: the video SDP and the packetized track."""

    path: Path
    sdp: str
    video: RtpTrack
    frame_rate: float

    @classmethod
    def from_clip(cls, path: str | Path) -> RtspMedia:
        clip = H264Clip.load(path)
        pt = VIDEO_PAYLOAD_TYPE
        sdp = (
            _SDP_HEAD + f"m=video 0 RTP/AVP {pt}\r\na=rtpmap:{pt} H264/{CLOCK_HZ}\r\n"
            f"a=fmtp:{pt} packetization-mode=1;profile-level-id={clip.profile_level_id};"
            f"sprop-parameter-sets={clip.sprop_parameter_sets}\r\n"
            f"a=framerate:{clip.frame_rate:g}\r\na=control:trackID={VIDEO_TRACK_ID}\r\n"
        )
        return cls(clip.path, sdp, video_track(clip), clip.frame_rate)

    def offer(self, audio_only: bool) -> tuple[str, int, RtpTrack]:
        """The SDP, the track id it announces and that track."""
        if audio_only:
            return AUDIO_SDP, AUDIO_TRACK_ID, AUDIO_TRACK
        return self.sdp, VIDEO_TRACK_ID, self.video
