"""Feed-health and timing thresholds, in one place, with their units in their names.

Measured basis (docs/FACTS): refused/404 fail within 50 ms; a killed server ends the stream
after 1-2 s; HTTP 401 and a silent server leave libVLC in Opening forever; a frozen server
keeps libVLC Playing while ``displayed_pictures`` stops rising. The counter rises in
bursts, so a stall is "no increase for STALL_TIMEOUT_S", never "fewer than fps". Polling
once a second and flagging on *any* second without a new picture gave 0 false positives in
960 windows of 16 healthy tiles; the thresholds below leave several polls of margin.
"""

from __future__ import annotations

# --- opening ---------------------------------------------------------------------------
#: No picture and no byte read this long after OPEN: the camera is dead (401, silent server).
OPEN_TIMEOUT_S = 8.0
#: Bytes are arriving but no picture yet (slow link, long keyframe interval): flag after this
#: long, but keep the player as long as bytes keep arriving.
OPEN_PROGRESS_TIMEOUT_S = 20.0

# --- stalls ----------------------------------------------------------------------------
#: Playing, but ``displayed_pictures`` has not increased for this long: flag "stalled".
#: Low-fps cameras override it per camera (catalog ``stall_timeout_s``).
STALL_TIMEOUT_S = 3.0
#: ... unless bytes are still arriving (a slow link rebuffering): then only after this long.
STALL_PROGRESS_TIMEOUT_S = 10.0
#: Still no picture this long after the stall flag: stop the player and retry.
STALL_REOPEN_S = 5.0

# --- retries ---------------------------------------------------------------------------
#: Full-jitter exponential backoff: delay = uniform(0, min(cap, base * 2**attempts)).
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 60.0
#: No retry sooner than this after a failure, so a refusing server is not hammered.
BACKOFF_FLOOR_S = 0.5
#: A feed that has shown pictures for this long without a stall resets its attempt count.
STABLE_PLAY_RESET_S = 10.0

# --- probes ----------------------------------------------------------------------------
#: While waiting to retry a camera the probe found down, probe it this often ...
RETURN_PROBE_INTERVAL_S = 1.5
#: ... jittered by this fraction either way (0.3 = ±30 %), so feeds do not probe in step.
RETURN_PROBE_JITTER_FRACTION = 0.3
#: A requested probe that has not reported back after this long is forgotten (a lost
#: result must not block further probes of the feed).
PROBE_RESULT_TIMEOUT_S = 20.0

# --- polling (what the app should drive the machine with) ------------------------------
#: How often the app calls ``FeedHealth.tick``.
HEALTH_TICK_INTERVAL_S = 0.5
#: How often the app polls libVLC media stats and calls ``FeedHealth.on_stats``.
STATS_POLL_INTERVAL_S = 1.0

# --- picture checks (frozen image, blank picture) ---------------------------------------
#: How often each playing tile takes a thumbnail for the picture checks (staggered).
PICTURE_CHECK_INTERVAL_S = 10.0
#: The picture has not changed beyond noise for this long: flag "frozen_image". A static
#: scene (a parking lot at night) needs a longer time per camera, or ``math.inf``.
FROZEN_IMAGE_AFTER_S = 120.0
#: The picture has been nearly uniform (black, grey, one colour) this long: "blank_picture".
BLANK_PICTURE_AFTER_S = 60.0
#: A picture counts as changed when some cell of the 16x9 fingerprint grid moved its mean
#: luminance by more than this (levels, 0-255). Sensor/compression noise: ~1-2 levels.
PICTURE_CHANGE_THRESHOLD_LEVELS = 6.0
#: A picture is blank when its cell means vary (standard deviation) by at most this many
#: levels in every colour channel ...
BLANK_STDDEV_MAX_LEVELS = 5.0
#: ... ignoring the cells farthest from the typical one, this fraction of them, so that a
#: burned-in clock or camera name on a black picture still counts as blank.
BLANK_IGNORED_CELLS_FRACTION = 0.1

# --- headless monitor ------------------------------------------------------------------
#: ``videowall monitor`` looks at the catalog file's mtime and size this often.
MONITOR_CATALOG_POLL_S = 2.0
#: ``videowall_monitor_probes_per_second`` averages over this window.
MONITOR_RATE_WINDOW_S = 60.0
#: A pre-rendered ``/metrics`` is served while younger than this; older, the scrape renders.
METRICS_MAX_STALE_S = 120.0
#: ... and it is only pre-rendered (between scrapes) when rendering took longer than this.
METRICS_PRERENDER_ABOVE_S = 0.25
#: ... or when the monitor watches more cameras than this (~0.1 s to render here).
METRICS_PRERENDER_ABOVE_CAMERAS = 5_000

# --- the outage journal (viewer.core.outage_rules) --------------------------------------
#: A camera counts as recovered only once healthy evidence (new pictures on a tile, or
#: answering probes) has lasted this long without a real failure in between; the outage
#: then ends at the FIRST healthy observation. Longer than a stale HLS playlist replays on
#: a reopen (5 x 2 s segments plus the stall timeout), so one fault is one outage.
RECOVERY_CONFIRM_S = 30.0
#: A tile that shows pictures counts as "the wall sees this camera playing" for this long
#: after its last report (a probe failing meanwhile is a contradiction, not an outage).
PICTURES_CURRENT_S = 5.0
#: How often a watching tile renews its coverage interval in the journal ...
COVERAGE_HEARTBEAT_S = 30.0
#: ... and after how long without a renewal the interval counts as ended (its writer died).
TILE_COVERAGE_GAP_S = 3 * COVERAGE_HEARTBEAT_S
#: How often the app feeds the wall's tiles to the outage rules.
JOURNAL_POLL_INTERVAL_S = 1.0
#: An HLS media playlist whose media sequence has not advanced for this many target
#: durations is a stalled camera (the encoder stopped; the server keeps the old playlist).
HLS_STALL_TARGET_DURATIONS = 2.0
