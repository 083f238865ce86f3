"""Picture checks: is a feed that plays showing a frozen image or a blank picture?

Frame counters cannot see an NVR that resends one frozen image, a black sensor or an
encoder's "No Signal" card. Every ``PICTURE_CHECK_INTERVAL_S`` the app takes a tiny
thumbnail of each playing tile (RGB or grey bytes), reduces it here to a
:class:`Fingerprint` — the mean luminance of each cell of a 16×9 grid — and feeds it to the
tile's :class:`PictureWatch`, which answers ``FROZEN_IMAGE`` / ``BLANK_PICTURE`` while the
condition has held long enough, else ``None``.

- **Changed**: some cell's mean luminance moved by more than ``change_threshold`` (0-255
  levels) since the picture the watch last saw change. Cells average many pixels, so
  sensor and compression noise (a few levels per pixel) stays far below the threshold,
  while one person crossing one cell exceeds it. Comparing with that reference picture
  (not the previous one) makes slow drift, e.g. dusk, count as change too.
- **Blank**: the cell means are nearly uniform — their standard deviation is at most
  ``blank_stddev_max`` levels in every colour channel (black, grey, a single colour),
  leaving out the 10 % of cells least like the rest (a burned-in clock or camera name).
  A blank picture is reported as blank, never as frozen.

Pure logic: no clock of its own (``now`` in seconds is passed in), not thread-safe (one
watch per feed, driven from one thread).
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from viewer.core import constants as C
from viewer.core.reasons import Reason

log = logging.getLogger(__name__)

#: Fingerprint grid (cells across, cells down): 16×9 matches 16:9 pictures; a 64×36
#: thumbnail gives 4×4 pixels per cell.
GRID_COLS = 16
GRID_ROWS = 9
#: ITU-R BT.601 luma weights.
_LUMA_WEIGHTS = (0.299, 0.587, 0.114)


@dataclass(frozen=True)
class Fingerprint:
    """A picture reduced to a grid of cell-mean luminances (0-255, row-major).

    ``mean`` is the picture's mean luminance; ``spread`` the largest, over the colour
    channels, standard deviation of the cell means without the most deviant
    ``BLANK_IGNORED_CELLS_FRACTION`` of them (0 for a single-colour picture).
    """

    cols: int
    rows: int
    cells: tuple[float, ...]
    mean: float
    spread: float


def fingerprint(width: int, height: int, pixels: bytes) -> Fingerprint:
    """Fingerprint a row-major image of 1 (grey), 3 (RGB) or 4 (RGBA) bytes per pixel.

    The channel count follows from ``len(pixels)``; alpha is ignored. Raises ``ValueError``
    for an empty image or a size that does not match. ~0.5 ms for 64×36 RGB.
    """
    if width <= 0 or height <= 0:
        raise ValueError(f"empty image {width}x{height}")
    channels, rest = divmod(len(pixels), width * height)
    if rest or channels not in (1, 3, 4):
        raise ValueError(f"{len(pixels)} bytes do not make a {width}x{height} grey, RGB or RGBA image")
    cols, rows = min(GRID_COLS, width), min(GRID_ROWS, height)
    used = min(channels, 3)
    sums = [[0] * (cols * rows) for _ in range(used)]
    counts = [0] * (cols * rows)
    col_edges = [x * width // cols for x in range(cols + 1)]
    stride = width * channels
    for y in range(height):
        row = pixels[y * stride : (y + 1) * stride]
        base = (y * rows // height) * cols
        for cx in range(cols):
            x0, x1 = col_edges[cx], col_edges[cx + 1]
            counts[base + cx] += x1 - x0
            for c in range(used):
                sums[c][base + cx] += sum(row[x0 * channels + c : x1 * channels : channels])
    channel_means = [[s / n for s, n in zip(channel, counts, strict=True)] for channel in sums]
    if used == 1:
        cells = channel_means[0]
    else:
        wr, wg, wb = _LUMA_WEIGHTS
        cells = [wr * r + wg * g + wb * b for r, g, b in zip(*channel_means, strict=True)]
    return Fingerprint(
        cols=cols,
        rows=rows,
        cells=tuple(cells),
        mean=sum(cells) / len(cells),
        spread=max(_robust_stddev(channel) for channel in channel_means),
    )


def difference(a: Fingerprint, b: Fingerprint) -> float:
    """The largest change of any cell's mean luminance, in levels (0-255).

    Fingerprints of different grids (thumbnails of different sizes) count as entirely
    different (255).
    """
    if (a.cols, a.rows) != (b.cols, b.rows):
        return 255.0
    return max(abs(x - y) for x, y in zip(a.cells, b.cells, strict=True))


def is_blank(fp: Fingerprint, stddev_max: float = C.BLANK_STDDEV_MAX_LEVELS) -> bool:
    """Nearly uniform: every channel's cell means vary by at most ``stddev_max`` levels."""
    return fp.spread <= stddev_max


