"""Catalog YAML text for tests: districts of cameras, a camera with a sub-stream."""

from __future__ import annotations


def catalog_yaml(districts: dict[str, list[tuple[str, str]]], extra: str = "") -> str:
    """districts: id -> [(camera_id, url)]."""
    lines = ["version: 1", "districts:"]
    for d in districts:
        lines += [f"  - id: {d}", f"    name: District {d.upper()}"]
    lines.append("cameras:")
    for d, cams in districts.items():
        for cam_id, url in cams:
            lines += [f"  - id: {cam_id}", f"    name: Camera {cam_id}", f"    district: {d}", f"    url: {url}"]
    return "\n".join(lines) + "\n" + extra


def substream_catalog(main_url: str, sub_url: str, other_url: str | None = None) -> str:
    """Camera ``cam`` with a main stream and a grid sub-stream, and ``other`` beside it."""
    return f"""version: 1
districts:
  - {{id: d1, name: District 1}}
cameras:
  - {{id: cam, name: Cam, district: d1, url: '{main_url}', substream: '{sub_url}'}}
  - {{id: other, name: Other, district: d1, url: '{other_url or sub_url}'}}
"""
