"""The tests' small PNG reader (tests/support/png.py): cross-checked against ffmpeg's PNG encoder (all five row filters,
grey/RGB/alpha), against hand-filtered rows, and on the files it must refuse."""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib

import pytest

from tests.support.png import PngError, decode_png

FFMPEG = shutil.which("ffmpeg")
# (ffmpeg pix_fmt, channels)
FORMATS = [("rgb24", 3), ("gray", 1), ("rgba", 4), ("ya8", 2)]


def _ffmpeg(args: list[str]) -> bytes:
    return subprocess.run(["ffmpeg", "-loglevel", "error", *args], check=True, capture_output=True).stdout


@pytest.mark.skipif(FFMPEG is None, reason="ffmpeg makes the reference PNGs")
@pytest.mark.parametrize(("pix_fmt", "channels"), FORMATS)
@pytest.mark.parametrize("pred", ["none", "sub", "up", "avg", "paeth", "mixed"])
def test_decodes_what_ffmpeg_encodes(pix_fmt, channels, pred):
    source = ["-f", "lavfi", "-i", "testsrc2=size=64x36:rate=1", "-frames:v", "1", "-pix_fmt", pix_fmt]
    png = _ffmpeg([*source, "-pred", pred, "-f", "image2pipe", "-c:v", "png", "-"])
    raw = _ffmpeg([*source, "-f", "rawvideo", "-"])
    image = decode_png(png)
    assert (image.width, image.height, image.channels) == (64, 36, channels)
    assert image.pixels == raw


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int, height: int, colour_type: int, rows: bytes, depth: int = 8, interlace: int = 0) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, interlace)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def test_hand_filtered_rows():
    # 2x2 grey: row 0 "Sub" 10, +5 -> 10, 15; row 1 "Up" +1, +2 -> 11, 17
    image = decode_png(_png(2, 2, 0, bytes([1, 10, 5, 2, 1, 2])))
    assert image.pixels == bytes([10, 15, 11, 17])


def test_rgb_expands_grey_and_drops_alpha():
    grey = decode_png(_png(2, 1, 0, bytes([0, 7, 200])))
    assert grey.rgb() == bytes([7, 7, 7, 200, 200, 200])
    rgba = decode_png(_png(1, 1, 6, bytes([0, 1, 2, 3, 4])))
    assert rgba.rgb() == bytes([1, 2, 3])
    grey_alpha = decode_png(_png(1, 1, 4, bytes([0, 9, 255])))
    assert grey_alpha.rgb() == bytes([9, 9, 9])


@pytest.mark.parametrize(
    "data",
    [
        b"GIF89a",
        _png(1, 1, 0, bytes([0, 0]), depth=16),
        _png(1, 1, 3, bytes([0, 0])),  # palette
        _png(1, 1, 0, bytes([0, 0]), interlace=1),
        _png(2, 2, 0, bytes([0, 1, 2])),  # too little data
        _png(1, 1, 0, bytes([7, 0])),  # filter type 7
        _png(0, 1, 0, b""),
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IEND", b""),  # no header
        _png(1, 1, 0, bytes([0, 0]))[:20],  # truncated chunk
    ],
    ids=["not-png", "16-bit", "palette", "interlaced", "short", "bad-filter", "empty", "no-ihdr", "truncated"],
)
def test_refuses_what_it_cannot_read(data):
    with pytest.raises(PngError):
        decode_png(data)
