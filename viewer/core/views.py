"""What the wall shows, as data: layout, source (district page or hand-picked cameras).

A :class:`WallView` is immutable; every operator action returns a new one. Saved views
and the last session live in ``views.json`` (schema-versioned, written atomically).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from viewer.core.layouts import Layout, LayoutError, page, page_count, parse_layout
from viewer.core.store import atomic_write_json, load_json

log = logging.getLogger(__name__)

VIEWS_SCHEMA_VERSION = 1
DEFAULT_LAYOUT = "3x3"
LAST_SESSION_KEY = "last_session"
LAST_TOUR_KEY = "last_tour"


@dataclass(frozen=True)
class WallView:
    """Layout plus one camera id (or None) per tile.

    ``district``/``page_index`` are set while the wall shows a district page; a manual
    change to a tile turns the view into a hand-picked one (district None).
    """

    layout_spec: str = DEFAULT_LAYOUT
    cameras: tuple[str | None, ...] = ()
    district: str | None = None
    page_index: int = 0
    name: str = ""

    @property
    def layout(self) -> Layout:
        return parse_layout(self.layout_spec)

    def padded(self) -> tuple[str | None, ...]:
        size = self.layout.size
        return (tuple(self.cameras) + (None,) * size)[:size]


def district_page(camera_ids: Sequence[str], district: str, layout_spec: str, index: int) -> WallView:
    layout = parse_layout(layout_spec)
    pages = page_count(len(camera_ids), layout.size)
    index %= pages
    return WallView(layout_spec, tuple(page(camera_ids, layout.size, index)), district, index)


def same_page(a: WallView, b: WallView) -> bool:
    """Whether two views put the same cameras in the same places of the same layout."""
    return a.layout_spec == b.layout_spec and a.padded() == b.padded()


def neighbour_pages(camera_ids: Sequence[str], view: WallView, max_tiles: int) -> list[WallView]:
    """The next, then the previous page of ``view``'s district (``camera_ids``: the district's
    cameras in order), as long as their tiles together number at most ``max_tiles``; none for
    a hand-picked view or a district that fits one page."""
    if max_tiles <= 0 or view.district is None:
        return []
    pages: list[WallView] = []
    budget = max_tiles
    for delta in (1, -1):
        neighbour = district_page(camera_ids, view.district, view.layout_spec, view.page_index + delta)
        if neighbour.page_index == view.page_index or any(same_page(neighbour, p) for p in pages):
            continue
        if neighbour.layout.size > budget:
            break
        budget -= neighbour.layout.size
        pages.append(neighbour)
    return pages


def with_camera(view: WallView, tile: int, camera_id: str | None) -> WallView:
    cams = list(view.padded())
    cams[tile] = camera_id
    return replace(view, cameras=tuple(cams), district=None, page_index=0)


def with_layout(view: WallView, layout_spec: str, district_cameras: Sequence[str] | None) -> WallView:
    """Change the layout; a district view re-pages so the first camera stays visible."""
    new = parse_layout(layout_spec)
    if view.district is not None and district_cameras is not None:
        first = view.page_index * view.layout.size
        return district_page(district_cameras, view.district, layout_spec, first // new.size)
    cams = tuple(c for c in view.cameras)
    return replace(view, layout_spec=new.spec, cameras=(cams + (None,) * new.size)[: new.size])


def view_to_json(view: WallView) -> dict:
    return {
        "name": view.name,
        "layout": view.layout_spec,
        "cameras": list(view.cameras),
        "district": view.district,
        "page": view.page_index,
    }


def view_from_json(data: dict) -> WallView | None:
    try:
        spec = str(data.get("layout", DEFAULT_LAYOUT))
        parse_layout(spec)
        cameras = tuple(None if c is None else str(c) for c in data.get("cameras", []))
        district = data.get("district")
        return WallView(spec, cameras, None if district is None else str(district),
                        int(data.get("page", 0)), str(data.get("name", "")))
    except (LayoutError, TypeError, ValueError, AttributeError) as exc:
        log.warning("ignoring unreadable saved view %r: %s", data, exc)
        return None


class ViewStore:
    """Named views plus the last session of each wall window, in one JSON file.

    Main thread only. Every change is written atomically at once.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        raw = load_json(self.path, {})
        if not isinstance(raw, dict):
            log.warning("%s does not hold an object; starting empty", self.path)
            raw = {}
        self._views: dict[str, WallView] = {}
        for name, data in (raw.get("views") or {}).items():
            view = view_from_json(data) if isinstance(data, dict) else None
            if view is not None:
                self._views[str(name)] = replace(view, name=str(name))
        tours = raw.get(LAST_TOUR_KEY)
        self._tours: dict[str, str] = {str(k): str(v) for k, v in tours.items()} if isinstance(tours, dict) else {}
        self._sessions: dict[str, WallView] = {}
        for key, data in (raw.get(LAST_SESSION_KEY) or {}).items():
            view = view_from_json(data) if isinstance(data, dict) else None
            if view is not None:
                self._sessions[str(key)] = view

    def names(self) -> list[str]:
        return sorted(self._views, key=str.casefold)

    def get(self, name: str) -> WallView | None:
        return self._views.get(name)

    def save(self, name: str, view: WallView) -> None:
        self._views[name] = replace(view, name=name)
        self._write()

    def delete(self, name: str) -> None:
        if self._views.pop(name, None) is not None:
            self._write()

    def last_session(self, window_key: str = "0") -> WallView | None:
        return self._sessions.get(window_key)

    def set_last_session(self, view: WallView, window_key: str = "0") -> None:
        if self._sessions.get(window_key) == view:
            return
        self._sessions[window_key] = view
        self._write()

    def last_tour(self, window_key: str = "0") -> str | None:
        """The tour that ran when the window last closed (or crashed), if any."""
        return self._tours.get(window_key)

    def set_last_tour(self, tour_id: str | None, window_key: str = "0") -> None:
        if self._tours.get(window_key) == tour_id:
            return
        if tour_id is None:
            self._tours.pop(window_key, None)
        else:
            self._tours[window_key] = tour_id
        self._write()

    def _write(self) -> None:
        atomic_write_json(
            self.path,
            {
                "schema_version": VIEWS_SCHEMA_VERSION,
                "views": {name: view_to_json(v) for name, v in self._views.items()},
                LAST_SESSION_KEY: {key: view_to_json(v) for key, v in self._sessions.items()},
                LAST_TOUR_KEY: dict(self._tours),
            },
        )
