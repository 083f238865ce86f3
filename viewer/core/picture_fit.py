"""Video surface sizes that keep libVLC's software scaler on its fast path. Pure.

libVLC's X11 video output (xcb_x11, software scaling, what the wall uses on Linux) fits the
picture into its window keeping the stream's aspect ratio, the fitted width truncated to
whole pixels. When that width is ODD, its scaling takes a slow path: measured here with 9
bare libVLC players of a 640×360 stream (docs/benchmarks-method.md), 545×256 windows (picture
455 px wide) cost 32 % of a core, 545×258 (458 px) 18 %; 455×400 32 %, 456×400 18 %; the
parity of the height made no difference. A 3×3 wall on a 1920×1080 screen had 545×256
surfaces. Trimming a surface by a pixel or two (the tile's black shows around it) avoids it.
"""

from __future__ import annotations

#: Aspect ratios (width, height) of camera pictures, the most common first.
CAMERA_ASPECTS: tuple[tuple[int, int], ...] = ((16, 9), (4, 3))
#: At most this many pixels are trimmed off each dimension of a surface.
MAX_TRIM_PX = 8


def fitted_width(width: int, height: int, aspect: tuple[int, int]) -> int:
    """Width in pixels of a picture of ``aspect`` fitted into ``width``×``height`` (truncated)."""
    return min(width, height * aspect[0] // aspect[1])


def fast_surface_size(width: int, height: int, aspects: tuple[tuple[int, int], ...] = CAMERA_ASPECTS,
                      max_trim_px: int = MAX_TRIM_PX) -> tuple[int, int]:
    """The largest size within ``width``×``height`` (each trimmed by at most ``max_trim_px``)
    in which a picture of every one of ``aspects`` fits at an even width; if no size fits
    them all, the first aspect alone; else the size unchanged."""
    for wanted in (aspects, aspects[:1]):
        best: tuple[int, int] | None = None
        for h in range(height, max(0, height - max_trim_px - 1), -1):
            for w in range(width, max(0, width - max_trim_px - 1), -1):
                if all(fitted_width(w, h, a) % 2 == 0 for a in wanted):
                    if best is None or w * h > best[0] * best[1]:
                        best = (w, h)
                    break  # narrower widths at this height are smaller
        if best is not None:
            return best
    return width, height
