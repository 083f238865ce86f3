"""``videowall sweep`` against the camera simulator: classification, credentials, masking,
exit codes, bounded timeouts, Ctrl-C. In-process through ``cli_sweep.main`` where output is
enough; as a real child process where the exit status, timing or a signal matters."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.catalogs import catalog_text, write_catalog_file
from viewer.cli import sweep as cli_sweep
from viewer.core.reasons import Reason
from viewer.sim.cameras import Behaviour, CameraSimulator, SimCamera

B = Behaviour
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Sw33p-S3cret!"  # what the simulated cameras accept
ODD_USER, ODD_PASSWORD = "op@desk", "p:ss/w@rd%9"  # needs percent-encoding in a URL userinfo
ODD_USERINFO = "op%40desk:p%3Ass%2Fw%40rd%259"
WRONG = "Wr0ng-Guess?"
ENV_VAR = "SWEEP_TEST_PASSWORD"
SECRETS = (PASSWORD, ODD_PASSWORD, WRONG, "p%3Ass%2Fw%40rd%259", "Wr0ng-Guess%3F")

#: (camera id, scheme, behaviour, expected reason) — every behaviour, both schemes.
MIX = [
    ("rtsp-healthy", "rtsp", B.HEALTHY, Reason.OK),
    ("http-healthy", "http", B.HEALTHY, Reason.OK),
    ("rtsp-slow", "rtsp", B.SLOW, Reason.OK),
    ("http-slow", "http", B.SLOW, Reason.OK),
    ("rtsp-forbidden", "rtsp", B.FORBIDDEN, Reason.AUTH),
    ("http-forbidden", "http", B.FORBIDDEN, Reason.AUTH),
    ("rtsp-not-found", "rtsp", B.NOT_FOUND, Reason.NOT_FOUND),
    ("http-not-found", "http", B.NOT_FOUND, Reason.NOT_FOUND),
    ("rtsp-audio", "rtsp", B.AUDIO_ONLY, Reason.NO_VIDEO),
    ("http-audio", "http", B.AUDIO_ONLY, Reason.NO_VIDEO),
    ("rtsp-garbage", "rtsp", B.GARBAGE, Reason.PROTOCOL),
    ("http-garbage", "http", B.GARBAGE, Reason.PROTOCOL),
    ("rtsp-refused", "rtsp", B.REFUSED, Reason.REFUSED),
    ("http-refused", "http", B.REFUSED, Reason.REFUSED),
    ("rtsp-hanging", "rtsp", B.HANGING, Reason.TIMEOUT),
    ("http-hanging", "http", B.HANGING, Reason.TIMEOUT),
    ("http-frozen", "http", B.FROZEN, Reason.OK),
    ("http-trickle", "http", B.TRICKLE, Reason.OK),
    ("rtsp-flapping", "rtsp", B.FLAPPING, Reason.OK),  # in its healthy first minute
    ("rtsp-basic-nocreds", "rtsp", B.AUTH_BASIC, Reason.AUTH),
]


class Fleet(dict):
    """camera key -> URL, plus the simulator serving them."""

    simulator: CameraSimulator


@pytest.fixture(scope="module")
def sim(clips):
    simulator = CameraSimulator()
    urls = Fleet()
    urls.simulator = simulator
    for cam_id, scheme, behaviour, _ in MIX:
        cam = SimCamera(f"/{cam_id}", behaviour, password=PASSWORD, delay_s=0.3, period_s=60.0)
        if scheme == "http":
            cam.clip = clips["green"]
        urls[cam_id] = (simulator.add_rtsp if scheme == "rtsp" else simulator.add_http)(cam)
    for scheme in ("rtsp", "http"):
        for behaviour in (B.AUTH_DIGEST, B.AUTH_BASIC):
            cam = SimCamera(f"/{behaviour.value}", behaviour, password=PASSWORD)
            urls[f"{scheme}-{behaviour.value}"] = getattr(simulator, f"add_{scheme}")(cam)
            odd = SimCamera(f"/odd-{behaviour.value}", behaviour, username=ODD_USER, password=ODD_PASSWORD)
            urls[f"{scheme}-odd-{behaviour.value}"] = getattr(simulator, f"add_{scheme}")(odd)
    simulator.start()
    yield urls
    simulator.stop()


def userinfo(url: str, info: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{info}@{rest}"


def write_catalog(path: Path, cameras: list[dict[str, object]], districts: tuple[str, ...] = ("east", "west")) -> Path:
    return write_catalog_file(path, catalog_text(cameras, {d: f"District {d.title()}" for d in districts}))


def cam(cam_id: str, url: str, district: str = "east", **extra: str) -> dict[str, str]:
    return {"id": cam_id, "name": f"Camera {cam_id}", "district": district, "url": url, **extra}


def credential_cameras(sim: dict[str, str]) -> list[dict[str, str]]:
    """Digest and Basic cameras with credentials in each of the three forms (all correct)."""
    cams = []
    for scheme in ("rtsp", "http"):
        for kind in ("auth_digest", "auth_basic"):
            url = sim[f"{scheme}-{kind}"]
            cams.append(cam(f"{scheme}-{kind}-fields", url, username="admin", password=PASSWORD))
            cams.append(cam(f"{scheme}-{kind}-env", url, username="admin", password=f"${{{ENV_VAR}}}"))
            cams.append(cam(f"{scheme}-{kind}-userinfo", userinfo(sim[f"{scheme}-odd-{kind}"], ODD_USERINFO)))
    return cams


def sweep(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli_sweep.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def run_child(*argv: str, timeout_s: float = 30.0, **kwargs) -> subprocess.CompletedProcess:
    """``python -m viewer sweep ARGV`` (stdout and stderr captured unless ``kwargs`` say otherwise)."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **kwargs}
    command = [sys.executable, "-m", "viewer", "sweep", *map(str, argv)]
    return subprocess.run(command, cwd=ROOT, text=True, timeout=timeout_s, **options)


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


