"""Command-line flags override the player settings, including the falsy ones
(``--network-caching-ms 0``, ``--no-rtsp-tcp``), and the RTSP client setting gets through."""

from __future__ import annotations

import argparse

from viewer.app import engine_options
from viewer.cli import add_wall_options
from viewer.core.settings import Settings
from viewer.options import WallOptions


def options_for(argv: list[str], settings: Settings | None = None):
    parser = argparse.ArgumentParser()
    add_wall_options(parser)
    return engine_options(settings or Settings(), WallOptions.from_namespace(parser.parse_args(argv)))


def test_defaults_come_from_the_settings():
    options = options_for([], Settings(network_caching_ms=800, rtsp_tcp=False, rtsp_client="libvlc"))
    assert (options.network_caching_ms, options.rtsp_tcp, options.rtsp_client) == (800, False, "libvlc")
    assert (options_for([]).rtsp_client, options_for([]).rtsp_tcp) == ("relay", True)


def test_flags_override_the_settings_zero_and_false_included():
    options = options_for(["--network-caching-ms", "0", "--no-rtsp-tcp", "--rtsp-client", "relay"],
                          Settings(network_caching_ms=800, rtsp_tcp=True, rtsp_client="libvlc"))
    assert (options.network_caching_ms, options.rtsp_tcp, options.rtsp_client) == (0, False, "relay")
    assert options_for(["--rtsp-tcp"], Settings(rtsp_tcp=False)).rtsp_tcp is True
