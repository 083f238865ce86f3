"""A small PNG reader (stdlib only): the tests' own decoder for the snapshots libVLC writes.

The wall decodes its picture-check thumbnails with Qt (``viewer.ui.picture_checker``); this
reader, written from the PNG specification, is the independent check that Qt's pixels are
right, and reads the operator snapshots the UI tests save.

Reads 8-bit, non-interlaced greyscale, RGB, grey+alpha and RGBA images (PNG colour types
0, 2, 4, 6) — what libVLC's PNG encoder produces (RGB) and what other tools commonly write.
Anything else raises :class:`PngError`. Pure and thread-safe. Meant for thumbnails of a few
thousand pixels: the filters are undone in Python (~1 ms for 64×36 RGB).
"""

from __future__ import annotations

import logging
import struct
import zlib
from dataclasses import dataclass

log = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Refuse images larger than this (pixels): this reader is for thumbnails.
MAX_PIXELS = 4_000_000
_CHANNELS_BY_COLOUR_TYPE = {0: 1, 2: 3, 4: 2, 6: 4}


class PngError(ValueError):
    """The bytes are not a PNG this reader understands."""


@dataclass(frozen=True)
class PngImage:
    """Decoded pixels, row-major, ``channels`` bytes per pixel (1 grey, 2 grey+alpha, 3 RGB,
    4 RGBA), no row padding."""

    width: int
    height: int
    channels: int
    pixels: bytes

    def rgb(self) -> bytes:
        """The pixels as RGB, 3 bytes per pixel (alpha dropped, grey expanded)."""
        px = self.pixels
        if self.channels == 3:
            return px
        out = bytearray(self.width * self.height * 3)
        if self.channels == 4:
            for c in range(3):
                out[c::3] = px[c::4]
        else:  # grey (1) or grey+alpha (2)
            grey = px[:: self.channels]
            for c in range(3):
                out[c::3] = grey
        return bytes(out)


def decode_png(data: bytes) -> PngImage:
    """Decode ``data`` (a whole PNG file). Raises :class:`PngError` on anything unsupported."""
    if not data.startswith(PNG_SIGNATURE):
        raise PngError("not a PNG file")
    header: tuple[int, ...] | None = None
    compressed = bytearray()
    pos = len(PNG_SIGNATURE)
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise PngError("truncated chunk")
        pos += 12 + length  # length, type, body, CRC
        if kind == b"IHDR":
            if length != 13:
                raise PngError("bad IHDR")
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed += body
        elif kind == b"IEND":
            break
    if header is None:
        raise PngError("no IHDR chunk")
    width, height, depth, colour_type, _compression, _filter, interlace = header
    channels = _CHANNELS_BY_COLOUR_TYPE.get(colour_type)
    if depth != 8 or channels is None or interlace != 0:
        raise PngError(f"unsupported PNG (bit depth {depth}, colour type {colour_type}, interlace {interlace})")
    if not 0 < width * height <= MAX_PIXELS:
        raise PngError(f"unsupported PNG size {width}x{height}")
    try:
        raw = zlib.decompress(bytes(compressed))
    except zlib.error as exc:
        raise PngError(f"corrupt image data: {exc}") from None
    stride = width * channels
    if len(raw) < height * (stride + 1):
        raise PngError("truncated image data")
    return PngImage(width, height, channels, _unfilter(raw, height, stride, channels))


def _unfilter(raw: bytes, height: int, stride: int, bpp: int) -> bytes:
    """Undo the per-row PNG filters (None, Sub, Up, Average, Paeth)."""
    out = bytearray(height * stride)
    prior = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        row = bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            row = bytearray((a + b) & 0xFF for a, b in zip(row, prior, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prior[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b = prior[i]
                c = prior[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 0xFF
        elif kind != 0:
            raise PngError(f"bad filter type {kind} in row {y}")
        out[y * stride : (y + 1) * stride] = row
        prior = row
    return bytes(out)
