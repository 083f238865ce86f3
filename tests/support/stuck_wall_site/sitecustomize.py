"""Loaded by Python at start-up (``sitecustomize``) in the wall child of the end-to-end
restart test (tests/ui/test_supervised_restart.py), which puts this folder first on the
child's PYTHONPATH. Nothing in the product reads it: it exists only in the test tree.

Only in a supervised wall (the supervisor sets the heartbeat variable for its child), it
makes libVLC's ``play`` of a camera whose path contains ``/stuck-`` never return, as the
real ``input_Close`` hang did, and shortens the wall's deadlines so that the real path
(GuardedEngine deadline -> quarantine -> PlayerWatch -> exit 75 -> supervisor) runs in
seconds instead of a minute.
"""

import os
import threading

if os.environ.get("VIDEOWALL_HEARTBEAT_FILE"):
    from viewer.core import constants

    constants.PLAYER_CALL_DEADLINE_S = 1.0  # guarded.py imports it by name: patch before it loads
    constants.RESTART_QUIET_S = 2.0  # player_watch.py likewise

    from viewer.player import vlc_backend
    from viewer.ui import player_watch

    player_watch.PLAYER_WATCH_INTERVAL_S = 0.5
    _real_play = vlc_backend.VlcFeedPlayer.play
    _never = threading.Event()

    def _play(self, url, *args, **kwargs):
        if "/stuck-" in url:
            _never.wait()  # never set: the call hangs like libVLC's stuck stop did
        return _real_play(self, url, *args, **kwargs)

    vlc_backend.VlcFeedPlayer.play = _play
