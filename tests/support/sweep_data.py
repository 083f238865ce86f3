"""A small catalog and sweep results for the sweep tests (tests/core/test_sweep*.py)."""

from __future__ import annotations

from viewer.core.catalog import catalog_from_text
from viewer.core.catalog_model import Catalog
from viewer.core.reasons import Reason
from viewer.core.sweep import SweepResult

CATALOG = """\
version: 1
districts:
  - id: north
    name: North Side
  - id: south
    name: South Side
  - id: empty
    name: Nobody Here
cameras:
  - {id: n1, name: "N one", district: north, url: "rtsp://10.0.0.1/a"}
  - {id: n2, name: "N two", district: north, url: "rtsp://admin:Pa55word@10.0.0.2/a"}
  - {id: n3, name: "N three", district: north, url: "rtsp://10.0.0.3/a"}
  - {id: n4, name: "N off", district: north, url: "rtsp://10.0.0.4/a", enabled: false}
  - {id: s1, name: "S one", district: south, url: "http://10.0.1.1/v"}
  - {id: s2, name: "S two", district: south, url: "http://10.0.1.2/v"}
"""
T0 = 1_764_300_000.0  # 2025-11-28 03:20:00 UTC


def sweep_catalog() -> Catalog:
    """``CATALOG``: two districts of cameras (one disabled, one with a password) and an empty one."""
    return catalog_from_text(CATALOG, "cat.yaml", env={})


def result(camera_id: str, reason: Reason = Reason.OK, at: float = T0, district: str = "north") -> SweepResult:
    return SweepResult(camera_id, f"Cam {camera_id}", district, f"rtsp://h/{camera_id}", reason, 12.34, at)