# --- classification --------------------------------------------------------------------------


def test_every_behaviour_is_classified(sim, tmp_path, capsys):
    catalog = write_catalog(
        tmp_path / "mix.yaml",
        [cam(cam_id, sim[cam_id], "east" if n % 2 else "west") for n, (cam_id, *_) in enumerate(MIX)],
    )
    out_file = tmp_path / "sweep.csv"
    code, out, err = sweep(capsys, catalog, "--timeout", "1", "--format", "csv", "-o", out_file)
    assert code == 1
    assert out == ""
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert [r["camera_id"] for r in rows] == [m[0] for m in MIX]  # catalog order
    got = {r["camera_id"]: r["reason"] for r in rows}
    assert got == {cam_id: expected.value for cam_id, _, _, expected in MIX}
    assert all(r["url"] == sim[r["camera_id"]] for r in rows)
    assert all(float(r["latency_ms"]) < 1500 for r in rows)
    assert "DISTRICT" in err and "east" in err and "west" in err
    assert f"{len(MIX)} cameras in" in err and "\r" not in err  # no progress bar off a terminal


def test_table_lists_failures_first_and_summary_goes_to_stderr(sim, tmp_path, capsys):
    catalog = write_catalog(
        tmp_path / "c.yaml",
        [cam("ok1", sim["rtsp-healthy"]), cam("bad", sim["rtsp-not-found"], "west"), cam("ok2", sim["http-healthy"])],
    )
    code, out, err = sweep(capsys, catalog)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].split()[:4] == ["CAMERA", "NAME", "DISTRICT", "REASON"]
    assert [line.split()[0] for line in lines[1:]] == ["bad", "ok1", "ok2"]
    summary = [line.split() for line in err.splitlines()]
    assert ["east", "2/2", "all", "online"] in summary and ["west", "0/1", "not_found", "1"] in summary


def test_district_filter(sim, tmp_path, capsys):
    catalog = write_catalog(
        tmp_path / "c.yaml", [cam("e1", sim["rtsp-healthy"]), cam("w1", sim["rtsp-refused"], "west")]
    )
    code, out, _ = sweep(capsys, catalog, "--district", "east", "--format", "json")
    assert code == 0
    assert [r["camera_id"] for r in json.loads(out)] == ["e1"]
    code, _, err = sweep(capsys, catalog, "--district", "north")
    assert code == 2 and "unknown district 'north'" in err


# --- credentials and masking -----------------------------------------------------------------


def test_credentials_in_each_form_work_and_never_show(sim, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, PASSWORD)
    catalog = write_catalog(tmp_path / "creds.yaml", credential_cameras(sim))
    outputs = []
    for fmt in ("table", "csv", "json"):
        code, out, err = sweep(capsys, catalog, "--format", fmt)
        assert code == 0, out + err
        outputs += [out, err]
    records = json.loads(outputs[4])
    assert len(records) == 12 and {r["reason"] for r in records} == {"ok"}
    assert all("@" not in r["url"] for r in records)
    exported = tmp_path / "out.json"
    assert sweep(capsys, catalog, "--format", "json", "-o", exported)[0] == 0
    assert_no_secret(*outputs, exported.read_text(encoding="utf-8"))


