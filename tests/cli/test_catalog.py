"""``videowall check`` and ``videowall import-csv``: exit codes, messages, never a traceback or a password."""

from __future__ import annotations

import argparse
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from viewer.cli import catalog as cli_catalog
from viewer.core.catalog import load_catalog

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "resources" / "samples" / "sample-city.yaml"


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_catalog.main_check(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def import_csv(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_catalog.main_import_csv(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_valid_catalog_prints_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, str(SAMPLE))
    assert code == 0
    assert err == ""
    assert "12 cameras (1 disabled) in 3 districts, 1 tour" in out
    assert "OK: checked in" in out


def test_check_prints_every_error_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "version: 1\n"
        "districts: [{id: d, name: D}]\n"
        "cameras:\n"
        "  - {id: a, name: A, district: d, url: 'udp://x'}\n"
        "  - {id: a, name: A2, district: nowhere, url: 'rtsp://u:hunter2@h:x/'}\n"
        "  - {id: b, name: B, district: d, url: 'rtsp://h/b', pasword: z}\n",
        encoding="utf-8",
    )
    code, out, err = check(capsys, str(path))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines == [
        f"{path}:6: warning: unknown key 'pasword' in camera (did you mean 'password'?); ignored",
        f"{path}:4: camera 'a': bad 'url' 'udp://x': unsupported scheme 'udp' "
        "(supported: rtsp, rtsps, http, https, file)",
        f"{path}:5: duplicate camera id 'a' (first defined at {path}:4)",
        f"{path}:5: camera 'a': bad 'url' 'rtsp://u:***@h:x/': invalid port (expected a number from 1 to 65535 "
        "after the host); write / # ? @ in a password percent-encoded, or use the password field",
        f"{path}:5: camera 'a': unknown district 'nowhere'",
        f"{path}: 4 errors, 1 warning",
    ]
    assert "hunter2" not in err


GARBAGE = {
    "binary.yaml": bytes(range(256)) * 4,
    "list.yaml": b"[1,2]\n",
    "string.yaml": b'"just a string"\n',
    "empty.yaml": b"",
    "nul.yaml": b"version: 1\n\x00\n",
    "deep.yaml": b"[" * 5000,
    "tabs.yaml": b"version: 1\ncameras:\n\t- id: a\n",
    "alias.yaml": b"a: &x [*x, *x]\ncameras: *x\n",
    "tags.yaml": b"version: !!python/object:os.system 1\n",
    "multi.yaml": b"version: 1\n---\nversion: 1\n",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_check_garbage_is_one_clean_error(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    path.write_bytes(GARBAGE[name])
    code, out, err = check(capsys, str(path))
    assert code == 2
    assert out == ""
    assert err.startswith(f"{path}:")
    assert "Traceback" not in err and "internal error" not in err


def test_check_missing_file_and_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = check(capsys, str(tmp_path / "nope.yaml"))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path / 'nope.yaml'}: cannot read catalog: No such file or directory\n"
    code, _, err = check(capsys, str(tmp_path))
    assert code == 2 and len(err.splitlines()) == 1


def test_check_warnings_pass_unless_strict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "warn.yaml"
    path.write_text("version: 1\ndistricts: [{id: d, name: D, colour: red}]\n", encoding="utf-8")
    code, out, err = check(capsys, str(path))
    assert code == 0 and "unknown key 'colour'" in err and "OK" in out
    code, out, err = check(capsys, "--strict", "-q", str(path))
    assert code == 2 and out == "" and err.endswith("1 warning (--strict)\n")


def test_python_dash_m_entry_point_never_prints_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.yaml"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(200)))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for target, expected_code in ((garbage, 2), (SAMPLE, 0)):
        done = subprocess.run(
            [sys.executable, "-m", "viewer.cli.catalog", "check", str(target)],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=60,
        )
        assert done.returncode == expected_code, done.stderr
        assert "Traceback" not in done.stderr


def test_register_adds_both_subcommands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="videowall")
    cli_catalog.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["check", str(SAMPLE)])
    assert args.func(args) == 0
    csv_path = tmp_path / "c.csv"
    csv_path.write_text("id,name,district,url\na,A,d,rtsp://h/a\n", encoding="utf-8")
    args = parser.parse_args(["import-csv", str(csv_path), "-o", str(tmp_path / "out.yaml")])
    assert args.func(args) == 0
    assert load_catalog(tmp_path / "out.yaml", env={}).camera("a").district == "d"
    capsys.readouterr()
    assert cli_catalog.main_check(["--help"]) == 0
    assert "Validate a catalog" in capsys.readouterr().out
    assert cli_catalog.main_check([]) == 2


CSV = (
    "id;name;district;district_name;url;username;password\n"
    "a;Simpang Lima;tgh;Semarang Tengah;rtsp://10.0.0.1/x;viewer;S3cret-1\n"
    "b;Tugu Muda;tgh;;rtsp://10.0.0.2/x;;\n"
)


def test_import_csv_writes_a_loadable_private_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "cams.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    out_path = tmp_path / "catalog.yaml"
    code, out, err = import_csv(capsys, str(csv_path), "-o", str(out_path))
    assert code == 0 and out == ""
    assert err == f"{csv_path}: 2 cameras in 1 district (1 with a password) -> {out_path}\n"
    assert "S3cret-1" not in err
    assert stat.S_IMODE(out_path.stat().st_mode) == 0o600
    catalog = load_catalog(out_path, env={})
    assert catalog.camera("a").password == "S3cret-1"
    assert [f.name for f in tmp_path.iterdir() if f.name.startswith(".import-")] == []


def test_import_csv_to_stdout_masks_passwords_only_on_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_path = tmp_path / "cams.csv"
    csv_path.write_text(CSV, encoding="utf-8")
    code, out, err = import_csv(capsys, str(csv_path))
    assert code == 0 and "password: S3cret-1" in out and "standard output" in err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, errors = Terminal(), io.StringIO()
    args = argparse.Namespace(csv=str(csv_path), output=None)
    assert cli_catalog.run_import_csv(args, out=terminal, err=errors) == 0
    assert "S3cret-1" not in terminal.getvalue() + errors.getvalue()
    assert "password: '***'" in terminal.getvalue()
    assert "passwords shown as ***" in errors.getvalue()


def test_import_csv_bad_rows_write_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("id,name,district,url,password\na,A,d,,S3cret-2\na,B,d,ftp://h/x,S3cret-2\n", encoding="utf-8")
    out_path = tmp_path / "catalog.yaml"
    code, out, err = import_csv(capsys, str(csv_path), "-o", str(out_path))
    assert code == 2 and out == ""
    assert err.splitlines() == [
        f"{csv_path}:2: missing 'url'",
        f"{csv_path}:3: bad url 'ftp://h/x': unsupported scheme 'ftp' (supported: rtsp, rtsps, http, https, file)",
        f"{csv_path}:3: duplicate id 'a' (first at row 2)",
        f"{csv_path}: 3 errors; nothing written",
    ]
    assert not out_path.exists()
    assert "S3cret-2" not in err


def test_import_csv_unreadable_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = import_csv(capsys, str(tmp_path / "missing.csv"))
    assert (code, out) == (2, "")
    assert err == f"{tmp_path / 'missing.csv'}: cannot read: No such file or directory\n"