@dataclass(frozen=True)
class PictureCheckConfig:
    """Thresholds for one feed. Times in seconds (``math.inf`` switches that check off);
    ``change_threshold`` and ``blank_stddev_max`` in luminance levels (0-255)."""

    frozen_after_s: float = C.FROZEN_IMAGE_AFTER_S
    blank_after_s: float = C.BLANK_PICTURE_AFTER_S
    change_threshold: float = C.PICTURE_CHANGE_THRESHOLD_LEVELS
    blank_stddev_max: float = C.BLANK_STDDEV_MAX_LEVELS

    def __post_init__(self) -> None:
        for name in ("frozen_after_s", "blank_after_s", "change_threshold"):
            value = getattr(self, name)
            if not value > 0:
                raise ValueError(f"PictureCheckConfig.{name} must be > 0, got {value!r}")
        if not self.blank_stddev_max >= 0:
            raise ValueError(f"PictureCheckConfig.blank_stddev_max must be >= 0, got {self.blank_stddev_max!r}")


class PictureWatch:
    """Frozen/blank detector for one feed. Call :meth:`observe` with each new thumbnail's
    fingerprint (skip failed thumbnails) and :meth:`reset` whenever the feed (re)opens."""

    def __init__(self, config: PictureCheckConfig | None = None) -> None:
        self.config = config or PictureCheckConfig()
        self._reference: Fingerprint | None = None  # the picture as it last changed
        self._unchanged_since = 0.0
        self._blank_since: float | None = None
        self.problem: Reason | None = None

    @property
    def problem_since(self) -> float | None:
        """When the current problem's condition began (not when it was reported)."""
        if self.problem is Reason.BLANK_PICTURE:
            return self._blank_since
        if self.problem is Reason.FROZEN_IMAGE:
            return self._unchanged_since
        return None

    def reset(self) -> None:
        """Forget everything seen: a new stream, a reopen, another camera."""
        self._reference = None
        self._blank_since = None
        self.problem = None

    def observe(self, fp: Fingerprint, now: float) -> Reason | None:
        """The picture at ``now``: returns ``FROZEN_IMAGE`` or ``BLANK_PICTURE`` while that
        condition has held for its configured time, else ``None``."""
        cfg = self.config
        if self._reference is None or difference(fp, self._reference) > cfg.change_threshold:
            self._reference = fp
            self._unchanged_since = now
        if is_blank(fp, cfg.blank_stddev_max):
            if self._blank_since is None:
                self._blank_since = now
            frozen = False  # a blank picture is blank, not frozen
            blank = now - self._blank_since >= cfg.blank_after_s
        else:
            self._blank_since = None
            blank = False
            frozen = now - self._unchanged_since >= cfg.frozen_after_s
        problem = Reason.BLANK_PICTURE if blank else Reason.FROZEN_IMAGE if frozen else None
        if problem is not self.problem:
            log.debug("picture %s -> %s (mean %.0f, spread %.1f)", self.problem, problem, fp.mean, fp.spread)
            self.problem = problem
        return problem


def first_check_delay_s(tile_index: int, tile_count: int, interval_s: float = C.PICTURE_CHECK_INTERVAL_S) -> float:
    """Stagger: tile ``tile_index`` of ``tile_count`` takes its first thumbnail this long
    after the wall starts, so the checks of a page spread evenly over one interval."""
    if tile_count <= 0:
        return 0.0
    return interval_s * (tile_index % tile_count) / tile_count


def _robust_stddev(values: list[float]) -> float:
    """Standard deviation of ``values`` without the ones farthest from their median."""
    ordered = sorted(values)
    median = ordered[len(ordered) // 2]
    keep = len(values) - int(len(values) * C.BLANK_IGNORED_CELLS_FRACTION)
    kept = sorted(values, key=lambda v: abs(v - median))[:keep]
    mean = sum(kept) / len(kept)
    return math.sqrt(sum((v - mean) ** 2 for v in kept) / len(kept))
