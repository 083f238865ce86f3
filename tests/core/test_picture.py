"""Picture checks on synthetic thumbnails: the fingerprint, the noise threshold, the blank
test and the frozen/blank watch over time (the clock is passed in; nothing sleeps)."""

from __future__ import annotations

import math
import random

import pytest

from viewer.core import constants as C
from viewer.core.picture import (
    Fingerprint,
    PictureCheckConfig,
    PictureWatch,
    difference,
    fingerprint,
    first_check_delay_s,
    is_blank,
)
from viewer.core.reasons import REASON_TEXT, Reason

W, H = 64, 36  # the thumbnail size the player delivers


def solid(rgb: tuple[int, int, int], w: int = W, h: int = H) -> bytes:
    return bytes(rgb) * (w * h)


def grey_image(value_at, w: int = W, h: int = H) -> bytes:
    """RGB image whose grey level at (x, y) is ``value_at(x, y)`` (clamped to 0-255)."""
    out = bytearray()
    for y in range(h):
        for x in range(w):
            v = max(0, min(255, int(value_at(x, y))))
            out += bytes((v, v, v))
    return bytes(out)


def scene(x: int, y: int) -> int:
    """A still picture with content: a gradient, a bright box and a dark stripe."""
    v = 40 + 2 * x + y
    if 10 <= x < 22 and 8 <= y < 20:
        v = 220
    if 40 <= x < 44:
        v = 15
    return v


def noisy(value_at, rng: random.Random, amplitude: int = 3):
    """``value_at`` plus independent per-pixel noise in [-amplitude, +amplitude]."""
    return lambda x, y: value_at(x, y) + rng.randint(-amplitude, amplitude)


def with_square(value_at, left: int, top: int, size: int = 6, level: int = 250):
    return lambda x, y: level if left <= x < left + size and top <= y < top + size else value_at(x, y)


def fp_of(pixels: bytes, w: int = W, h: int = H) -> Fingerprint:
    return fingerprint(w, h, pixels)


