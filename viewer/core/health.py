"""Per-feed health: a state machine that turns player observations into decisions.

Pure logic: the caller passes ``now`` (seconds, any monotonic-ish clock; the journal wants
epoch seconds, so ``time.time()`` is the natural choice) and injects the RNG. Not
thread-safe: drive one ``FeedHealth`` from one thread (the Qt main thread). The caller
executes the returned :class:`Action` list in order: OPEN/STOP the player, PROBE the camera
(report back with :meth:`FeedHealth.on_probe`), FLAG/UNFLAG the tile and the journal
(``FeedHealth.flag`` holds the current flag; its ``since`` is the outage start).

Transitions (``->`` new state: actions; "flag" = FLAG unless the outage is already flagged
with that reason; "probe" = PROBE unless one is outstanding)::

  state       observation                                  -> new state: actions
  ----------  -------------------------------------------  ---------------------------------
  IDLE        start                                        -> CONNECTING: OPEN
  any active  stop (operator)                              -> IDLE: STOP, UNFLAG if flagged
  any         reconnect (operator)                         -> CONNECTING: STOP if active, OPEN;
                                                              attempts = 0, flag kept
  CONNECTING  VOUT, or displayed_pictures rises            -> PLAYING: UNFLAG if flagged
  CONNECTING  ERROR / ENDED                                -> FAILED: STOP, flag(error/ended), probe
  CONNECTING  no byte read for open_timeout_s              -> FAILED: STOP, flag(timeout), probe
  CONNECTING  bytes arrived, then none for open_timeout_s  -> FAILED: STOP, flag(timeout), probe
  CONNECTING  bytes still arriving at open_progress_t/o    -> CONNECTING: flag(timeout), probe
                                                              (the player is kept)
  PLAYING     displayed_pictures flat for stall_timeout_s  -> STALLED: flag(stalled), probe
              (while bytes still arrive: flat for stall_progress_timeout_s instead)
  PLAYING     ERROR / ENDED                                -> FAILED: STOP, flag(error/ended), probe
  PLAYING     played stable_play_reset_s                   -> PLAYING: attempts = 0
  STALLED     displayed_pictures rises (or VOUT)           -> CONNECTING: STOP, OPEN (flag kept)
              (the connection survived a cut shorter than TCP's retry time: what arrives now
              is its backlog, stall_timeout_s or more behind live; a fresh session is live
              after at most one keyframe interval)
  STALLED     probe found the camera down (timeout ...)    -> STALLED: return probes (a cut cable:
                                                              the stalled session only hears of its
                                                              return at TCP's next retransmission)
  STALLED     return probe OK after it was found down      -> CONNECTING: STOP, OPEN (flag kept)
  STALLED     the stall's probe OK (camera there, session  -> CONNECTING: STOP, OPEN at once (flag
              silent; not a playlist; attempts == 0)          kept; attempts = 1: a second stall
                                                              before stable play waits as below)
  STALLED     still flat stall_reopen_s after the flag     -> WAITING: STOP, probe (retry scheduled)
  WAITING     that probe answers OK (camera there, session -> CONNECTING: OPEN at once, not after
              dead; a stale HLS playlist answers stalled)     a backoff earlier outages grew
  STALLED     ERROR / ENDED                                -> FAILED: STOP, flag, probe
  FAILED      probe result                                 -> WAITING: FLAG if the reason changed
  FAILED      no probe result for probe_result_timeout_s   -> WAITING
  FAILED/WAIT retry due (next_retry_at)                    -> CONNECTING: OPEN
              ... unless the probe says "stalled" (a stale HLS playlist: a reopen would only
              replay its old segments): retry after backoff_cap_s, return probes meanwhile
  WAITING     return probe due, camera found down          -> WAITING: PROBE
  FAILED/WAIT probe OK after the camera was found down     -> CONNECTING: OPEN at once (flag as is)
  WAITING     probe not OK                                 -> WAITING: FLAG if the reason changed
  CONNECTING/PLAYING/STALLED  probe result while flagged    -> same state: FLAG if reason changed

  CONNECTING/PLAYING/STALLED  ERROR/ENDED with the session's reason
                                                            -> WAITING: STOP, flag(reason), retry
                                                              scheduled, return probes (every
                                                              quick_return_probe_interval_s for
                                                              quick_return_window_s when the
                                                              camera went away)

Reasons: libVLC's failure gives a preliminary reason (error, ended, timeout, stalled); the
probe refines it. A failure that carries the session's own reason (the RTSP relay's status:
auth, not_found, refused ...) is final at once, no diagnosis probe. A probe that is not OK
wins (refused, auth, not_found ...). A probe that is OK keeps libVLC's reason, except on an
rtsp/rtsps feed with ``player_supports_rtsp`` off, where it becomes ``unsupported`` and
retries back off to the cap. Return probes run only while the probe (or the session) says
the camera is down; a camera that answers but will not play is left to the backoff, so it
cannot cause a retry storm.

Retries use full-jitter exponential backoff (:mod:`viewer.core.backoff`) with a floor;
``attempts`` counts failures and resets after ``stable_play_reset_s`` of pictures or an
operator reconnect. One flag per outage: repeated failures keep it (and its ``since``);
only pictures (UNFLAG) or the operator's stop end it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from viewer.core.backoff import backoff_delay_s, jittered_s
from viewer.core.health_model import (
    PICTURE_REASONS,
    Action,
    ActionKind,
    FeedState,
    Flag,
    HealthConfig,
    PlayerEventKind,
)
from viewer.core.reasons import Reason

if TYPE_CHECKING:
    from viewer.core.probe import ProbeResult

__all__ = [
    "FeedHealth",
]

log = logging.getLogger(__name__)

_ACTIVE = frozenset({FeedState.CONNECTING, FeedState.PLAYING, FeedState.STALLED})
#: Session verdicts meaning "the camera went away" (restart, reboot, cable): quick return probes.
_GONE_REASONS = frozenset({Reason.REFUSED, Reason.UNREACHABLE, Reason.TIMEOUT, Reason.ENDED})


class FeedHealth:
    """Health of one feed. See the module docstring for the transition table."""

    def __init__(
        self,
        config: HealthConfig,
        rng: random.Random,
        *,
        label: str = "",
        probe_allowed: Callable[[float], bool] | None = None,
        hold_retry: Callable[[float], bool] | None = None,
    ) -> None:
        self.config = config
        self._rng = rng
        #: During a network storm only one feed per recorder probes for its return.
        self._probe_allowed = probe_allowed or (lambda now: True)
        #: During a network storm members do not retry on their own: the storm's one prober
        #: watches the recorder and a staggered wave reopens them (they still retry at the
        #: backoff, which grows to its cap, in case the wave never comes).
        self._hold_retry = hold_retry or (lambda now: False)
        self._label = label or "feed"
        self.state = FeedState.IDLE
        self.flag: Flag | None = None
        self.attempts = 0  # failures since the last stable play / operator reconnect
        self.next_retry_at: float | None = None
        # per open
        self._opened_at = 0.0
        self._last_pictures = 0
        self._last_bytes = 0
        self._last_progress_at: float | None = None  # bytes rose while CONNECTING
        self._last_byte_at = float("-inf")  # bytes rose (any active state)
        self._slow_flagged = False
        self._last_picture_at = 0.0
        self._playing_since: float | None = None
        self._stalled_at = 0.0
        # per outage: what libVLC said and what the probe said
        self._player_reason = Reason.ERROR
        self._player_detail = ""
        self._probe_reason: Reason | None = None  # None: no probe answered in this outage
        self._gone_since: float | None = None  # the session said the camera went away (outage)
        self._probe_detail = ""
        # probes
        self._probe_sent_at: float | None = None
        self._next_return_probe_at: float | None = None
        #: The stall's session was stopped ("still stalled"): a probe that answers OK reopens at once.
        self._reopen_if_answers = False

    # --- queries -------------------------------------------------------------------------
    @property
    def probe_outstanding(self) -> bool:
        return self._probe_sent_at is not None

    @property
    def camera_found_down(self) -> bool:
        """The latest probe of this outage said the camera does not answer properly."""
        return self._probe_reason not in (None, Reason.OK)

    # --- operator ------------------------------------------------------------------------
    def start(self, now: float) -> list[Action]:
        """Begin playing. A no-op (``[]``) unless IDLE."""
        if self.state is not FeedState.IDLE:
            return []
        return self._open(now, "start")

    def stop(self, now: float) -> list[Action]:
        """The operator removed the camera: back to IDLE, no flag, nothing scheduled."""
        actions = [Action(ActionKind.STOP, detail="operator stop")] if self.state in _ACTIVE else []
        if self.flag is not None:
            actions.append(Action(ActionKind.UNFLAG, detail="operator stop"))
        self._set_state(FeedState.IDLE)
        self.flag = None
        self.attempts = 0
        self.next_retry_at = None
        self._next_return_probe_at = None
        self._probe_sent_at = None
        self._forget_outage()
        return actions

    def picture_problem(self, reason: Reason | None, now: float, since: float | None = None) -> list[Action]:
        """A picture check's verdict on a feed that plays: ``frozen_image``/``blank_picture``
        raises (or changes) the flag, None clears a picture flag. The player keeps playing;
        stalls, failures and the operator's stop take precedence over picture flags."""
        if self.state is not FeedState.PLAYING:
            return []
        flag = self.flag
        if reason is None:
            if flag is None or flag.reason not in PICTURE_REASONS:
                return []
            log.info("%s: picture changes again (%s cleared)", self._label, flag.reason)
            self.flag = None
            self._forget_outage()
            return [Action(ActionKind.UNFLAG, detail="picture changes again")]
        detail = "the picture has not changed" if reason is Reason.FROZEN_IMAGE else "the picture is blank"
        if flag is None:
            self.flag = Flag(reason, now if since is None else since, detail)
            log.info("%s: flagged %s (%s)", self._label, reason, detail)
        elif (flag.reason in PICTURE_REASONS or flag.reason is Reason.DEGRADED) and flag.reason is not reason:
            self.flag = Flag(reason, flag.since, detail)
        else:
            return []
        return [Action(ActionKind.FLAG, reason=reason, detail=detail)]

    def degraded(self, on: bool, now: float, since: float | None = None, detail: str = "") -> list[Action]:
        """The frame-rate rule's verdict (:mod:`viewer.core.degraded`) on a feed that plays:
        raises ``degraded`` when no other flag is up, clears only a ``degraded`` flag. The
        player keeps playing; every other flag takes precedence (idempotent: call per poll)."""
        flag = self.flag
        if on and flag is None and self.state is FeedState.PLAYING:
            self.flag = Flag(Reason.DEGRADED, now if since is None else since, detail)
            log.info("%s: flagged degraded (%s)", self._label, detail)
            return [Action(ActionKind.FLAG, reason=Reason.DEGRADED, detail=detail)]
        if not on and flag is not None and flag.reason is Reason.DEGRADED:
            self.flag = None
            self._forget_outage()
            return [Action(ActionKind.UNFLAG, detail="frame rate recovered")]
        return []

    def open_started(self, now: float) -> None:
        """The player really started opening now (after waiting for a recorder slot): the
        opening timeouts count from here, not from the OPEN decision."""
        self._opened_at = now
        self._last_progress_at = None
        self._last_byte_at = float("-inf")

    def carry_flag(self, flag: Flag) -> None:
        """Continue an outage seen earlier, while the camera was off screen (a tour came back
        to it): the flag stays up with its original ``since`` until pictures come. Call before
        :meth:`start`; emits nothing (the caller shows the flag itself)."""
        self.flag = flag
        self._player_reason, self._player_detail = flag.reason, flag.detail

    def reconnect(self, now: float) -> list[Action]:
        """The operator asked for a reconnect: STOP + OPEN now, attempts reset, flag kept."""
        if self.state is FeedState.IDLE:
            return self.start(now)
        actions = [Action(ActionKind.STOP, detail="operator reconnect")] if self.state in _ACTIVE else []
        self.attempts = 0
        return actions + self._open(now, "operator reconnect")

    # --- observations --------------------------------------------------------------------
    def on_event(self, event: PlayerEventKind, now: float, reason: Reason | None = None,
                 detail: str = "") -> list[Action]:
        """A player event, already handed over to the caller's thread.

        ``reason``: an ERROR/ENDED whose source said why (the RTSP session: auth, not_found,
        refused ...). That verdict is the outage's reason at once, like a probe's answer:
        no diagnosis probe is sent, and while it says the camera is down return probes
        watch for it (see :meth:`_session_verdict`).
        """
        if self.state not in _ACTIVE:
            return []  # late event of a player we stopped
        if event is PlayerEventKind.VOUT:
            return self._pictures_shown(now)
        if event in (PlayerEventKind.ERROR, PlayerEventKind.ENDED) and reason is not None:
            return self._session_verdict(reason, detail, now)
        if event is PlayerEventKind.ERROR:
            return self._fail(Reason.ERROR, "libVLC reported an error", now)
        if event is PlayerEventKind.ENDED:
            return self._fail(Reason.ENDED, "the stream ended", now)
        if event is PlayerEventKind.STUCK:
            return self._fail(Reason.ERROR, "player stuck", now)
        return []  # OPENING, BUFFERING, PLAYING carry no picture; STOPPED is our own doing

    def on_stats(self, displayed_pictures: int, read_bytes: int, now: float) -> list[Action]:
        """Polled media stats: cumulative counters since the last OPEN."""
        if self.state not in _ACTIVE:
            return []
        if read_bytes > self._last_bytes:
            self._last_byte_at = now
            if self.state is FeedState.CONNECTING:
                self._last_progress_at = now
        self._last_bytes = read_bytes
        if displayed_pictures < self._last_pictures:  # counters restarted: new baseline
            self._last_pictures = displayed_pictures
            return []
        if displayed_pictures > self._last_pictures:
            self._last_pictures = displayed_pictures
            return self._pictures_shown(now)
        return []

    def on_probe(self, result: ProbeResult, now: float) -> list[Action]:
        """The result of a PROBE we asked for: refine the flag; maybe retry at once."""
        self._probe_sent_at = None
        if self.state is FeedState.IDLE or self.flag is None:
            return []  # no outage (any more): nothing to refine
        was_down = self.camera_found_down
        self._probe_reason = result.reason
        self._probe_detail = result.detail
        if self.state is FeedState.FAILED:
            self._set_state(FeedState.WAITING)
        if self.state is FeedState.WAITING and result.reason is Reason.OK and was_down:
            # the camera is back: retry now; the flag keeps its reason until pictures or a failure
            return self._open(now, "camera answers again")
        if self.state is FeedState.WAITING and result.reason is Reason.OK and self._reopen_if_answers:
            # still stalled, but the camera answers: its session is dead, not the camera. A
            # fresh one now, not after a backoff that earlier outages grew (measured: 26 s on a
            # link cut a dozen times); the attempt counts, so a failing one backs off.
            return self._open(now, "still stalled, camera answers")
        if self.state is FeedState.STALLED and result.reason is Reason.OK and was_down:
            # back while the stalled session still waits for TCP's next retransmission (seconds
            # after a cut cable is mended): a fresh session now; flag kept until pictures
            return [Action(ActionKind.STOP, detail="camera answers again"), *self._open(now, "camera answers again")]
        if (self.state is FeedState.STALLED and result.reason is Reason.OK and not self.config.playlist
                and self.attempts == 0):
            # the camera answers but our session shows nothing: waiting for it gains nothing —
            # what it may still deliver comes late (a cable mended just before the flag: its
            # backlog at TCP's next retransmission, seconds behind live) and would be reopened
            # anyway. A fresh session now, once: the attempt counts, so a stream that stalls
            # again before stable_play_reset_s of pictures waits stall_reopen_s as before. (A
            # playlist's reopen would replay its old segments: never for HLS.)
            self.attempts += 1
            return [Action(ActionKind.STOP, detail="stalled, camera answers"),
                    *self._open(now, "stalled, camera answers")]  # fmt: skip
        actions = self._sync_flag(now)
        if self.state is FeedState.WAITING:
            if self.flag is not None and self.flag.reason is Reason.UNSUPPORTED:
                self.next_retry_at = max(self.next_retry_at or now, now + self.config.backoff_cap_s)
            self._schedule_return_probe(now)
        elif self.state is FeedState.STALLED and self.camera_found_down:
            if self._gone_since is None:
                self._gone_since = now  # quick return probes while it is away
            self._schedule_return_probe(now)
        return actions

    def tick(self, now: float) -> list[Action]:
        """Called every ~0.25-1 s: timeouts, stalls, due retries and return probes."""
        self._forget_lost_probe(now)
        if self.state is FeedState.CONNECTING:
            return self._check_opening(now)
        if self.state is FeedState.PLAYING:
            return self._check_playing(now)
        if self.state is FeedState.STALLED:
            return self._check_stalled(now)
        if self.state in (FeedState.FAILED, FeedState.WAITING):
            return self._check_waiting(now)
        return []

    # --- internals -----------------------------------------------------------------------
    def _open(self, now: float, detail: str) -> list[Action]:
        self._set_state(FeedState.CONNECTING)
        self._opened_at = now
        self._last_pictures = 0
        self._last_bytes = 0
        self._last_progress_at = None
        self._last_byte_at = float("-inf")
        self._slow_flagged = False
        self._playing_since = None
        self.next_retry_at = None
        self._next_return_probe_at = None
        self._reopen_if_answers = False
        return [Action(ActionKind.OPEN, detail=detail)]

    def _check_opening(self, now: float) -> list[Action]:
        cfg = self.config
        if self._last_progress_at is None:
            if now - self._opened_at >= cfg.open_timeout_s:
                return self._fail(Reason.TIMEOUT, f"no answer within {cfg.open_timeout_s:g} s", now)
            return []
        silent_s = now - self._last_progress_at
        if silent_s >= cfg.open_timeout_s:
            return self._fail(Reason.TIMEOUT, f"data stopped for {silent_s:.0f} s before any picture", now)
        if not self._slow_flagged and now - self._opened_at >= cfg.open_progress_timeout_s:
            self._slow_flagged = True  # still progressing: flag, but keep the player
            self._player_reason = Reason.TIMEOUT
            self._player_detail = f"data arriving but no picture after {cfg.open_progress_timeout_s:g} s"
            return self._sync_flag(now) + self._probe(now, "diagnose")
        return []

    def _check_playing(self, now: float) -> list[Action]:
        cfg = self.config
        if (
            self.attempts
            and self._playing_since is not None
            and now - self._playing_since >= cfg.stable_play_reset_s
        ):
            self.attempts = 0
        flat_s = now - self._last_picture_at
        if flat_s < cfg.stall_timeout_s:
            return []
        bytes_flowing = now - self._last_byte_at < cfg.stall_timeout_s
        if bytes_flowing and flat_s < cfg.stall_progress_timeout_s:
            return []  # rebuffering on a slow link: data still arrives, pictures will follow
        self._set_state(FeedState.STALLED)
        self._stalled_at = now
        self._playing_since = None
        self._player_reason = Reason.STALLED
        self._player_detail = f"no new picture for {flat_s:.0f} s"
        return self._sync_flag(now) + self._probe(now, "diagnose")

    def _check_stalled(self, now: float) -> list[Action]:
        if now - self._stalled_at < self.config.stall_reopen_s:
            return self._return_probe_if_due(now)
        self._schedule_retry(now)
        self._reopen_if_answers = True
        self._set_state(FeedState.WAITING)
        # probe again: what the first probe saw at the stall may predate the fault (an HLS
        # playlist only looks stale some target durations after its encoder stopped)
        return [Action(ActionKind.STOP, detail="still stalled"), *self._probe(now, "still stalled")]

    def _check_waiting(self, now: float) -> list[Action]:
        if self.next_retry_at is not None and now >= self.next_retry_at:
            if self._hold_retry(now):
                # A storm member: the storm's prober watches the recorder and a staggered wave
                # reopens us; retry on our own only after a whole backoff cap, in case it never comes.
                self.next_retry_at = now + self.config.backoff_cap_s
                return []
            if self._probe_reason is Reason.STALLED:
                # The probe found the HLS playlist stale: reopening would replay its old
                # segments and look like a recovery. The return probe reopens at once when
                # the playlist moves again; a plain retry only after a whole backoff cap.
                self.next_retry_at = now + self.config.backoff_cap_s
                return []
            return self._open(now, f"retry {self.attempts}")
        if self.state is FeedState.WAITING:
            return self._return_probe_if_due(now)
        return []

    def _return_probe_if_due(self, now: float) -> list[Action]:
        """WAITING or STALLED with the camera found down: a return probe when one is due."""
        if not self.camera_found_down or self._next_return_probe_at is None or now < self._next_return_probe_at:
            return []
        if not self._probe_allowed(now):
            self._schedule_return_probe(now)  # another feed of this recorder probes for us
            return []
        return self._probe(now, "return")

    def _forget_lost_probe(self, now: float) -> None:
        sent_at = self._probe_sent_at
        if sent_at is None or now - sent_at < self.config.probe_result_timeout_s:
            return
        log.warning("%s: probe result lost after %.0f s", self._label, now - sent_at)
        self._probe_sent_at = None
        if self.state is FeedState.FAILED:
            self._set_state(FeedState.WAITING)
            self._schedule_return_probe(now)

    def _pictures_shown(self, now: float) -> list[Action]:
        if self.state is FeedState.STALLED:
            return self._reopen_behind_live(now)
        self._last_picture_at = now
        if self.state is FeedState.PLAYING:
            return self._check_playing(now)
        self._set_state(FeedState.PLAYING)
        self._playing_since = now
        if self.flag is None:
            return []
        log.info("%s: pictures again after %.0f s (%s)", self._label, now - self.flag.since, self.flag.reason)
        self.flag = None
        self._forget_outage()
        return [Action(ActionKind.UNFLAG, detail="pictures again")]

    def _reopen_behind_live(self, now: float) -> list[Action]:
        """Pictures resumed after a stall: the old connection survived (a cut shorter than
        TCP's retry time) and now delivers its backlog, at least ``stall_timeout_s`` behind
        live, and it would stay that far behind. A live wall prefers a fresh session (live
        again after at most one keyframe interval) to old pictures: STOP and OPEN; the flag
        stays until the new session shows pictures. Not a failure: ``attempts`` unchanged."""
        gap_s = now - self._last_picture_at
        log.info("%s: pictures resumed after %.1f s without: reopening to be live again", self._label, gap_s)
        return [Action(ActionKind.STOP, detail="resumed behind live"),
                *self._open(now, f"resumed {gap_s:.0f} s behind live")]

    def _fail(self, reason: Reason, detail: str, now: float) -> list[Action]:
        self._player_reason = reason
        self._player_detail = detail
        self._set_state(FeedState.FAILED)
        actions = [Action(ActionKind.STOP, reason=reason, detail=detail)]
        actions += self._sync_flag(now)
        actions += self._probe(now, "diagnose")  # an outstanding probe answers for this one
        self._schedule_retry(now)
        return actions

    def _session_verdict(self, reason: Reason, detail: str, now: float) -> list[Action]:
        """The stream's own session failed with ``reason``: it counts as the probe's answer
        (the camera was asked, it said so), so the flag shows it at once; then WAITING with
        a retry scheduled and, as for a probe that found the camera down, return probes."""
        self._player_reason, self._player_detail = reason, detail
        self._probe_reason, self._probe_detail = reason, detail
        self._probe_sent_at = None
        if reason in _GONE_REASONS and self._gone_since is None:
            self._gone_since = now  # quick return probes for a while (restart, reboot)
        self._set_state(FeedState.WAITING)
        actions = [Action(ActionKind.STOP, reason=reason, detail=detail)]
        actions += self._sync_flag(now)
        self._schedule_retry(now)
        return actions

    def _schedule_retry(self, now: float) -> None:
        cfg = self.config
        if self.flag is not None and self.flag.reason is Reason.UNSUPPORTED:
            delay_s = cfg.backoff_cap_s
        else:
            delay_s = backoff_delay_s(
                self.attempts, self._rng, cfg.backoff_base_s, cfg.backoff_cap_s, cfg.backoff_floor_s
            )
        self.attempts += 1
        self.next_retry_at = now + delay_s
        self._schedule_return_probe(now)
        log.debug("%s: retry %d in %.1f s", self._label, self.attempts, delay_s)


    def _schedule_return_probe(self, now: float) -> None:
        cfg = self.config
        interval_s = cfg.return_probe_interval_s
        since = self._gone_since
        if since is not None and now - since < cfg.quick_return_window_s:
            interval_s = min(interval_s, cfg.quick_return_probe_interval_s)
        self._next_return_probe_at = now + jittered_s(interval_s, cfg.return_probe_jitter_fraction, self._rng)

    def _probe(self, now: float, purpose: str) -> list[Action]:
        if self._probe_sent_at is not None:
            return []
        self._probe_sent_at = now
        return [Action(ActionKind.PROBE, detail=purpose)]

    def _resolved_reason(self) -> tuple[Reason, str]:
        """The outage's best reason: a failing probe wins; an OK probe keeps libVLC's."""
        if self._probe_reason is not None and self._probe_reason is not Reason.OK:
            return self._probe_reason, self._probe_detail
        if (
            self._probe_reason is Reason.OK
            and self.config.player_cannot_play_scheme
            and self._player_reason is not Reason.STALLED
        ):
            return Reason.UNSUPPORTED, f"this libVLC cannot play {self.config.scheme}:// (camera answers)"
        return self._player_reason, self._player_detail

    def _sync_flag(self, now: float) -> list[Action]:
        """Raise the flag, or re-emit it when the reason changed (``since`` kept)."""
        reason, detail = self._resolved_reason()
        if self.flag is None:
            self.flag = Flag(reason, now, detail)
            log.info("%s: flagged %s (%s)", self._label, reason, detail)
        elif self.flag.reason is not reason:
            log.info("%s: reason %s -> %s (%s)", self._label, self.flag.reason, reason, detail)
            self.flag = Flag(reason, self.flag.since, detail)
        else:
            return []
        return [Action(ActionKind.FLAG, reason=reason, detail=detail)]

    def _forget_outage(self) -> None:
        self._gone_since = None
        self._reopen_if_answers = False
        self._player_reason = Reason.ERROR
        self._player_detail = ""
        self._probe_reason = None
        self._probe_detail = ""

    def _set_state(self, state: FeedState) -> None:
        if state is not self.state:
            log.debug("%s: %s -> %s", self._label, self.state, state)
            self.state = state