def test_wrong_passwords_are_auth_and_never_show(sim, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(ENV_VAR, WRONG)
    wrong_info = ODD_USERINFO.replace("p%3Ass%2Fw%40rd%259", "Wr0ng-Guess%3F")
    cams = [
        cam("digest-env", sim["rtsp-auth_digest"], username="admin", password=f"${{{ENV_VAR}}}"),
        cam("digest-field", sim["http-auth_digest"], username="admin", password=WRONG),
        cam("digest-userinfo", userinfo(sim["rtsp-odd-auth_digest"], wrong_info)),
        cam("basic-userinfo", userinfo(sim["http-odd-auth_basic"], wrong_info)),
    ]
    catalog = write_catalog(tmp_path / "wrong.yaml", cams)
    for fmt in ("table", "csv", "json"):
        code, out, err = sweep(capsys, catalog, "--format", fmt)
        assert code == 1
        assert_no_secret(out, err)
        if fmt == "json":
            assert {r["reason"] for r in json.loads(out)} == {"auth"}


# --- exit codes, timeouts, Ctrl-C ------------------------------------------------------------


def test_exit_codes_as_a_real_command(sim, tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, PASSWORD)
    good = write_catalog(tmp_path / "good.yaml", [cam("a", sim["rtsp-healthy"]), *credential_cameras(sim)[:2]])
    bad = write_catalog(tmp_path / "bad.yaml", [cam("a", sim["rtsp-healthy"]), cam("b", sim["http-refused"])])
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\ndistricts:\n  - id: d\n    name: D\ncameras:\n  - id: x\n    district: nowhere\n")
    assert run_child(good).returncode == 0
    assert run_child(bad).returncode == 1
    result = run_child(broken)
    assert result.returncode == 2 and result.stdout == ""
    assert f"{broken}:6:" in result.stderr and "Traceback" not in result.stderr
    assert run_child(tmp_path / "missing.yaml").returncode == 2
    usage = run_child(good, "--concurrency", "0")
    assert usage.returncode == 2 and "--concurrency" in usage.stderr


def test_hanging_cameras_are_bounded_by_the_timeout(sim, tmp_path):
    catalog = write_catalog(
        tmp_path / "hang.yaml",
        [cam("h1", sim["rtsp-hanging"]), cam("h2", sim["http-hanging"]), cam("ok", sim["rtsp-healthy"])],
    )
    started = time.monotonic()
    result = run_child(catalog, "--timeout", "1", "--format", "json")
    elapsed_s = time.monotonic() - started
    assert result.returncode == 1
    assert elapsed_s < 3.0
    reasons = {r["camera_id"]: r["reason"] for r in json.loads(result.stdout)}
    assert reasons == {"h1": "timeout", "h2": "timeout", "ok": "ok"}


def test_ctrl_c_exits_130_without_a_traceback(sim, tmp_path):
    catalog = write_catalog(tmp_path / "hang.yaml", [cam("h1", sim["rtsp-hanging"]), cam("ok", sim["rtsp-healthy"])])
    # A process started in the background ignores SIGINT, and so do its children (found in CI:
    # the sweep rightly ignored the Ctrl-C). Handled here, it is the default in the child.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "viewer", "sweep", str(catalog), "--timeout", "60"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONFAULTHANDLER": "1"},  # a SIGABRT prints every thread's stack
        )  # fmt: skip
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        deadline = time.monotonic() + 20
        while not _hanging_connected(sim) and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.02)  # polling for a condition, with a deadline
        assert _hanging_connected(sim), "the sweep never reached the hanging camera"
        child.send_signal(signal.SIGINT)
        try:
            out, err = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:  # say where it hangs
            child.send_signal(signal.SIGABRT)
            _, err = child.communicate(timeout=10)
            pytest.fail(f"still running 10 s after Ctrl-C; its threads:\n{err[-6000:]}")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
    assert out == ""


def _hanging_connected(sim: Fleet) -> bool:
    return sim.simulator.connections(sim["rtsp-hanging"]) > 0


def test_progress_bar_on_a_terminal(sim, tmp_path):
    catalog = write_catalog(tmp_path / "c.yaml", [cam(f"c{i}", sim["rtsp-healthy"]) for i in range(3)])
    main_fd, terminal_fd = os.openpty()
    try:
        result = run_child(catalog, stderr=terminal_fd)
        os.close(terminal_fd)
        terminal_fd = -1
        seen = b""
        while True:
            try:
                chunk = os.read(main_fd, 4096)
            except OSError:  # EIO: the child's end is closed and everything was read
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if terminal_fd >= 0:
            os.close(terminal_fd)
        os.close(main_fd)
    assert result.returncode == 0
    text = seen.decode()
    assert "\r[" in text and "3/3" in text
    assert "3 cameras in" in text


def test_progress_bar_is_throttled():
    stream = io.StringIO()
    bar = cli_sweep.ProgressBar(stream, 1000)
    for _ in range(1000):
        bar.advance()
    draws = stream.getvalue().count("\r")
    assert 2 <= draws <= 5  # the first, maybe one every 0.1 s, and the last
    assert stream.getvalue().endswith("] 1000/1000")
    bar.clear()
    assert stream.getvalue().endswith("\r")