# --- fingerprint ---------------------------------------------------------------------------
def test_fingerprint_is_a_16x9_grid_of_cell_mean_luminance():
    fp = fp_of(grey_image(lambda x, y: 100 if x < W // 2 else 200))
    assert (fp.cols, fp.rows, len(fp.cells)) == (16, 9, 144)
    assert fp.cells[0] == 100 and fp.cells[15] == 200 and fp.cells[-1] == 200
    assert fp.mean == pytest.approx(150)


def test_grey_rgb_and_rgba_pixels_give_the_same_fingerprint():
    rgb = grey_image(scene)
    grey = rgb[::3]
    rgba = bytearray(W * H * 4)
    for c in range(3):
        rgba[c::4] = rgb[c::3]
    rgba[3::4] = b"\x80" * (W * H)
    a, b, c = fp_of(rgb), fp_of(grey), fp_of(bytes(rgba))
    assert a.cells == pytest.approx(b.cells) and a.cells == pytest.approx(c.cells)
    assert a.spread == pytest.approx(b.spread)


def test_colour_is_weighted_as_luminance():
    assert fp_of(solid((255, 0, 0))).mean == pytest.approx(0.299 * 255)
    assert fp_of(solid((0, 255, 0))).mean == pytest.approx(0.587 * 255)


def test_odd_sizes_and_tiny_images_work():
    fp = fingerprint(7, 5, bytes(range(35)))
    assert (fp.cols, fp.rows) == (7, 5)  # fewer pixels than cells: one cell per pixel
    fp = fingerprint(100, 50, solid((9, 9, 9), 100, 50))
    assert (fp.cols, fp.rows) == (16, 9) and set(fp.cells) == {9}


@pytest.mark.parametrize(("w", "h", "size"), [(0, 36, 0), (64, 36, 10), (64, 36, 64 * 36 * 2)])
def test_bad_sizes_are_refused(w, h, size):
    with pytest.raises(ValueError):
        fingerprint(w, h, bytes(size))


# --- difference and the noise threshold -------------------------------------------------------
def test_sensor_noise_on_a_still_scene_stays_far_below_the_change_threshold():
    rng = random.Random(1)
    reference = fp_of(grey_image(noisy(scene, rng)))
    diffs = [difference(reference, fp_of(grey_image(noisy(scene, rng)))) for _ in range(40)]
    assert max(diffs) < C.PICTURE_CHANGE_THRESHOLD_LEVELS / 2, diffs


def test_a_small_object_in_one_cell_is_a_change_even_under_noise():
    rng = random.Random(2)
    before = fp_of(grey_image(noisy(scene, rng)))
    after = fp_of(grey_image(noisy(with_square(scene, 50, 28, size=2), rng)))  # 2x2 px of 64x36
    assert difference(before, after) > C.PICTURE_CHANGE_THRESHOLD_LEVELS


def test_difference_is_symmetric_zero_for_equal_and_maximal_for_different_grids():
    a, b = fp_of(grey_image(scene)), fp_of(solid((0, 0, 0)))
    assert difference(a, a) == 0
    assert difference(a, b) == difference(b, a) > 0
    assert difference(a, fingerprint(8, 8, bytes(64))) == 255


# --- blank ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "rgb", [(0, 0, 0), (128, 128, 128), (255, 255, 255), (0, 0, 255), (30, 200, 40)], ids=str
)
def test_uniform_pictures_are_blank(rgb):
    assert is_blank(fp_of(solid(rgb)))


def test_black_with_sensor_noise_is_blank():
    assert is_blank(fp_of(grey_image(noisy(lambda x, y: 8, random.Random(3), amplitude=6))))


def test_black_with_a_burned_in_clock_is_still_blank():
    def clock(x, y):
        return 255 if 2 <= y < 5 and 2 <= x < 30 and x % 3 else 0  # text in the top-left corner

    assert is_blank(fp_of(grey_image(clock)))


@pytest.mark.parametrize(
    "value_at",
    [lambda x, y: x * 4, lambda x, y: y * 7, scene, lambda x, y: 255 if 16 <= x < 48 and 9 <= y < 27 else 20],
    ids=["h-gradient", "v-gradient", "scene", "no-signal-card"],
)
def test_pictures_with_content_are_not_blank(value_at):
    assert not is_blank(fp_of(grey_image(value_at)))


def test_equal_luminance_colours_side_by_side_are_not_blank():
    # red and a green of the same luminance: uniform in grey, not in colour
    green = round(0.299 * 255 / 0.587)
    pixels = b"".join(bytes((255, 0, 0)) if x < W // 2 else bytes((0, green, 0)) for _y in range(H) for x in range(W))
    fp = fp_of(pixels)
    assert max(fp.cells) - min(fp.cells) < 1
    assert not is_blank(fp)


# --- the watch over time ------------------------------------------------------------------------
def run(watch: PictureWatch, frames, start: float = 0.0, step_s: float = 10.0) -> list[Reason | None]:
    """Observe ``frames`` (pixel bytes) every ``step_s`` seconds; the answers in order."""
    return [watch.observe(fp_of(px), start + i * step_s) for i, px in enumerate(frames)]


def test_still_picture_with_noise_is_frozen_after_the_configured_time_and_not_before():
    rng = random.Random(4)
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=120))
    answers = run(watch, [grey_image(noisy(scene, rng)) for _ in range(16)])
    assert answers[:12] == [None] * 12  # t = 0 … 110 s
    assert answers[12:] == [Reason.FROZEN_IMAGE] * 4  # t = 120 … 150 s
    assert watch.problem is Reason.FROZEN_IMAGE and watch.problem_since == 0.0


def test_moving_pattern_is_never_flagged():
    rng = random.Random(5)
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=30, blank_after_s=30))
    frames = [grey_image(noisy(with_square(scene, (7 * i) % 58, (5 * i) % 30), rng)) for i in range(100)]
    assert set(run(watch, frames)) == {None}


