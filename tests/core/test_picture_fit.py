"""Surface sizes whose fitted picture has an even width (libVLC's fast scaling path)."""

from __future__ import annotations

from viewer.core.picture_fit import CAMERA_ASPECTS, fast_surface_size, fitted_width


def test_fitted_width_truncates_like_libvlc() -> None:
    assert fitted_width(545, 256, (16, 9)) == 455  # height-limited: 455.1 px
    assert fitted_width(545, 258, (16, 9)) == 458
    assert fitted_width(455, 400, (16, 9)) == 455  # width-limited


def test_the_3x3_wall_surface_that_measured_slow_is_trimmed_to_a_fast_one() -> None:
    w, h = fast_surface_size(545, 256)
    assert (545 - w, 256 - h) <= (8, 8) and w <= 545 and h <= 256
    assert all(fitted_width(w, h, a) % 2 == 0 for a in CAMERA_ASPECTS)


def test_every_size_gets_an_even_16_9_picture_within_the_trim() -> None:
    for width in range(40, 1930, 37):
        for height in range(30, 1090, 41):
            w, h = fast_surface_size(width, height)
            assert width - 8 <= w <= width and height - 8 <= h <= height, (width, height)
            assert fitted_width(w, h, (16, 9)) % 2 == 0, (width, height)


def test_an_already_fast_size_is_kept() -> None:
    assert fast_surface_size(456, 400) == (456, 400)  # 456 wide for both aspects
    assert fast_surface_size(640, 360) == (640, 360)  # 640 wide for 16:9, 480 for 4:3
