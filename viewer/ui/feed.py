"""One tile's feed: a reused player, its health machine, and the actions between them.

:class:`Feed` is the only thing that drives a player. It turns player events (arriving on
the main thread through :class:`viewer.ui.bridge.EventBridge`), polled stats and probe
results into :class:`viewer.core.health.FeedHealth` observations, and carries out the
machine's decisions (open, stop, probe, flag). Main thread only.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from viewer.core.catalog_model import Camera
from viewer.core.degraded import DegradedRule
from viewer.core.health import FeedHealth
from viewer.core.health_model import (
    Action,
    ActionKind,
    FeedState,
    Flag,
    HealthConfig,
    PlayerEventKind,
    is_playlist_url,
)
from viewer.core.picture import PictureCheckConfig, PictureWatch
from viewer.core.secrets import mask_url
from viewer.core.stream_figures import SOURCE_WALL, STREAM_MAIN, STREAM_SUB, StreamSample
from viewer.core.stream_meter import StreamCounters, StreamFigures, StreamFormat, StreamMeter
from viewer.player.base import FeedPlayer
from viewer.ui.bridge import EventBridge
from viewer.ui.picture_checker import PictureChecker
from viewer.ui.probe_runner import ProbeRunner
from viewer.ui.recorders import RecorderCoordinator

log = logging.getLogger(__name__)


def picture_config(camera: Camera) -> PictureCheckConfig:
    """Per-camera thresholds: ``frozen_after_s``/``blank_after_s`` in the catalog override the
    defaults (a parking lot at night changes little: give it a longer frozen time, or switch
    the checks off with ``picture_checks: false``)."""
    if not camera.picture_checks:
        return PictureCheckConfig(frozen_after_s=math.inf, blank_after_s=math.inf)
    overrides = {k: v for k, v in (("frozen_after_s", camera.frozen_after_s), ("blank_after_s", camera.blank_after_s))
                 if v is not None}
    return PictureCheckConfig(**overrides)


class Feed(QObject):
    """Signals (all on the main thread):

    - ``changed()``: state, flag or camera changed — repaint the caption.
    - ``started_playing(Feed)``: pictures are shown (first time or again).
    - ``first_picture(Feed, float)``: the feed's first picture came that many seconds (feed
      clock) after it decided to open the camera — including any wait for a free open slot
      of the camera's recorder, then the player's connection and the wait for a keyframe.
      The tour's pre-roll learns from it how early a page must start. Once per open, hidden
      tiles too.
    - ``flag_raised(Feed, Flag)`` / ``flag_updated(Feed, Flag)`` / ``flag_cleared(Feed, Flag)``:
      an outage started (or, for a camera known to be down, is shown again), its reason was
      refined, or it ended because pictures came back.
    - ``flag_detached(Feed, Flag)``: the feed stopped showing a camera that was still down.
      The outage goes on (nobody saw it end); the journal keeps it open.
    - ``player_stuck(Feed, camera_id, detail)``: a player call never returned; the player
      was quarantined and replaced (``viewer.player.guarded``). Journalled by the app.
    - ``stream_sample(StreamSample)``: what the stream delivered since the previous sample
      (:meth:`flush_sample`; also when the feed leaves its camera), for the per-minute journal.

    ``take_snapshot`` answers through its ``done`` callback, on the main thread too: the
    snapshot runs on the player's worker and its result is handed over by a queued signal.
    """

    changed = Signal()
    started_playing = Signal(object)  # Feed: pictures (again); the journal closes stale outages
    first_picture = Signal(object, float)  # Feed, seconds from the open request to its first picture
    flag_raised = Signal(object, object)
    flag_updated = Signal(object, object)
    flag_cleared = Signal(object, object)
    flag_detached = Signal(object, object)
    player_stuck = Signal(object, str, str)  # Feed, camera id ("" if none), detail
    _snapshot_result = Signal(object, bool)  # (path, done), ok: from the player's worker, queued
    stream_sample = Signal(object)  # StreamSample: counters since the last one (flush_sample)

    def __init__(
        self,
        player: FeedPlayer,
        probes: ProbeRunner,
        health_config: HealthConfig,
        rng,
        clock: Callable[[], float],
        known_flag: Callable[[str], Flag | None],
        recorders: RecorderCoordinator,
        visible: Callable[[], bool],
        pictures: PictureChecker,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.player = player
        self._probes = probes
        self._base_config = health_config
        self._rng = rng
        self._clock = clock
        self._known_flag = known_flag
        self._recorders = recorders
        self.visible = visible
        self._open_pending = False  # waiting for a slot of its recorder
        self._pictures = pictures
        self._watch = PictureWatch(PictureCheckConfig())
        self.next_picture_check_at: float | None = None
        pictures.finished.connect(self._on_picture)
        self.camera: Camera | None = None
        self.main_stream = False
        self.health: FeedHealth | None = None
        self._snapshot_result.connect(self._on_snapshot_result, Qt.ConnectionType.QueuedConnection)
        self._bridge = EventBridge(self)
        self._bridge.event.connect(self._on_player_event)
        player.set_listener(self._bridge.listener)
        probes.finished.connect(self._on_probe_finished)
        self._generation = 0
        self._played_camera: Camera | None = None  # what the player's last play() opened
        self._open_flag: Flag | None = None  # the outage this feed has reported as started
        self._shown_state = FeedState.IDLE  # last state announced through ``changed``
        self._open_requested_at: float | None = None  # until this open's first picture
        # Stream figures of the camera shown (viewer.core.stream_meter), reset by show():
        # ``reconnects`` counts reopens since show() (retries and operator reconnects),
        # ``first_picture_s`` the last open's time to its first picture.
        self.meter: StreamMeter
        self.degraded_rule: DegradedRule
        self.reconnects = 0
        self.first_picture_s: float | None = None
        self._reset_figures()

    # --- what the wall asks ---------------------------------------------------------
    @property
    def url(self) -> str | None:
        if self.camera is None:
            return None
        return self.camera.url if self.main_stream else self.camera.grid_url()

    @property
    def flag(self) -> Flag | None:
        return self.health.flag if self.health else None

    @property
    def state(self) -> FeedState:
        return self.health.state if self.health else FeedState.IDLE

    def show(self, camera: Camera | None, main_stream: bool = False) -> None:
        """Play ``camera`` (or nothing); does nothing if it already plays that stream."""
        if camera == self.camera and main_stream == self.main_stream and self.health is not None:
            return
        now = self._clock()
        was_playing = self.health is not None
        self.flush_sample(now)  # what the old camera delivered since the last sample
        self._stop_health(now)
        self._recorders.forget(self)
        self.camera = camera
        self.main_stream = main_stream
        if camera is None or was_playing:
            # Another stream on a player that played one: stop it first. libVLC 3 otherwise
            # recycles the old video output, and a switch before its first picture was seen
            # to leave the OLD camera's picture on screen while the new one "played".
            self.player.stop()
        if camera is None:
            self.health = None
            self.changed.emit()
            return
        config = self._base_config
        if camera.stall_timeout_s:
            config = replace(config, stall_timeout_s=camera.stall_timeout_s)
        config = replace(config, scheme=camera.scheme, playlist=is_playlist_url(camera.url))
        self._reset_figures()
        self.health = FeedHealth(
            config, self._rng, label=camera.id, probe_allowed=self._recorders.probe_allowed(self),
            hold_retry=self._recorders.hold_retry(self),
        )
        self._watch = PictureWatch(picture_config(camera))
        self.next_picture_check_at = None
        carried = self._known_flag(camera.id)
        if carried is not None:  # seen down earlier (e.g. on the tour's last pass): still flagged
            self.health.carry_flag(carried)
            self._open_flag = carried
            self.flag_raised.emit(self, carried)
        self._apply(self.health.start(now))
        self.changed.emit()

    def reconnect(self) -> None:
        if self.health is not None:
            self._apply(self.health.reconnect(self._clock()))

    def tick(self, now: float) -> None:
        if self.health is not None and not self._open_pending:
            self._apply(self.health.tick(now))

    def poll_stats(self, now: float) -> None:
        if self._open_pending or self.health is None or self.health.state in (
            FeedState.IDLE, FeedState.WAITING, FeedState.FAILED
        ):
            return
        stats = self.player.stats()
        self._apply(self.health.on_stats(stats.displayed_pictures, stats.read_bytes, now))
        if self.health is not None and self.health.state is FeedState.PLAYING:
            self._measure(stats, now)
        else:
            self.degraded_rule.observe(None, None, now)  # no verdict while it does not play

    # --- stream figures -------------------------------------------------------------
    @property
    def stream(self) -> str:
        """"main"/"sub" for a camera with a sub-stream, "" for one with a single stream."""
        if self.camera is None or not self.camera.substream:
            return ""
        return STREAM_MAIN if self.main_stream else STREAM_SUB

    def figures(self) -> StreamFigures | None:
        """What this feed's stream delivers (None when it shows no camera or does not play)."""
        if self.camera is None or self.health is None or self.health.state is not FeedState.PLAYING:
            return None
        return self.meter.figures(self.camera.id, self.stream, self.reconnects, self.first_picture_s,
                                  self.degraded_rule.degraded)

    def flush_sample(self, now: float) -> StreamSample | None:
        """Emit (and return) ``stream_sample`` with the counters since the previous sample
        (source "wall"), unless nothing was observed meanwhile."""
        if self.camera is None:
            return None
        sample = self.meter.take_sample(self.camera.id, self.stream, SOURCE_WALL, now,
                                        self._unsampled_first_packet_s, self._unsampled_reconnects)
        if sample is not None:
            self._unsampled_reconnects, self._unsampled_first_packet_s = 0, None
            self.stream_sample.emit(sample)
        return sample

    def _measure(self, stats, now: float) -> None:
        fmt = StreamFormat(stats.codec, stats.width or None, stats.height or None, stats.nominal_fps or None)
        self.meter.observe(StreamCounters(now, stats.received_bytes, stats.received_frames, stats.received_keyframes,
                                          stats.lost_pictures, stream_s=stats.stream_time_s), fmt)  # fmt: skip
        if stats.first_packet_s is not None and self._unsampled_first_packet_s is None and self._opens_measured():
            self._unsampled_first_packet_s = stats.first_packet_s
        fps, _kbps = self.meter.rates()
        rule = self.degraded_rule
        degraded = rule.observe(fps, fmt.nominal_fps, now)
        detail = rule.describe(fps, fmt.nominal_fps) if degraded else ""
        self._apply(self.health.degraded(degraded, now, rule.since, detail))

    def _opens_measured(self) -> bool:
        """True once per open: the first poll after it carries the open's first-packet time."""
        fresh, self._first_packet_pending = self._first_packet_pending, False
        return fresh

    def _new_degraded_rule(self) -> DegradedRule:
        config = self._base_config
        return DegradedRule(ratio=config.degraded_fps_ratio, after_s=config.degraded_after_s,
                            clear_after_s=config.degraded_clear_after_s)

    def _reset_figures(self) -> None:
        """A new camera (or none): figures start from nothing."""
        self.meter = StreamMeter()
        self.degraded_rule = self._new_degraded_rule()
        self.reconnects = self._opens = 0
        self._unsampled_reconnects = 0  # reopens not yet handed to a sample
        self.first_picture_s = None
        self._unsampled_first_packet_s: float | None = None
        self._first_packet_pending = False  # the next poll carries a fresh open's first-packet time

    def take_snapshot(self, path: Path, done: Callable[[Path | None], None]) -> None:
        """Write the current picture to ``path`` without waiting for it: ``done(path)`` (or
        ``done(None)`` on failure) follows on the main thread once the player's worker took
        it (libVLC waits up to ~0.5 s for a picture; a stuck player answers at its deadline)."""
        job = (path, done)
        self.player.snapshot_later(path, lambda ok: self._snapshot_result.emit(job, ok))

    def _on_snapshot_result(self, job, ok: bool) -> None:
        path, done = job
        done(path if ok else None)

    def close(self) -> None:
        self._stop_health(self._clock())
        self.player.set_listener(None)
        self.player.release()

    # --- internals ------------------------------------------------------------------
    def check_picture(self, now: float, first_delay_s: float) -> None:
        """Take a thumbnail for the frozen/blank checks when one is due (playing feeds only)."""
        if self.health is None or self.health.state is not FeedState.PLAYING:
            return
        if self.next_picture_check_at is None:
            self.next_picture_check_at = now + first_delay_s
            return
        if now >= self.next_picture_check_at:
            self.next_picture_check_at = now + self._base_config.picture_check_interval_s
            self._pictures.submit(self, self.player, self._generation)

    def _on_picture(self, feed, generation: int, fp) -> None:
        if feed is not self or fp is None or self.health is None or generation != self._generation:
            return
        now = self._clock()
        problem = self._watch.observe(fp, now)
        self._apply(self.health.picture_problem(problem, now, self._watch.problem_since))

    def begin_open(self) -> None:
        """A recorder slot is ours: start the player now (the gate calls this)."""
        if not self._open_pending or self.health is None or self.camera is None:
            self._recorders.release(self)
            return
        self._open_pending = False
        self._start_player()

    def recorder_answers(self) -> None:
        """The recorder of a storm this feed belongs to answers again: reopen without waiting."""
        if self.health is not None:
            from viewer.ui.recorders import answer_ok

            self._apply(self.health.on_probe(answer_ok(), self._clock()))

    def _start_player(self, why: str = "") -> None:
        self._watch.reset()
        self.next_picture_check_at = None
        camera = self.camera
        url = self.url or ""
        log.info("open %s %s%s", camera.id, mask_url(url), f" ({why})" if why else "")
        self._played_camera = camera
        self._opens += 1
        if self._opens > 1:
            self.reconnects += 1
            self._unsampled_reconnects += 1
        self._first_packet_pending = True
        self.meter.reopened()
        self.degraded_rule.reset()
        self._generation = self.player.play(url, camera.username, camera.password, full_decoder=self.main_stream)
        self.health.open_started(self._clock())

    def _stop_health(self, now: float) -> None:
        if self._open_pending:
            self._open_pending = False
        self._open_requested_at = None
        self._recorders.cancel(self)
        if self.health is None:
            return
        self.health.stop(now)
        self.health = None
        flag, self._open_flag = self._open_flag, None
        if flag is not None:
            self.flag_detached.emit(self, flag)

    def _on_player_event(self, event) -> None:
        if event.kind is PlayerEventKind.STUCK:
            self._on_player_stuck(event)
            return
        if self.health is None or event.generation != self._generation:
            return
        if event.kind in (PlayerEventKind.PLAYING, PlayerEventKind.VOUT, PlayerEventKind.ERROR, PlayerEventKind.ENDED):
            self._recorders.release(self)  # the recorder answered (or failed): free its slot
        # event.reason: the RTSP session's own verdict (auth, not_found ...), when it gave one
        self._apply(self.health.on_event(event.kind, self._clock(), event.reason, event.detail))

    def _on_player_stuck(self, event) -> None:
        """The player hung in a call (the tile already has a fresh one): say so, flag the
        camera when that call was for what the tile shows now."""
        camera = self._played_camera
        camera_id = camera.id if camera is not None else ""
        log.error("camera %s: %s; the tile continues with a fresh player", camera_id or "(none)", event.detail)
        self.player_stuck.emit(self, camera_id, event.detail or "player stuck")
        if self.health is not None and event.generation == self._generation and camera == self.camera:
            self._apply(self.health.on_event(PlayerEventKind.STUCK, self._clock()))

    def _on_probe_finished(self, token, result) -> None:
        if token is not self.health or self.health is None:
            return  # a probe for a camera this tile no longer shows
        self._recorders.probe_result(self, result)
        self._apply(self.health.on_probe(result, self._clock()))

    def _apply(self, actions: list[Action]) -> None:
        camera = self.camera
        if camera is None or self.health is None:
            return
        state = self.health.state
        dirty = bool(actions) or state is not self._shown_state
        if state is FeedState.PLAYING and self._shown_state is not FeedState.PLAYING:
            self.started_playing.emit(self)
        if state is FeedState.PLAYING and self._open_requested_at is not None:
            requested, self._open_requested_at = self._open_requested_at, None
            self.first_picture_s = self._clock() - requested
            self.first_picture.emit(self, self.first_picture_s)
        self._shown_state = state
        for action in actions:
            if action.kind is ActionKind.OPEN:
                self._open_requested_at = self._clock()
                if self._recorders.request_open(self, self.url or ""):
                    self._start_player(action.detail)
                else:
                    self._open_pending = True
            elif action.kind is ActionKind.STOP:
                self._open_pending = False
                self._recorders.cancel(self)
                self._open_requested_at = None
                self.player.stop()
                self._generation = self.player.generation
            elif action.kind is ActionKind.PROBE:
                self._probes.submit(self.health, self.url or "", camera.username, camera.password)
            elif action.kind is ActionKind.FLAG:
                flag = self.health.flag
                if flag is None:
                    continue
                if self._open_flag is None:
                    log.warning("flag %s: %s %s", camera.id, flag.reason.value, flag.detail)
                    self._open_flag = flag
                    self.flag_raised.emit(self, flag)
                elif flag != self._open_flag:
                    self._open_flag = flag
                    self.flag_updated.emit(self, flag)
                self._recorders.feed_failed(self, flag.reason)
            elif action.kind is ActionKind.UNFLAG:
                log.info("clear %s", camera.id)
                self._recorders.feed_recovered(self)
                self._clear_flag()
        if dirty:
            self.changed.emit()

    def _clear_flag(self) -> None:
        flag, self._open_flag = self._open_flag, None
        if flag is not None:
            self.flag_cleared.emit(self, flag)
