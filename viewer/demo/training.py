"""The commented training catalog that ``videowall demo --catalog-out FILE`` writes.

Every key of the catalog format is shown and explained; with a running demo its cameras
point at the demo's streams, otherwise at example LAN addresses. No password in it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from viewer.core.store import atomic_write_text
from viewer.demo.city import demo_city

if TYPE_CHECKING:
    from viewer.demo.city import DemoCity

log = logging.getLogger(__name__)

# -- training catalog ----------------------------------------------------------------------
#: Example LAN URLs for the training catalog when no demo is running.
_TRAINING_LAN_URLS = {
    "main": "rtsp://10.20.1.15:554/Streaming/Channels/101",
    "sub": "rtsp://10.20.1.15:554/Streaming/Channels/102",
    "atcs": "rtsp://10.20.1.16:554/Streaming/Channels/101",
    "market": "http://10.20.1.30:8080/live/johar.ts",
    "oldtown": "rtsp://10.20.2.12/cam/realmonitor?channel=1&subtype=0",
    "pump": "http://10.20.2.40:8000/stream.ts",
    "spare": "rtsp://10.20.2.50:554/Streaming/Channels/101",
    "nvr": "rtsp://10.20.1.40:554/Streaming/Channels/301",
}
#: Which demo cameras lend their live URLs to the training catalog (by name).
_TRAINING_DEMO_CAMERAS = {
    "main": "Simpang Lima Utara",
    "atcs": "Simpang Lima Selatan",
    "market": "Pasar Johar",
    "oldtown": "Kota Lama — Gereja Blenduk",
    "pump": "Pompa Air Kali Semarang",
    "spare": "Polder Tawang",
    "nvr": "Tugu Muda",
}

_TRAINING_TEMPLATE = """\
# A videowall camera catalog, explained line by line.
# Written by `videowall demo --catalog-out`. Full reference: docs/catalog.md.
# {source}
#
# The catalog lists the DISTRICTS of the wall, the CAMERAS in each district and the TOURS
# that walk through the districts. The administrator writes it; the viewer never changes it.
# Check it after every edit (errors come as FILE:LINE: message):
#     videowall check this-file.yaml
# Everything after a '#' is a comment. Indentation matters: use spaces, never tabs.

version: 1            # format version: always 1

# More files can be pulled in, e.g. one file per district (paths relative to this file):
# include:
#   - districts/*.yaml

# Keys starting with "x-" are ignored: a place for settings shared by many cameras.
# "&atcs" names this block; "<<: *atcs" in a camera copies it in.
x-atcs: &atcs
  group: ATCS          # free text; the wall and `videowall check` count cameras per group

districts:
  - id: semarang-tengah     # unique id, used by cameras and tours (must not start with "view:")
    name: Semarang Tengah   # shown on the wall
    group: Pusat kota       # optional: free text grouping districts
    notes: Simpang Lima and the old market   # optional: for administrators only
  - id: semarang-utara
    name: Semarang Utara

cameras:
  - id: smg-tgh-0001              # unique id across all catalog files (here: city-district-number)
    name: Simpang Lima Utara      # shown on the tile
    district: semarang-tengah     # id of a district above
    url: {main}   # main stream, shown full screen
    substream: {sub}   # optional: smaller stream for grids{sub_note}
    username: viewer              # optional; for the password see smg-tgh-0009 below
    <<: *atcs                     # group: ATCS, from the x-atcs block above

  - id: smg-tgh-0002
    name: Simpang Lima Selatan
    district: semarang-tengah
    url: {atcs}
    <<: *atcs

  - id: smg-tgh-0007
    name: Pasar Johar
    district: semarang-tengah
    url: {market}   # http(s): MPEG-TS or HLS (.m3u8)
    group: Pasar                  # other groups: CCTV RT, Pompa Air, Kota Lama ...

  - id: smg-utr-0002
    name: Kota Lama — Gereja Blenduk
    district: semarang-utara
    url: {oldtown}
    group: Kota Lama
    recorder: nvr-kota-lama:554   # optional: the recorder (NVR) behind a NAT or proxy address;
                                  # `videowall evaluate` groups cameras per recorder (default: URL host:port)

  - id: smg-utr-0005
    name: Pompa Air Kali Semarang
    district: semarang-utara
    url: {pump}
    group: Pompa Air
    low_fps: true                 # optional: a slow camera (1-2 pictures/s); flagged as stalled after 30 s
    stall_timeout_s: 45           # optional: seconds without a new picture before the flag (wins over low_fps)
    frozen_after_s: 600           # optional: a quiet scene; flag "picture frozen" only after 10 min unchanged
    blank_after_s: 120            # optional: seconds of a black/grey/one-colour picture before "blank picture"
    picture_checks: true          # optional: false switches the frozen/blank checks off for this camera
    notes: 1 fps camera over a radio link   # optional: for administrators only

  - id: smg-utr-0006
    name: Polder Tawang
    district: semarang-utara
    url: {spare}
    group: Pompa Air
    enabled: false                # optional: keep the camera listed but off the wall (default true)
    notes: pole under repair

  # A password never needs to be in this file: ${{SMG_CAM_PASS}} is replaced by the environment
  # variable SMG_CAM_PASS when the catalog is loaded. An unset variable is an error, so this
  # camera is commented out: set the variable (Windows: set SMG_CAM_PASS=..., Linux:
  # export SMG_CAM_PASS=...), then remove the "#" in front of each of its lines.
  #- id: smg-tgh-0009
  #  name: Tugu Muda (NVR)
  #  district: semarang-tengah
  #  url: {nvr}
  #  username: viewer
  #  password: ${{SMG_CAM_PASS}}
  #  <<: *atcs

tours:
  - id: patroli-kota              # unique id
    name: Patroli kota            # shown while the tour runs
    dwell_s: 15                   # seconds on each district (each page of a large district)
    steps: [semarang-tengah, semarang-utara]   # district ids, in order; "view:NAME" shows a saved view
  - id: pasar-pagi
    name: Pasar pagi
    dwell_s: 20
    steps:                        # a list may also be written one item per line
      - semarang-tengah
"""


def training_catalog_text(urls_from: DemoCity | None = None) -> str:
    """The commented example catalog. With a started ``urls_from`` its cameras point at the
    running demo's streams; otherwise at example LAN addresses. Pure apart from reading
    ``urls_from.urls`` and ``urls_from.substreams``."""
    urls = dict(_TRAINING_LAN_URLS)
    live = urls_from.urls if urls_from is not None else {}
    if live:
        by_name = {cam.name: cam.id for cam in demo_city()[1]}
        for key, name in _TRAINING_DEMO_CAMERAS.items():
            urls[key] = live[by_name[name]]
        main_id = by_name[_TRAINING_DEMO_CAMERAS["main"]]
        sub = urls_from.substreams.get(main_id) if urls_from is not None else None
        urls["sub"] = sub or urls["main"]
        source = "Its cameras are streams of the running demo: they play only while `videowall demo` runs."
        sub_note = " (in the demo: the same picture)" if sub else " (in the demo: the same stream)"
    else:
        source = "Its camera addresses are examples: replace them with your cameras' URLs."
        sub_note = ""
    return _TRAINING_TEMPLATE.format(source=source, sub_note=sub_note, **urls)


def write_training_catalog(path: Path, urls_from: DemoCity | None = None) -> None:
    """Write the commented example catalog to ``path`` (atomically; no passwords in it)."""
    atomic_write_text(Path(path), training_catalog_text(urls_from))
    log.info("training catalog written to %s", path)
