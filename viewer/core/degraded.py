"""The ``degraded`` rule: pictures keep coming, but far fewer than the stream announces.

A stream whose delivered frame rate stays under ``ratio`` × its nominal rate for
``after_s`` is degraded; it clears once the rate stays at or above ``ratio + clear_margin``
× nominal for ``clear_after_s`` (hysteresis in level and in time, so a rate hovering at the
threshold does not flap). A stream without a known nominal rate, or without a measured rate
yet, is never judged: the verdict stays as it was and the timers restart.

Pure: data in, verdict out, clock passed in (seconds, any clock; the wall passes epoch
seconds so that ``since`` can start the journal's outage). One rule per feed, one thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from viewer.core import constants as C


@dataclass
class DegradedRule:
    ratio: float = C.DEGRADED_FPS_RATIO  # 0 switches the rule off
    after_s: float = C.DEGRADED_AFTER_S
    clear_margin: float = C.DEGRADED_CLEAR_MARGIN_RATIO
    clear_after_s: float = C.DEGRADED_CLEAR_AFTER_S
    degraded: bool = False
    #: Degraded: when the low rate began (the outage's start). None otherwise.
    since: float | None = None
    _low_since: float | None = None
    _good_since: float | None = None

    def observe(self, fps: float | None, nominal_fps: float | None, now: float) -> bool:
        """One measurement (delivered fps over the figures window). Returns the verdict."""
        if self.ratio <= 0 or fps is None or not nominal_fps or nominal_fps <= 0:
            self._low_since = self._good_since = None
            return self.degraded
        share = fps / nominal_fps
        if not self.degraded:
            if share >= self.ratio:
                self._low_since = None
            else:
                if self._low_since is None:
                    self._low_since = now
                if now - self._low_since >= self.after_s:
                    self.degraded, self.since, self._good_since = True, self._low_since, None
            return self.degraded
        if share < self.ratio + self.clear_margin:
            self._good_since = None
        else:
            if self._good_since is None:
                self._good_since = now
            if now - self._good_since >= self.clear_after_s:
                self.degraded, self.since, self._low_since = False, None, None
        return self.degraded

    def reset(self) -> None:
        """The stream was stopped or reopened: no verdict, no pending timers."""
        self.degraded, self.since = False, None
        self._low_since = self._good_since = None

    def describe(self, fps: float | None, nominal_fps: float | None) -> str:
        """The flag's detail: ``10.1 of 25 fps (40 %)``."""
        if fps is None or not nominal_fps:
            return "low frame rate"
        return f"{fps:.1f} of {nominal_fps:g} fps ({100 * fps / nominal_fps:.0f} %)"
