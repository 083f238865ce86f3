"""Feed-health and timing thresholds, in one place, with their units in their names.

Measured basis (docs/facts.md): refused/404 fail within 50 ms; a killed server ends the stream
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
#: Pictures that resume on a STALLED feed (flat for STALL_TIMEOUT_S or more) are not taken
#: back: they are the backlog of a connection that survived a cut shorter than TCP's retry
#: time, and would play that far behind live from then on. The feed is reopened instead
#: (live again after at most one keyframe interval); see FeedHealth._reopen_behind_live.

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
#: After the stream's own session said the camera is gone (refused, unreachable, timeout,
#: ended: a restart or reboot), probe this often instead for the first
#: QUICK_RETURN_WINDOW_S of the outage: a camera or recorder that comes back shows
#: pictures within ~2-3 s, not a whole interval later. A probe of a host that refuses is
#: one TCP handshake; a storm still probes once per recorder.
QUICK_RETURN_PROBE_INTERVAL_S = 0.5
QUICK_RETURN_WINDOW_S = 60.0
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

# --- player calls off the main thread (viewer/player/guarded.py) -----------------------
#: A libVLC call (stop, release, set_media/play, snapshot) that has not returned after this
#: long is stuck: its player is quarantined and the tile gets a fresh one. A healthy stop
#: takes 17-28 ms (16 at once: 24-121 ms in all), an RTSP stop ~60 ms (docs/facts.md).
PLAYER_CALL_DEADLINE_S = 5.0
#: How often the player watchdog looks at the calls in flight.
PLAYER_WATCHDOG_INTERVAL_S = 0.25
#: This many quarantined (stuck) players in one process: ask the supervisor for a restart.
STUCK_PLAYERS_RESTART_LIMIT = 3
#: ... at a quiet moment: no keyboard or mouse input for this long.
RESTART_QUIET_S = 30.0
#: SIGTERM/SIGINT: the process is gone this long after the signal, however stuck it is.
SHUTDOWN_GRACE_S = 4.0
# --- tour pre-roll (viewer/core/preroll_lead.py) -----------------------------------------
#: A camera's time to first picture (open decided -> first picture) assumed until it has
#: history: cautious, for a keyframe every 4 s plus connection set-up.
PREROLL_DEFAULT_FIRST_PICTURE_S = 5.0
#: Added to the slowest camera's estimate when choosing how early to pre-roll a page.
PREROLL_MARGIN_S = 0.75
#: Never pre-roll later than this before a switch (16 starts are staggered over ~1.6 s).
PREROLL_MIN_LEAD_S = 2.0
#: The lead never exceeds this fraction of the dwell: the page on screen keeps its own
#: players alone for at least the rest.
PREROLL_MAX_DWELL_FRACTION = 0.9
#: Below this many opens the estimate is never under the default (one quick open may have
#: joined the stream just before a keyframe; the next may wait a whole GOP).
PREROLL_MIN_OPENS = 5
#: How many recent opens per camera the estimate looks at.
PREROLL_HISTORY_OPENS = 20
#: The estimate is this quantile of those opens (nearest rank).
PREROLL_QUANTILE = 0.9
# --- capacity evaluation (viewer/core/capacity.py) ---------------------------------------
#: A camera stream delivering less than this fraction of its nominal frame rate over the
#: period is listed as "low frame rate" in the capacity section (0.5: half the pictures).
CAPACITY_LOW_FPS_RATIO = 0.5
#: A sub-stream "looks like a main stream" when its bitrate is at least this fraction of the
#: same camera's main-stream bitrate (both measured) ...
SUB_LIKE_MAIN_BITRATE_RATIO = 0.8
#: ... or when its pictures are at least this many lines high (1080p: a main-stream size).
SUB_LIKE_MAIN_HEIGHT_PX = 1080
#: "Upgrade first" score weights (points): per percentage point of frame-rate shortfall (the
#: median camera stream), per second of p95 first-packet time, per percentage point of watched
#: time degraded, per percentage point of sub-stream cameras sending main-stream bitrates.
SCORE_POINTS_PER_FPS_PCT = 1.0
SCORE_POINTS_PER_LATENCY_S = 10.0
SCORE_POINTS_PER_DEGRADED_PCT = 1.0
SCORE_POINTS_PER_SUB_LIKE_MAIN_PCT = 1.0

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
#: At exit the wall's journal thread gets this long to write what is queued and close
#: (within SHUTDOWN_GRACE_S; viewer/jobs/journal_worker.py).
JOURNAL_CLOSE_TIMEOUT_S = 2.0
#: A journal write that waited longer than this in the queue is logged (the disk is slow).
JOURNAL_SLOW_WRITE_S = 1.0
#: An HLS media playlist whose media sequence has not advanced for this many target
#: durations is a stalled camera (the encoder stopped; the server keeps the old playlist).
HLS_STALL_TARGET_DURATIONS = 2.0
# --- RTSP relay (viewer/player/rtsp_relay.py) --------------------------------------------
#: FFmpeg's socket timeout for an RTSP session: no answer during the handshake ("timeout"),
#: or no data on an established session ("stalled"), for this long ends it. Also how long
#: a stopped session may take to notice the stop while its server is silent.
RELAY_READ_TIMEOUT_S = 5.0
#: ``RtspRelay.release`` waits this long for its session threads before giving up on them.
RELAY_JOIN_TIMEOUT_S = 10.0
#: Where libVLC reads through a Python callback (Windows): a subscriber whose libVLC input
#: does not read (paused, hung) may fall this far behind; beyond it, its buffer is dropped
#: and it restarts at the next keyframe.
RELAY_OUTPUT_BUFFER_MAX_BYTES = 8 * 1024 * 1024
#: Send buffer asked for a relay output's socket to libVLC (Linux; viewer/player/
#: relay_socket.py). The kernel caps it at net.core.wmem_max (Debian's default gives
#: ~416 KiB: a main stream's keyframe at once); a reader behind by more restarts at a keyframe.
RELAY_SOCKET_BUFFER_BYTES = 4 * 1024 * 1024
#: Packets kept since the last keyframe, replayed to a subscriber that joins a running
#: session (a second tile of the same camera shows a picture at once) ...
RELAY_GOP_CACHE_MAX_PACKETS = 600
#: libVLC's media-callback input buffers a fixed 300 ms (DEFAULT_PTS_DELAY of libVLC 3's
#: imem access); the relay adds the rest of ``network_caching_ms`` as MPEG-TS mux delay.
RELAY_LIBVLC_FIXED_CACHING_MS = 300
#: This many packets in a row that the MPEG-TS muxer refuses (broken timestamps) end the
#: subscriber with "protocol"; fewer are dropped one by one.
RELAY_MAX_MUX_ERRORS = 50
#: Paging a district pre-rolls the next, then the previous page while their tiles number at
#: most this many hidden players (setting ``neighbour_preroll_tiles``): a 2x2 page pre-rolls
#: both neighbours (8), a 3x3 page the next one (9), 4x4 and larger none. Cost measured on
#: 2 cores in docs/benchmarks.md ("Operators' moments").
NEIGHBOUR_PREROLL_TILES = 9

# --- stream figures (viewer/core/stream_meter.py, viewer/core/degraded.py) -----------------
#: Delivered frame rate and bitrate on screen are measured over the last this many seconds
#: (libVLC's counters rise in bursts; five one-second polls smooth them).
FIGURES_WINDOW_S = 5.0
#: A playing stream's counters go to the per-minute journal aggregate this often (source
#: "wall"); the aggregate itself is written once its minute is over.
FIGURES_SAMPLE_INTERVAL_S = 10.0
#: A stream delivering under this share of its nominal frame rate ... (setting
#: ``degraded_fps_percent``, 0 = off) ...
DEGRADED_FPS_RATIO = 0.5
#: ... for this long (seconds, measured over FIGURES_WINDOW_S) is flagged "degraded".
DEGRADED_AFTER_S = 10.0
#: Hysteresis: the flag clears once the stream delivers at least DEGRADED_FPS_RATIO plus
#: this share of its nominal rate (0.5 + 0.1 = 60 %) ...
DEGRADED_CLEAR_MARGIN_RATIO = 0.1
#: ... for this long (seconds).
DEGRADED_CLEAR_AFTER_S = 10.0
# --- off-screen quality samples (viewer/jobs/sampler.py) ---------------------------------
#: How long a quality sample counts a stream, from its first video packet (seconds).
SAMPLE_SECONDS = 5.0
#: Samples in flight at once (each one a thread reading one stream): 16 × 5.3 s per sample
#: covers 4,470 cameras in ~25 min, ~10 Mbit/s of typical sub-streams (docs/benchmarks.md).
SAMPLE_CONCURRENCY = 16
#: The shared bandwidth cap of ``videowall sweep --sample`` (Mbit/s, 10**6 bit/s).
SAMPLE_BUDGET_MBPS = 20.0
#: A camera stream is sampled again at most this often by the monitor and the wall.
SAMPLE_EVERY_S = 3600.0
#: Bitrate assumed for a stream never sampled before, to reserve its budget (kbit/s):
#: a generous sub-stream; a main stream above it is caught by the reading backstop.
SAMPLE_DEFAULT_KBPS = 2048.0
#: Stream minutes (journal table ``stream_minutes``) older than this are pruned (days).
STREAM_MINUTES_RETENTION_DAYS = 90.0
