"""Wall and command options that used to crash or do nothing: checked at parse time, one
line on stderr, exit code 2, and no thread or server started (the real CLI as a child)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "viewer", *args], capture_output=True, text=True, env=env, timeout=30)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--status-port", "70000"], "port 70000 out of range"),
        (["--status-port", "-1"], "port -1 out of range"),
        (["--status-port", "http"], "not a port number"),
        (["run", "--supervise", "--status-port", "70000"], "port 70000 out of range"),
        (["--status-port", "9100", "--no-sweep"], "cannot be used with --no-sweep"),
        (["run", "--status-port", "9100", "--no-sweep"], "cannot be used with --no-sweep"),
        (["--network-caching-ms", "-5"], "-5 out of range"),
        (["--screen", "-1"], "-1 out of range"),
        (["sweep", "c.yaml", "--timeout", "inf"], "finite number greater than 0"),
        (["sweep", "c.yaml", "--timeout", "nan"], "finite number greater than 0"),
        (["sweep", "c.yaml", "--timeout", "-1"], "finite number greater than 0"),
        (["run", "--supervise", "--hang-timeout-s", "inf"], "finite number of seconds"),
        (["run", "--supervise", "--hang-timeout-s", "-3"], "finite number of seconds"),
    ],
)
def test_bad_options_exit_2_with_one_line(args: list[str], expected: str) -> None:
    done = run_cli(args)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_settings_out_of_range_fall_back_with_a_named_warning(tmp_path: Path, caplog) -> None:
    import json

    from viewer.core.settings import Settings, load_settings

    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"tour_idle_resume_s": -5, "network_caching_ms": 10**9, "journal_retention_days": -1,
                                "language": "xx", "screens": [0, 0], "kiosk_exit_keys": " ",
                                "tile_decoder_threads": 2}))  # fmt: skip
    settings, _raw = load_settings(path)
    defaults = Settings()
    assert settings.tour_idle_resume_s == defaults.tour_idle_resume_s
    assert settings.network_caching_ms == defaults.network_caching_ms
    assert settings.journal_retention_days == defaults.journal_retention_days
    assert settings.language == defaults.language and settings.screens == defaults.screens
    assert settings.kiosk_exit_keys == defaults.kiosk_exit_keys
    assert settings.tile_decoder_threads == 2  # a good value stays
    text = caplog.text
    for name in ("tour_idle_resume_s", "network_caching_ms", "journal_retention_days", "language", "screens",
                 "kiosk_exit_keys"):  # fmt: skip
        assert f"setting {name}=" in text
    assert "out of range" in text
