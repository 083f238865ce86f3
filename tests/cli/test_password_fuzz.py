"""Random passwords through every command: zero occurrences on the terminal, in files, logs.

Each run draws passwords from every printable-ASCII class plus non-ASCII (seeded; the seed
is in the failure message), puts them in a catalog as plain fields, ``${VAR}`` references
and URL userinfo (encoded and raw), then runs the real CLI as child processes: ``check``
(valid and broken catalog), ``sweep`` (against refused and answering ports), ``report`` on a
journal whose details carry the passwords, and ``import-csv``.
"""

from __future__ import annotations

import csv
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.support.passwords import random_password, yaml_quote
from tests.support.ports import free_port

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], env: dict[str, str], home: Path) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "VIDEOWALL_HOME": str(home), "CI": "true"}
    return subprocess.run([sys.executable, "-m", "viewer", *args], capture_output=True, text=True,
                          env=full_env, timeout=60, cwd=str(home.parent))  # fmt: skip





@pytest.mark.parametrize("seed", [int(time.time()) % 100_000, 19])
def test_random_passwords_never_appear(tmp_path: Path, seed: int) -> None:
    from viewer.core.journal import Journal
    from viewer.core.reasons import Reason

    rng = random.Random(seed)
    passwords = [random_password(rng) for _ in range(6)]
    port = free_port()
    env = {"FUZZ_PW_A": passwords[4], "FUZZ_PW_B": passwords[5]}
    cameras = [
        f"  - {{id: c0, name: C0, district: d, url: 'rtsp://127.0.0.1:{port}/a', username: admin,"
        f" password: {yaml_quote(passwords[0])}}}",
        f"  - {{id: c1, name: C1, district: d, url: 'http://127.0.0.1:{port}/b',"
        f" password: {yaml_quote(passwords[1])}}}",
        f"  - {{id: c2, name: C2, district: d, url: 'rtsp://admin:{quote(passwords[2], safe='')}@127.0.0.1:{port}/c'}}",
        f"  - {{id: c3, name: C3, district: d, url: 'http://u:{quote(passwords[3], safe='')}@127.0.0.1:{port}/d'}}",
        f"  - {{id: c4, name: C4, district: d, url: 'rtsp://127.0.0.1:{port}/e', password: '${{FUZZ_PW_A}}'}}",
        f"  - {{id: c5, name: C5, district: d, url: 'http://127.0.0.1:{port}/f', password: '${{FUZZ_PW_B}}'}}",
    ]
    head = "version: 1\ndistricts:\n  - {id: d, name: D}\ncameras:\n"
    good = tmp_path / "good.yaml"
    good.write_text(head + "\n".join(cameras) + "\n", encoding="utf-8")
    broken = tmp_path / "broken.yaml"  # raw (unencoded) passwords in URLs: check must fail without a leak
    broken.write_text(head + "\n".join(
        f"  - {{id: r{n}, name: R{n}, district: d, url: {yaml_quote(f'rtsp://admin:{pw}@127.0.0.1:{port}/r')}}}"
        for n, pw in enumerate(passwords)) + "\n", encoding="utf-8")  # fmt: skip
    csv_file = tmp_path / "cams.csv"
    with csv_file.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "name", "district", "url", "password"])
        writer.writerows([f"k{n}", f"K{n}", "d", f"rtsp://127.0.0.1:{port}/k{n}", pw] for n, pw in enumerate(passwords))
    journal_file = tmp_path / "journal.sqlite"
    home = tmp_path / "home"
    runs = [
        ["check", str(good)],
        ["check", str(broken)],
        ["sweep", str(good), "--timeout", "2"],
        ["sweep", str(good), "--timeout", "2", "--format", "json", "-o", str(tmp_path / "sweep.json")],
        ["import-csv", str(csv_file), "-o", str(tmp_path / "imported.yaml")],
        ["check", str(tmp_path / "imported.yaml")],
    ]
    outputs = []
    for args in runs:
        done = run_cli(args, env, home)
        outputs.append((args, done.stdout + done.stderr))
    journal = Journal(journal_file)  # details as an older version might have written them
    try:
        for n, pw in enumerate(passwords):
            journal.open_outage(f"c{n}", f"C{n}", "d", Reason.AUTH, 1_700_000_000.0 + n,
                                detail=f"401 for rtsp://admin:{pw}@127.0.0.1/x")  # fmt: skip
    finally:
        journal.close()
    for fmt in ("table", "csv", "json"):
        args = ["report", "--journal", str(journal_file), "--format", fmt]
        done = run_cli(args, env, home)
        assert done.returncode == 0, done.stderr
        outputs.append((args, done.stdout + done.stderr))
    files = [tmp_path / "sweep.json", *(home.rglob("*.log"))]
    assert (tmp_path / "imported.yaml").exists()
    for args, text in outputs + [(["file", str(f)], f.read_text("utf-8", "replace")) for f in files]:
        for pw in passwords:
            for form in {pw, quote(pw, safe=""), quote(pw)}:
                assert form not in text, f"seed {seed}: password leaked by {args}: {text[:400]!r}"
    assert "***" in outputs[1][1]  # the broken catalog's URLs are reported, masked