def test_slow_drift_counts_as_change():
    # dusk: +1 level per check, far below the threshold per step, but it adds up
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=120))
    frames = [grey_image(lambda x, y, i=i: scene(x, y) + i) for i in range(60)]
    assert set(run(watch, frames)) == {None}


def test_frozen_clears_as_soon_as_the_picture_changes_and_restarts_its_timer():
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=30))
    still = grey_image(scene)
    assert run(watch, [still] * 4)[-1] is Reason.FROZEN_IMAGE  # t = 30
    moved = grey_image(with_square(scene, 50, 20))
    assert watch.observe(fp_of(moved), 40.0) is None
    assert watch.problem is None and watch.problem_since is None
    assert watch.observe(fp_of(moved), 60.0) is None
    assert watch.observe(fp_of(moved), 70.0) is Reason.FROZEN_IMAGE  # 30 s after the change


def test_black_picture_is_blank_after_its_time_and_never_frozen():
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=20, blank_after_s=60))
    answers = run(watch, [solid((0, 0, 0))] * 10)
    assert answers[:6] == [None] * 6  # frozen_after_s passed long ago, but blank wins
    assert answers[6:] == [Reason.BLANK_PICTURE] * 4
    assert watch.problem_since == 0.0


def test_blank_clears_when_content_returns():
    watch = PictureWatch(PictureCheckConfig(blank_after_s=20))
    assert run(watch, [solid((0, 0, 255))] * 3)[-1] is Reason.BLANK_PICTURE
    assert watch.observe(fp_of(grey_image(scene)), 30.0) is None
    assert watch.problem is None


def test_blank_timer_restarts_when_the_picture_has_content_in_between():
    watch = PictureWatch(PictureCheckConfig(blank_after_s=30))
    black, content = solid((0, 0, 0)), grey_image(scene)
    assert set(run(watch, [black, black, black, content, black, black, black])) == {None}


def test_reset_forgets_the_reference_and_the_timers():
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=30))
    still = grey_image(scene)
    assert run(watch, [still] * 4)[-1] is Reason.FROZEN_IMAGE
    watch.reset()
    assert watch.problem is None
    assert run(watch, [still] * 3, start=100.0) == [None, None, None]  # t = 100 … 120: 20 s only


def test_infinite_times_switch_a_check_off():
    watch = PictureWatch(PictureCheckConfig(frozen_after_s=math.inf, blank_after_s=math.inf))
    assert set(run(watch, [grey_image(scene)] * 50 + [solid((0, 0, 0))] * 50)) == {None}


def test_defaults_come_from_the_constants():
    cfg = PictureCheckConfig()
    assert (cfg.frozen_after_s, cfg.blank_after_s) == (C.FROZEN_IMAGE_AFTER_S, C.BLANK_PICTURE_AFTER_S)
    assert cfg.change_threshold == C.PICTURE_CHANGE_THRESHOLD_LEVELS
    assert cfg.blank_stddev_max == C.BLANK_STDDEV_MAX_LEVELS


@pytest.mark.parametrize(
    "bad",
    [{"frozen_after_s": 0}, {"blank_after_s": -1}, {"change_threshold": 0}, {"blank_stddev_max": -0.1},
     {"blank_stddev_max": math.nan}],
)
def test_config_refuses_nonsense(bad):
    with pytest.raises(ValueError):
        PictureCheckConfig(**bad)


def test_reasons_have_their_spelling_and_text():
    assert Reason("frozen_image") is Reason.FROZEN_IMAGE and Reason("blank_picture") is Reason.BLANK_PICTURE
    assert REASON_TEXT[Reason.FROZEN_IMAGE] == "picture frozen"
    assert REASON_TEXT[Reason.BLANK_PICTURE] == "blank picture"


def test_first_checks_are_spread_over_one_interval():
    delays = [first_check_delay_s(i, 16, 10.0) for i in range(16)]
    assert delays[0] == 0 and delays == sorted(delays) and max(delays) < 10.0
    assert delays[1] == pytest.approx(0.625)
    assert first_check_delay_s(3, 0) == 0.0
