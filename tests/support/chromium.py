"""Headless Chromium (Debian's ``chromium``) rendering a local HTML file, for report tests.

:func:`render` takes a screenshot and the DOM after scripts ran, and collects the page's
console messages (Chromium logs them as ``CONSOLE`` lines with ``--enable-logging=stderr``).
:func:`require_chromium` skips a test without Chromium, but fails it under ``CI=true``
(.ci/setup installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

_CONSOLE_RE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]\s*(.*)")
_FLAGS = ("--headless", "--disable-gpu", "--no-sandbox", "--hide-scrollbars", "--enable-logging=stderr", "--v=0")


@dataclass
class Rendered:
    screenshot: Path
    dom: str
    console: list[str]  # console messages (errors, warnings, logs) of both loads


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require_chromium() -> str:
    found = chromium_path()
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is missing (.ci/setup installs it)")
        pytest.skip("chromium is not installed")
    return found


def render(page: Path, screenshot: Path, width: int = 1280, height: int = 2400, timeout_s: float = 120) -> Rendered:
    """Load ``page`` twice (screenshot, then DOM dump) in a throwaway profile."""
    browser = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        common = [browser, *_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]
        shot = subprocess.run([*common, f"--screenshot={screenshot}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout_s)
        dump = subprocess.run([*common, "--dump-dom", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout_s)
    assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-2000:]
    assert dump.returncode == 0, dump.stderr[-2000:]
    console = [m.group(1) for line in (shot.stderr + dump.stderr).splitlines() if (m := _CONSOLE_RE.search(line))]
    return Rendered(screenshot, dump.stdout, console)


def print_pdf(page: Path, pdf: Path, timeout_s: float = 120) -> int:
    """Print ``page`` to ``pdf`` as a browser's "Save as PDF" does; returns the page count."""
    browser = require_chromium()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        run = subprocess.run([browser, *_FLAGS, f"--user-data-dir={profile}", "--no-pdf-header-footer",
                              f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                             capture_output=True, text=True, timeout=timeout_s)
    assert run.returncode == 0 and pdf.is_file(), run.stderr[-2000:]
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
