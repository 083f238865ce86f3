"""The wall's command-line options as one frozen, typed value, parsed once.

``viewer.cli`` parses the command line (``videowall [wall options]``, ``videowall run``,
``videowall demo``) and hands :class:`WallOptions` to :func:`viewer.app.run_wall`; nothing
after that reads an ``argparse.Namespace``. A field left ``None`` means "not given on the
command line": the setting (``viewer.core.settings``) decides.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class WallOptions:
    """What the command line asked of the wall (see ``videowall --help`` for each one)."""

    catalog: str | None = None
    district: str | None = None
    tour: str | None = None
    view: str | None = None
    layout: str | None = None
    fullscreen: bool = False
    kiosk: bool | None = None
    screen: int | None = None
    screens: str | None = None  # e.g. "0,1,2", parsed (and reported when wrong) by the app
    lang: str | None = None
    network_caching_ms: int | None = None
    rtsp_tcp: bool | None = None
    rtsp_client: str | None = None
    status_port: int | None = None
    no_sweep: bool = False
    selftest: bool = False
    selftest_url: str | None = None
    selftest_user: str | None = None
    debug: bool = False
    no_remember_catalog: bool = False
    argv: tuple[str, ...] = ()  # the command line, handed to a running wall (single instance)

    @classmethod
    def from_namespace(cls, args: argparse.Namespace) -> WallOptions:
        """The wall's options out of a parsed command line (other attributes are ignored)."""
        given = vars(args)
        values = {f.name: given[f.name] for f in fields(cls) if f.name in given}
        values["argv"] = tuple(values.get("argv") or ())
        return cls(**values)
