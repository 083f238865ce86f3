"""Grid and uneven layouts as data (viewer.core.layouts): every cell covered once, clear
errors for bad specs, spelling variants, paging that keeps positions."""

import pytest

from viewer.core.layouts import MENU_LAYOUTS, UNEVEN_LAYOUTS, LayoutError, page, page_count, parse_layout


def _covered(layout):
    cells = []
    for t in layout.tiles:
        cells += [(r, c) for r in range(t.row, t.row + t.row_span) for c in range(t.col, t.col + t.col_span)]
    return cells


@pytest.mark.parametrize("spec", [f"{n}x{m}" for n in range(1, 9) for m in range(1, 9)])
def test_uniform_grids_cover_every_cell_once(spec):
    layout = parse_layout(spec)
    n, m = map(int, spec.split("x"))
    assert layout.size == n * m
    assert sorted(_covered(layout)) == [(r, c) for r in range(n) for c in range(m)]
    assert layout.is_uniform


@pytest.mark.parametrize(
    ("spec", "size", "big"), [("1+5", 6, 1), ("1+7", 8, 1), ("1+12", 13, 1), ("2+8", 10, 2), ("3+4", 7, 3)]
)
def test_uneven_layouts(spec, size, big):
    layout = parse_layout(spec)
    assert layout.size == size
    cells = _covered(layout)
    assert len(cells) == len(set(cells)) == layout.rows * layout.cols  # no gap, no overlap
    assert [t.row_span > 1 for t in layout.tiles] == [True] * big + [False] * (size - big)
    assert not layout.is_uniform


def test_1_plus_12_has_its_big_tile_in_the_centre():
    big = parse_layout("1+12").tiles[0]
    assert (big.row, big.col, big.row_span, big.col_span) == (1, 1, 2, 2)


@pytest.mark.parametrize("bad", ["", "0x3", "9x9", "3x", "1+6", "abc", "3x3x3"])
def test_bad_specs_are_clear_errors(bad):
    with pytest.raises(LayoutError, match=r"layout|out of range"):
        parse_layout(bad)


def test_spec_spelling_variants():
    assert parse_layout(" 3 X 3 ").spec == "3x3"
    assert parse_layout("2×4").size == 8


def test_menu_layouts_all_parse():
    assert all(parse_layout(s) for s in MENU_LAYOUTS)
    assert set(UNEVEN_LAYOUTS) <= set(MENU_LAYOUTS)


def test_paging_keeps_positions_and_pads():
    items = [f"c{i}" for i in range(10)]
    assert page_count(10, 4) == 3
    assert page(items, 4, 0) == ["c0", "c1", "c2", "c3"]
    assert page(items, 4, 2) == ["c8", "c9", None, None]
    assert page(items, 4, 3) == page(items, 4, 0)  # wraps
    assert page(items, 4, -1) == page(items, 4, 2)


def test_empty_district_has_one_empty_page():
    assert page_count(0, 9) == 1
    assert page([], 4, 0) == [None] * 4
