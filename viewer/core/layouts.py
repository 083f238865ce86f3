"""Wall layouts as data: uniform N×M grids and uneven "1+5"-style layouts, and paging.

A layout is a grid of ``rows`` × ``cols`` unit cells; each tile covers a rectangle of
cells. Tiles are ordered big-first, then row-major, which is the order cameras fill them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

MAX_GRID_SIDE = 8

_UNIFORM_RE = re.compile(r"^\s*(\d+)\s*[x×X*]\s*(\d+)\s*$")


@dataclass(frozen=True)
class TileRect:
    """One tile's position in unit cells."""

    row: int
    col: int
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True)
class Layout:
    spec: str
    rows: int
    cols: int
    tiles: tuple[TileRect, ...]

    @property
    def size(self) -> int:
        """How many cameras one page of this layout shows."""
        return len(self.tiles)

    @property
    def is_uniform(self) -> bool:
        return all(t.row_span == 1 and t.col_span == 1 for t in self.tiles)


class LayoutError(ValueError):
    pass


def uniform(rows: int, cols: int) -> Layout:
    if not (1 <= rows <= MAX_GRID_SIDE and 1 <= cols <= MAX_GRID_SIDE):
        raise LayoutError(f"grid {rows}x{cols} out of range 1x1 .. {MAX_GRID_SIDE}x{MAX_GRID_SIDE}")
    tiles = tuple(TileRect(r, c) for r in range(rows) for c in range(cols))
    return Layout(f"{rows}x{cols}", rows, cols, tiles)


def _uneven(spec: str, side: int, big: Sequence[TileRect]) -> Layout:
    """Big tiles as given; every remaining unit cell becomes a small tile, row-major."""
    covered = {
        (r, c)
        for t in big
        for r in range(t.row, t.row + t.row_span)
        for c in range(t.col, t.col + t.col_span)
    }
    small = [TileRect(r, c) for r in range(side) for c in range(side) if (r, c) not in covered]
    return Layout(spec, side, side, (*big, *small))


UNEVEN_LAYOUTS: dict[str, Layout] = {
    "1+5": _uneven("1+5", 3, [TileRect(0, 0, 2, 2)]),
    "1+7": _uneven("1+7", 4, [TileRect(0, 0, 3, 3)]),
    "1+12": _uneven("1+12", 4, [TileRect(1, 1, 2, 2)]),
    "2+8": _uneven("2+8", 4, [TileRect(0, 0, 2, 2), TileRect(0, 2, 2, 2)]),
    "3+4": _uneven("3+4", 4, [TileRect(0, 0, 2, 2), TileRect(0, 2, 2, 2), TileRect(2, 0, 2, 2)]),
}

#: What the layout menu offers, in order.
MENU_LAYOUTS: tuple[str, ...] = ("1x1", "2x2", "3x3", "4x4", "5x5", "6x6", "8x8", *UNEVEN_LAYOUTS)


def parse_layout(spec: str) -> Layout:
    """``"3x3"``, ``"4x2"`` or one of :data:`UNEVEN_LAYOUTS`; raises :class:`LayoutError`."""
    key = spec.strip().replace(" ", "")
    if key in UNEVEN_LAYOUTS:
        return UNEVEN_LAYOUTS[key]
    match = _UNIFORM_RE.match(key)
    if match:
        return uniform(int(match.group(1)), int(match.group(2)))
    known = ", ".join(UNEVEN_LAYOUTS)
    raise LayoutError(f"unknown layout {spec!r}: use RxC (1x1 .. 8x8) or one of {known}")


def page_count(n_items: int, page_size: int) -> int:
    """Pages needed for ``n_items``; an empty district still has one (empty) page."""
    if page_size < 1:
        raise ValueError("page_size must be >= 1")
    return max(1, -(-n_items // page_size))


def page(items: Sequence[T], page_size: int, index: int) -> list[T | None]:
    """Page ``index`` (wrapping) of ``items``, padded with ``None`` to ``page_size``.

    Positions are fixed: item k always lands in tile ``k % page_size`` of page
    ``k // page_size``, so a camera that is down keeps its tile and nothing reflows.
    """
    pages = page_count(len(items), page_size)
    index %= pages
    chunk: list[T | None] = list(items[index * page_size : (index + 1) * page_size])
    return chunk + [None] * (page_size - len(chunk))
