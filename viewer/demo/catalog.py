"""The demo city's catalog as YAML text: districts, cameras, the two tours. Pure."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.demo.city import DemoCamera, DemoDistrict

log = logging.getLogger(__name__)

PATROL_TOUR_ID = "patroli-kota"
PATROL_DWELL_S = 15.0
MARKET_TOUR_ID = "pasar-pagi"
MARKET_DWELL_S = 20.0
MARKET_DISTRICTS = ("semarang-tengah", "semarang-timur", "semarang-selatan", "semarang-barat")

_PLAIN_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]*\Z")


def _q(text: str) -> str:
    """A YAML scalar for ``text``: plain when that is safe, else double-quoted."""
    if _PLAIN_RE.match(text) and not text.endswith(" ") and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


_YAML_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null", "y", "n", "~"})


def render_demo_catalog(
    districts: list[DemoDistrict],
    cameras: list[DemoCamera],
    urls: Mapping[str, str],
    notes: Mapping[str, str],
    substreams: Mapping[str, str] | None = None,
) -> str:
    """The demo catalog as YAML text: districts, cameras with ``urls`` (and ``substreams``
    where they have one), the two tours. ``notes`` maps a behaviour to the camera note. Pure."""
    lines = [
        "# The videowall demo city: simulated cameras of Semarang's 16 districts, served on this",
        "# computer by `videowall demo` (the URLs work only while the demo runs).",
        "# Cameras whose notes start with 'demo:' fail on purpose, to show the wall's flags.",
        "# Format: docs/catalog.md",
        "version: 1",
        "",
        "districts:",
    ]
    for district in districts:
        lines += [f"  - id: {district.id}", f"    name: {_q(district.name)}"]
    lines += ["", "cameras:"]
    for cam in cameras:
        lines += [
            f"  - id: {cam.id}",
            f"    name: {_q(cam.name)}",
            f"    district: {cam.district}",
            f"    url: {urls[cam.id]}",
        ]
        if substreams and cam.id in substreams:
            lines.append(f"    substream: {substreams[cam.id]}")
        lines += [
            f"    group: {_q(cam.group)}",
        ]
        if cam.behaviour in notes:
            lines.append(f"    notes: {_q(notes[cam.behaviour])}")
    lines += [
        "",
        "tours:",
        f"  - id: {PATROL_TOUR_ID}",
        "    name: Patroli kota",
        f"    dwell_s: {PATROL_DWELL_S:g}",
        "    steps:",
        *(f"      - {d.id}" for d in districts),
        f"  - id: {MARKET_TOUR_ID}",
        "    name: Pasar pagi",
        f"    dwell_s: {MARKET_DWELL_S:g}",
        f"    steps: [{', '.join(MARKET_DISTRICTS)}]",
    ]
    return "\n".join(lines) + "\n"
