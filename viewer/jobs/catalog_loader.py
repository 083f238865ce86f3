"""Load a catalog in a short-lived child process, so the parse's peak memory is not kept.

Parsing a 100,000-camera catalog builds a YAML node graph of ~400 MiB; the finished
``Catalog`` is ~60 MiB. In-process, the freed parse memory stays fragmented between the
catalog's own objects and the process keeps ~440 MiB RSS for good (measured here). A child
(``spawn``: no fork of a threaded process) parses and pickles the result back; the monitor then
holds only the catalog. If no child can be started, the catalog is loaded in-process (logged).

Blocking: call it from the monitor's run thread (it waits for the child). Errors are the
ones ``load_catalog`` raises: :class:`CatalogError` with every issue (file:line).
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import sys
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from viewer.core.catalog import load_catalog
from viewer.core.catalog_model import Catalog, CatalogError, CatalogIssue

log = logging.getLogger(__name__)


def load_catalog_isolated(path: Path) -> Catalog:
    """``load_catalog(path)``, parsed in a child process (see the module docstring). A frozen
    build (PyInstaller) loads in-process: its executable is the wall, not a Python to spawn."""
    if getattr(sys, "frozen", False):
        return load_catalog(path)
    try:
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
            outcome = pool.submit(_load, str(path)).result()
    except (OSError, BrokenProcessPool, RuntimeError) as exc:
        log.warning("cannot load the catalog in a child process (%s): loading it here", exc)
        return load_catalog(path)
    if outcome[0] == "error":
        raise CatalogError(outcome[1], outcome[2])
    return outcome[1]


def _load(path: str) -> tuple[str, Catalog] | tuple[str, list[CatalogIssue], list[CatalogIssue]]:
    """In the child: the catalog, or its issues (CatalogError itself does not pickle back)."""
    try:
        return "ok", load_catalog(path)
    except CatalogError as exc:
        return "error", exc.issues, exc.warnings
