"""Catalog YAML for tests, from one builder (:func:`catalog_text`) and its shorthands.

Values are written by PyYAML itself, so any URL, name or password (``:``, ``#``, quotes,
``${VAR}``) reads back exactly as given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from viewer.core.store import atomic_write_text


class _IndentedDumper(yaml.SafeDumper):
    """Lists indented under their key (``cameras:`` then ``  - id: ...``), as people write
    catalogs: a test may append one more ``  - {...}`` camera to the text."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def catalog_text(
    cameras: Iterable[Mapping[str, object]],
    districts: Mapping[str, str] | Iterable[str] | None = None,
    extra: str = "",
) -> str:
    """A version-1 catalog of ``cameras``: each a mapping of catalog fields with at least
    ``id``, ``district`` and ``url`` (``name`` defaults to "Camera <id>"; fields whose value is
    None are left out). ``districts``: id -> name, or ids (named "District <id>"); by default
    the districts the cameras name, in order. ``extra``: YAML appended as is (e.g. tours)."""
    rows = [{"name": f"Camera {c['id']}", **{k: v for k, v in c.items() if v is not None}} for c in cameras]
    if districts is None:
        districts = list(dict.fromkeys(str(c["district"]) for c in rows))
    if not isinstance(districts, Mapping):
        districts = {d: f"District {d}" for d in districts}
    document = {
        "version": 1,
        "districts": [{"id": d, "name": name} for d, name in districts.items()],
        "cameras": [{"id": c["id"], **{k: v for k, v in c.items() if k != "id"}} for c in rows],
    }
    return yaml.dump(document, Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True) + extra


def write_catalog_file(path: Path, text: str) -> Path:
    """``text`` into ``path`` by the product's atomic replace (a watching monitor never reads
    half a file); readable by other processes like a catalog an administrator wrote."""
    atomic_write_text(path, text, mode=0o644)
    return path


def catalog_yaml(districts: dict[str, list[tuple[str, str]]], extra: str = "") -> str:
    """districts: id -> [(camera_id, url)]; districts are named "District <ID>"."""
    return catalog_text(
        [{"id": cam_id, "district": d, "url": url} for d, cams in districts.items() for cam_id, url in cams],
        {d: f"District {d.upper()}" for d in districts},
        extra,
    )


def substream_catalog(main_url: str, sub_url: str, other_url: str | None = None) -> str:
    """Camera ``cam`` with a main stream and a grid sub-stream, and ``other`` beside it."""
    return catalog_text(
        [{"id": "cam", "name": "Cam", "district": "d1", "url": main_url, "substream": sub_url},
         {"id": "other", "name": "Other", "district": "d1", "url": other_url or sub_url}],
        {"d1": "District 1"},
    )  # fmt: skip
