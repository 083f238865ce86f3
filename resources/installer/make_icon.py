"""Draw the app icon with QPainter and write ``resources/icons/videowall.png`` and ``.ico``.

A developer tool (the outputs are committed): ``.venv/bin/python resources/installer/make_icon.py``.
The ICO holds 16, 24, 32 and 48 px as 32-bit BMP entries and 256 px as PNG, the layout
Windows, PyInstaller and Inno Setup all read. Main thread only (QGuiApplication).
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ICON_DIR = Path(__file__).resolve().parents[1] / "icons"
BMP_SIZES_PX = (16, 24, 32, 48)
PNG_SIZE_PX = 256


def draw(size_px: int):
    """A dark screen holding a 2x2 wall of tiles, one of them flagged red."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(size_px, size_px, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size_px / 16.0
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(32, 38, 46))
    painter.drawRoundedRect(QRectF(0.5 * s, 1.5 * s, 15 * s, 13 * s), 1.6 * s, 1.6 * s)
    colours = [QColor(70, 160, 220), QColor(90, 190, 120), QColor(230, 170, 60), QColor(225, 60, 60)]
    tile_w, tile_h, gap = 6.2 * s, 5.0 * s, 0.9 * s
    for index, colour in enumerate(colours):
        x = 1.5 * s + (index % 2) * (tile_w + gap)
        y = 2.8 * s + (index // 2) * (tile_h + gap)
        painter.setBrush(colour)
        painter.drawRoundedRect(QRectF(x, y, tile_w, tile_h), 0.5 * s, 0.5 * s)
    painter.end()
    return image


def _png_bytes(image) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def _bmp_entry(image) -> bytes:
    """BITMAPINFOHEADER + bottom-up BGRA rows + an all-zero AND mask (alpha does the work)."""
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    for y in reversed(range(height)):
        row = bytearray()
        for x in range(width):
            argb = image.pixel(x, y)
            row += struct.pack("<I", argb)  # little-endian ARGB is B, G, R, A in memory
        rows.append(bytes(row))
    mask_row = b"\0" * (((width + 31) // 32) * 4)
    return header + b"".join(rows) + mask_row * height


def ico_bytes(entries: list[tuple[int, bytes]]) -> bytes:
    """An ICO file from ``(size_px, image data)`` entries (BMP or PNG data)."""
    out = struct.pack("<HHH", 0, 1, len(entries))
    offset = 6 + 16 * len(entries)
    directory, blobs = b"", b""
    for size_px, data in entries:
        dim = 0 if size_px >= 256 else size_px
        directory += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        blobs += data
        offset += len(data)
    return out + directory + blobs


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    big = draw(PNG_SIZE_PX)
    (ICON_DIR / "videowall.png").write_bytes(_png_bytes(big))
    entries = [(size, _bmp_entry(draw(size))) for size in BMP_SIZES_PX]
    entries.append((PNG_SIZE_PX, _png_bytes(big)))
    (ICON_DIR / "videowall.ico").write_bytes(ico_bytes(entries))
    print(f"wrote {ICON_DIR / 'videowall.png'} and {ICON_DIR / 'videowall.ico'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
