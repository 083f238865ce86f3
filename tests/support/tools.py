"""Tools from .ci/setup that tests need: skip where they are missing, FAIL under CI=true.

A test that needs an installed program or GStreamer element calls ``require_tool`` or
``require_gst_element`` first, so a CI machine without it fails loudly instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest


def _missing(what: str) -> None:
    message = f"{what} is needed (installed by .ci/setup)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def require_tool(name: str) -> str:
    """The path of program ``name``."""
    path = shutil.which(name)
    if path is None:
        _missing(name)
    return path


def require_gst_element(name: str) -> None:
    """GStreamer element ``name`` must be available to gst-launch-1.0."""
    inspect = require_tool("gst-inspect-1.0")
    if subprocess.run([inspect, "--exists", name], capture_output=True, timeout=30).returncode != 0:
        _missing(f"GStreamer element {name}")
