"""Packaging: build_installer.spec, its helpers, the runtime hook, the Inno Setup script,
the Windows workflow, and (slow) a real PyInstaller build whose frozen --selftest must pass.

The Windows parts cannot run here; these tests keep them consistent with the spec and with
each other. The slow test builds with the system libVLC under the session's Xvfb.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

import viewer

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "build_installer.spec"
HOOKS = ROOT / "resources" / "pyinstaller"
ISS = ROOT / "resources" / "installer" / "videowall.iss"
WORKFLOW = ROOT / ".github" / "workflows" / "windows.yml"
ICON = ROOT / "resources" / "icons" / "videowall.ico"
LICENSES = ROOT / "resources" / "licenses"
LIBVLC_ENV = ("PYTHON_VLC_LIB_PATH", "PYTHON_VLC_MODULE_PATH", "VLC_PLUGIN_PATH", "VIDEOWALL_BUNDLED_VLC")
BUILD_TIMEOUT_S = 400
FROZEN_SELFTEST_LIMIT_S = 30


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[name]
    return module


@pytest.fixture(scope="module")
def vlc_bundle():
    return _load(HOOKS / "vlc_bundle.py", "vlc_bundle_under_test")


@pytest.fixture(scope="module")
def version_info():
    return _load(HOOKS / "version_info.py", "version_info_under_test")


def _pe(path: Path, machine: int) -> Path:
    """A minimal PE header: MZ, e_lfanew at 0x3C, 'PE\\0\\0', COFF machine."""
    data = bytearray(0x80)
    data[:2] = b"MZ"
    struct.pack_into("<I", data, 0x3C, 0x40)
    data[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<H", data, 0x44, machine)
    path.write_bytes(bytes(data))
    return path


def _elf(path: Path, elf_class: int) -> Path:
    path.write_bytes(b"\x7fELF" + bytes([elf_class]) + b"\0" * 59)
    return path


def _fake_windows_vlc(folder: Path, machine: int = 0x8664) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("libvlc.dll", "libvlccore.dll"):
        _pe(folder / name, machine)
    (folder / "vlc-cache-gen.exe").write_bytes(b"MZ")
    (folder / "plugins" / "codec").mkdir(parents=True)
    return folder


# --- the spec and its helpers -------------------------------------------------------------


def test_spec_compiles_and_uses_the_helpers():
    text = SPEC.read_text(encoding="utf-8")
    compile(text, str(SPEC), "exec")
    for needle in ("console=False", "upx=False", "exclude_binaries=True", "pyi_rth_videowall.py",
                   "vlc_bundle.bundle_datas", "is_duplicate_library", "windows_version_info",
                   'collect_submodules("av")', "PYAV_IMPORTS"):
        assert needle in text


def test_version_is_read_from_the_package(version_info):
    assert version_info.read_version(ROOT / "viewer" / "__init__.py") == viewer.__version__
    assert version_info.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert version_info.version_tuple("1.2.0rc1") == (1, 2, 0, 0)
    assert version_info.version_tuple("2.10.3.7.9") == (2, 10, 3, 7)


def test_windows_version_resource_carries_the_version(version_info):
    strings = version_info.version_strings("1.2.3")
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.2.3"
    assert strings["OriginalFilename"] == "videowall.exe"
    if sys.platform != "win32":
        return  # PyInstaller's versioninfo module imports only on Windows; CI builds it there
    text = str(version_info.windows_version_info("1.2.3"))
    assert "filevers=(1, 2, 3, 0)" in text
    assert "'ProductVersion', '1.2.3'" in text


def test_pe_machine_accepts_x64_and_rejects_32_bit_and_garbage(vlc_bundle, tmp_path):
    assert vlc_bundle.pe_machine(_pe(tmp_path / "a.dll", 0x8664)) == 0x8664
    vlc_bundle.check_64bit(tmp_path / "a.dll", windows=True)
    with pytest.raises(vlc_bundle.VlcBundleError, match=r"not 64-bit.*0x014c.*win64"):
        vlc_bundle.check_64bit(_pe(tmp_path / "b.dll", 0x014C), windows=True)
    (tmp_path / "c.dll").write_bytes(b"not a dll at all" * 8)
    with pytest.raises(vlc_bundle.VlcBundleError, match="not a Windows DLL"):
        vlc_bundle.pe_machine(tmp_path / "c.dll")
    with pytest.raises(vlc_bundle.VlcBundleError, match="not a 64-bit"):
        vlc_bundle.check_64bit(_elf(tmp_path / "d.so", 1), windows=False)


def test_windows_build_without_vlc_folder_fails_clearly(vlc_bundle, tmp_path):
    with pytest.raises(vlc_bundle.VlcBundleError, match="VIDEOWALL_VLC_DIR is not set"):
        vlc_bundle.locate_vlc(windows=True, env={})
    with pytest.raises(vlc_bundle.VlcBundleError, match="no such folder"):
        vlc_bundle.locate_vlc(windows=True, env={"VIDEOWALL_VLC_DIR": str(tmp_path / "nope")})
    (tmp_path / "empty").mkdir()
    missing = r"missing: .*libvlc\.dll.*libvlccore\.dll.*plugins.*vlc-cache-gen"
    with pytest.raises(vlc_bundle.VlcBundleError, match=missing):
        vlc_bundle.locate_vlc(windows=True, env={"VIDEOWALL_VLC_DIR": str(tmp_path / "empty")})


def test_windows_build_rejects_a_32_bit_vlc(vlc_bundle, tmp_path):
    folder = _fake_windows_vlc(tmp_path / "vlc-win32", machine=0x014C)
    with pytest.raises(vlc_bundle.VlcBundleError, match="win64"):
        vlc_bundle.locate_vlc(windows=True, env={"VIDEOWALL_VLC_DIR": str(folder)})


def test_windows_vlc_folder_is_laid_out_under_vlc(vlc_bundle, tmp_path):
    folder = _fake_windows_vlc(tmp_path / "vlc-3.0.21")
    (folder / "plugins" / "codec" / "libavcodec_plugin.dll").write_bytes(b"MZ")
    (folder / "plugins" / "codec" / "libx264_plugin.dll").write_bytes(b"MZ")
    (folder / "plugins" / "plugins.dat").write_bytes(b"stale")
    source = vlc_bundle.locate_vlc(windows=True, env={"VIDEOWALL_VLC_DIR": str(folder)})
    datas = {(Path(src).name, dest) for src, dest in vlc_bundle.bundle_datas(source)}
    assert datas == {
        ("libvlc.dll", "vlc"),
        ("libvlccore.dll", "vlc"),
        ("vlc-cache-gen.exe", "vlc"),
        ("libavcodec_plugin.dll", "vlc/plugins/codec"),
    }


def test_plugin_allow_list_keeps_folders_and_drops_encoders_and_caches(vlc_bundle, tmp_path):
    plugins = tmp_path / "plugins"
    files = {
        "access/libhttp_plugin.so": True,
        "access/libdshow_plugin.dll": False,  # capture device
        "codec/libavcodec_plugin.so": True,
        "codec/libx265_plugin.so": False,  # encoder
        "demux/libts_plugin.so": True,
        "gui/libqt_plugin.so": False,  # folder not allowed
        "lua/liblua_plugin.so": False,
        "video_output/libxcb_x11_plugin.so": True,
        "video_output/libcaca_plugin.so": False,
        "keystore/libmemory_keystore_plugin.so": True,
        "codec/README.txt": False,  # not a plugin
        "plugins.dat": False,
    }
    for relative in files:
        (plugins / relative).parent.mkdir(parents=True, exist_ok=True)
        (plugins / relative).write_bytes(b"x")
    selected = {f"{folder}/{path.name}" for path, folder in vlc_bundle.plugin_files(plugins)}
    assert selected == {name for name, keep in files.items() if keep}


def test_module_names_and_duplicate_libraries(vlc_bundle):
    assert vlc_bundle.module_name("libavcodec_plugin.dll") == "avcodec"
    assert vlc_bundle.module_name("liblibass_plugin.so") == "libass"
    assert vlc_bundle.module_name("plugins.dat") is None
    assert vlc_bundle.is_duplicate_library("libvlccore.so.9")
    assert vlc_bundle.is_duplicate_library("LIBVLCCORE.DLL")
    assert not vlc_bundle.is_duplicate_library("vlc/libvlccore.so.9")
    assert not vlc_bundle.is_duplicate_library("libvlc_xcb_events.so.0")


def test_system_libvlc_selection_has_what_playback_needs(vlc_bundle):
    try:
        source = vlc_bundle.locate_vlc(windows=False, env={})
    except vlc_bundle.VlcBundleError as exc:
        pytest.skip(f"no system libVLC: {exc}")
    names = {path.name for path, _folder in vlc_bundle.plugin_files(source.plugins_dir)}
    for needed in ("libfilesystem_plugin.so", "libts_plugin.so", "libavcodec_plugin.so", "libpacketizer_h264_plugin.so",
                   "libxcb_x11_plugin.so", "libswscale_plugin.so", "libmemory_keystore_plugin.so",
                   "libhttp_plugin.so", "libadaptive_plugin.so", "libdeinterlace_plugin.so"):
        assert needed in names
    for dropped in ("libqt_plugin.so", "liblua_plugin.so", "libx264_plugin.so", "libdtv_plugin.so"):
        assert dropped not in names


# --- the runtime hook -------------------------------------------------------------------


def _clean_libvlc_env(monkeypatch) -> None:
    for name in LIBVLC_ENV:  # set first so that monkeypatch restores the original state
        monkeypatch.setenv(name, "sentinel")
        monkeypatch.delenv(name)


def _fake_bundle(root: Path, windows: bool) -> Path:
    vlc_dir = root / "vlc"
    (vlc_dir / "plugins" / "codec").mkdir(parents=True)
    for name in ("libvlc.dll", "libvlccore.dll") if windows else ("libvlc.so.5", "libvlccore.so.9"):
        (vlc_dir / name).write_bytes(b"")
    return vlc_dir


def test_runtime_hook_sets_nothing_without_a_bundled_libvlc(tmp_path, monkeypatch):
    _clean_libvlc_env(monkeypatch)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    hook = _load(HOOKS / "pyi_rth_videowall.py", "pyi_rth_videowall_empty")
    assert "PYTHON_VLC_LIB_PATH" not in os.environ  # python-vlc would sys.exit(1) at import
    assert "VLC_PLUGIN_PATH" not in os.environ
    assert os.environ[hook.STATUS_ENV].startswith("not bundled")


def test_runtime_hook_at_import_leaves_python_vlc_alone_if_libvlccore_does_not_load(tmp_path, monkeypatch):
    _clean_libvlc_env(monkeypatch)
    _fake_bundle(tmp_path, windows=sys.platform == "win32")  # empty files: not loadable
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    if sys.platform == "win32":
        pytest.skip("Windows loads nothing in the hook")
    hook = _load(HOOKS / "pyi_rth_videowall.py", "pyi_rth_videowall_broken")
    assert "PYTHON_VLC_LIB_PATH" not in os.environ
    assert "failed to load" in os.environ[hook.STATUS_ENV]


def test_runtime_hook_points_python_vlc_at_the_bundle_on_linux(tmp_path):
    hook = _load(HOOKS / "pyi_rth_videowall.py", "pyi_rth_videowall_linux")
    vlc_dir = _fake_bundle(tmp_path, windows=False)
    preloaded: list[Path] = []
    env = {"VLC_PLUGIN_PATH": "/usr/lib/x86_64-linux-gnu/vlc/plugins"}  # an installed VLC: overridden
    changes = hook.configure_bundled_vlc(tmp_path, env, platform="linux", preload=preloaded.append)
    assert preloaded == [vlc_dir / "libvlccore.so.9"]
    assert changes == {
        "PYTHON_VLC_LIB_PATH": str(vlc_dir / "libvlc.so.5"),
        "PYTHON_VLC_MODULE_PATH": str(vlc_dir / "plugins"),
        "VLC_PLUGIN_PATH": str(vlc_dir / "plugins"),
    }
    assert env == {**changes, hook.STATUS_ENV: str(vlc_dir)}


def test_runtime_hook_on_windows_leaves_plugins_to_libvlccore(tmp_path):
    hook = _load(HOOKS / "pyi_rth_videowall.py", "pyi_rth_videowall_win")
    vlc_dir = _fake_bundle(tmp_path, windows=True)

    def must_not_preload(path: Path) -> None:
        raise AssertionError(f"preloaded {path}")

    # An installed VLC's variables: libvlccore already scans vlc\plugins next to itself,
    # so these would only add foreign plugins (or scan ours twice).
    env = {"VLC_PLUGIN_PATH": r"C:\Program Files\VideoLAN\VLC\plugins", "PYTHON_VLC_MODULE_PATH": r"C:\gone"}
    hook.configure_bundled_vlc(tmp_path, env, platform="win32", preload=must_not_preload)
    assert env == {"PYTHON_VLC_LIB_PATH": str(vlc_dir / "libvlc.dll"), hook.STATUS_ENV: str(vlc_dir)}


def test_runtime_hook_skips_plugin_path_when_the_folder_is_missing(tmp_path):
    hook = _load(HOOKS / "pyi_rth_videowall.py", "pyi_rth_videowall_noplugins")
    vlc_dir = _fake_bundle(tmp_path, windows=False)
    shutil.rmtree(vlc_dir / "plugins")
    env: dict[str, str] = {}
    hook.configure_bundled_vlc(tmp_path, env, platform="linux", preload=lambda _path: None)
    assert env["PYTHON_VLC_LIB_PATH"] == str(vlc_dir / "libvlc.so.5")
    assert "PYTHON_VLC_MODULE_PATH" not in env  # python-vlc exits if it is not a folder


# --- Inno Setup script -----------------------------------------------------------------


def _iss_sections() -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections[current] = []
        else:
            sections.setdefault(current, []).append(line)
    return sections


def _iss_defines() -> dict[str, str]:
    return dict(re.findall(r'#define\s+(\w+)\s+"([^"]*)"', ISS.read_text(encoding="utf-8")))


def test_iss_references_files_that_exist(vlc_bundle):
    sections = _iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    base = ISS.parent
    for key in ("SetupIconFile", "LicenseFile"):
        assert (base / setup[key].replace("\\", "/")).is_file(), key
    sources = [re.search(r'Source:\s*"([^"]+)"', line).group(1) for line in sections["Files"]]
    defines = _iss_defines()
    for source in sources:
        path = source.replace("{#DistDir}", defines["DistDir"]).replace("\\", "/")
        if "dist/" in path:
            # The PyInstaller output: COLLECT(name="videowall") under the default dist/.
            assert path == "../../dist/videowall/*"
            assert 'COLLECT(exe, a.binaries, a.datas, name="videowall"' in SPEC.read_text(encoding="utf-8")
        else:
            assert list(base.glob(path)), source
    assert {"LGPL-2.1.txt", "LGPL-3.0.txt", "GPL-3.0.txt", "NOTICE.txt"} <= {p.name for p in LICENSES.iterdir()}


def test_iss_is_per_machine_64_bit_with_cache_gen_and_uninstall_cleanup(vlc_bundle):
    sections = _iss_sections()
    setup = dict(line.split("=", 1) for line in sections["Setup"])
    assert setup["ArchitecturesInstallIn64BitMode"] == "x64compatible"
    assert setup["PrivilegesRequired"] == "admin"
    assert setup["DefaultDirName"].startswith("{autopf}")
    assert setup["AppVersion"] == "{#AppVersion}"
    assert "#error" in ISS.read_text(encoding="utf-8")  # no silent default version
    assert _iss_defines()["VlcDir"] == "{app}\\_internal\\" + vlc_bundle.BUNDLE_VLC_DIR
    run = " ".join(sections["Run"])
    assert f"{{#VlcDir}}\\{vlc_bundle.WINDOWS_CACHE_GEN}" in run
    assert '"""{#VlcDir}\\plugins"""' in run
    assert any(vlc_bundle.PLUGIN_CACHE_NAME in line for line in sections["UninstallDelete"])
    assert any(line.startswith('Name: "{autoprograms}') for line in sections["Icons"])


def test_iss_command_lines_are_accepted_by_the_wall():
    from viewer.cli import wall_parser

    parameters = [m.group(1) for line in _iss_sections()["Icons"] if (m := re.search(r'Parameters:\s*"([^"]*)"', line))]
    assert parameters == ["--kiosk"]
    for text in parameters:
        assert wall_parser().parse_args(text.split()).kiosk is True


# --- Windows workflow ------------------------------------------------------------------


def test_workflow_has_the_pipeline_in_order(vlc_bundle):
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    job = workflow["jobs"]["installer"]
    assert job["runs-on"] == "windows-latest"
    steps = job["steps"]
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11"
    names = [s.get("name", s.get("uses", "")) for s in steps]
    order = ["Download VLC", "PyInstaller build", "Self-test of dist", "ISCC", "Silent install",
             "Self-test of the installed copy", "Silent uninstall"]
    positions = [next(i for i, n in enumerate(names) if word in n) for word in order]
    assert positions == sorted(positions)
    script = "\n".join(s.get("run", "") for s in steps)
    assert vlc_bundle.VLC_DIR_ENV in script
    assert "pyinstaller build_installer.spec" in script
    assert "/VERYSILENT" in script and "/SUPPRESSMSGBOXES" in script and "/NORESTART" in script
    assert script.count("run_selftest.ps1") == 2
    assert (ROOT / "resources" / "installer" / "run_selftest.ps1").is_file()
    assert "unins000.exe" in script


def test_workflow_pins_vlc_and_refuses_an_unset_checksum():
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    env = workflow["env"]
    assert re.fullmatch(r"3\.0\.\d+", env["VLC_VERSION"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", env["PYINSTALLER_VERSION"])
    assert env["VLC_SHA256"] == "REPLACE_WITH_OFFICIAL_SHA256" or re.fullmatch(r"[0-9a-f]{64}", env["VLC_SHA256"])
    download = next(s for s in workflow["jobs"]["installer"]["steps"] if "Download VLC" in s.get("name", ""))
    assert "^[0-9a-fA-F]{64}$" in download["run"] and "exit 1" in download["run"]
    assert "Get-FileHash" in download["run"] and "download.videolan.org" in download["run"]


# --- icon and licences -----------------------------------------------------------------


def test_icon_is_a_multi_size_ico():
    data = ICON.read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data, 0)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, _h, _c, _r, _planes, bpp, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * index)
        assert bpp == 32 and offset + length <= len(data)
        sizes.add(width or 256)
    assert {16, 32, 48, 256} <= sizes
    assert (ROOT / "resources" / "icons" / "videowall.png").read_bytes().startswith(b"\x89PNG")


def test_notice_names_the_lgpl_components_and_their_sources():
    notice = (LICENSES / "NOTICE.txt").read_text(encoding="utf-8")
    for needle in ("libVLC", "LGPL-2.1", "PySide6", "LGPL-3.0", "download.videolan.org", "download.qt.io",
                   "PyAV", "FFmpeg", "ffmpeg.org"):
        assert needle in notice
    assert "Version 2.1" in (LICENSES / "LGPL-2.1.txt").read_text(encoding="utf-8")[:300]
    assert "Version 3" in (LICENSES / "LGPL-3.0.txt").read_text(encoding="utf-8")[:300]


# --- the real build (slow) -------------------------------------------------------------


#: Folders of _internal/ that matplotlib brings (the evaluation report's charts).
CHART_PACKAGES = ("matplotlib", "numpy", "numpy.libs", "PIL", "pillow.libs", "kiwisolver", "fontTools",
                  "contourpy", "pyparsing", "cycler", "dateutil")


def _frozen_evaluation_report(executable: Path, tmp_path: Path) -> str:
    """``videowall evaluate --format html`` from the frozen app over the evaluation tests'
    journal: the charts need matplotlib's data files inside the bundle."""
    from tests.support.eval_journal import write_journal
    from tests.support.eval_scenario import CATALOG, at, journal

    data = journal()
    catalog = tmp_path / "eval-catalog.yaml"
    catalog.write_text(CATALOG, encoding="utf-8")
    path = write_journal(tmp_path / "eval.sqlite3", data.outages, data.coverage, created_at=at(1))
    page = tmp_path / "evaluation.html"
    run = subprocess.run([str(executable), "evaluate", "--journal", str(path), "--catalog", str(catalog),
                          "--since", "2026-11-02", "--until", "2026-11-03", "--format", "html", "--lang", "id",
                          "-o", str(page)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-4000:]
    return page.read_text(encoding="utf-8")


def _tree_size_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.mark.slow
@pytest.mark.timeout(BUILD_TIMEOUT_S + 120)
def test_frozen_app_passes_its_selftest(tmp_path, isolated_home, vlc_bundle, capsys, gst_rtsp):
    pytest.importorskip("PyInstaller")
    if shutil.which("objdump") is None:
        pytest.skip("PyInstaller needs objdump (Debian: apt install binutils)")
    if not sys.platform.startswith("linux"):
        pytest.skip("the Windows build runs in .github/workflows/windows.yml")
    try:
        vlc_bundle.locate_vlc(windows=False, env={})
    except vlc_bundle.VlcBundleError as exc:
        pytest.skip(str(exc))
    dist, work = tmp_path / "dist", tmp_path / "build"
    try:
        started = time.monotonic()
        build = subprocess.run(
            [sys.executable, "-m", "PyInstaller", str(SPEC), "--distpath", str(dist), "--workpath", str(work),
             "--noconfirm", "--log-level", "WARN"],
            cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_S,
        )
        build_s = time.monotonic() - started
        assert build.returncode == 0, build.stderr[-4000:]
        app = dist / "videowall"
        internal = app / "_internal"
        assert (internal / "vlc" / "libvlccore.so.9").is_file()
        assert not (internal / "libvlccore.so.9").exists()  # one libvlccore only
        assert not list(internal.rglob("plugins.dat"))
        assert not (internal / "vlc" / "plugins" / "gui").exists()
        assert (internal / "resources" / "clips" / "traffic.ts").is_file()
        assert (internal / "resources" / "licenses" / "NOTICE.txt").is_file()
        assert not (internal / "resources" / "installer").exists()
        assert not (internal / "resources" / "pyinstaller").exists()

        started = time.monotonic()
        run = subprocess.run([str(app / "videowall"), "--selftest"], capture_output=True, text=True,
                             timeout=FROZEN_SELFTEST_LIMIT_S + 15)
        selftest_s = time.monotonic() - started
        log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
        assert run.returncode == 0, log_text[-4000:]
        assert selftest_s < FROZEN_SELFTEST_LIMIT_S
        assert re.search(r"selftest: PASS: \d+ pictures displayed", log_text)
        assert f"libvlccore loaded from {internal / 'vlc' / 'libvlccore.so'}" in log_text
        assert f"plugins loaded from {internal / 'vlc' / 'plugins'}\n" in log_text
        assert "selftest: PASS" in run.stdout
        report_html = _frozen_evaluation_report(app / "videowall", tmp_path)
        assert report_html.count("<svg") == 3 and "Evaluasi jaringan" in report_html  # matplotlib works frozen

        # the frozen app plays RTSP through its bundled PyAV (FFmpeg) and libVLC
        server = gst_rtsp({}, {"/cam": "smpte"}, "viewer:frozen-Pw1")
        run = subprocess.run([str(app / "videowall"), "--selftest", "--selftest-url", server.url("/cam"),
                              "--selftest-user", "viewer"], capture_output=True, text=True,
                             env={**os.environ, "VIDEOWALL_SELFTEST_PASSWORD": "frozen-Pw1"},
                             timeout=FROZEN_SELFTEST_LIMIT_S + 45)
        log_text = (isolated_home / "logs" / "videowall.log").read_text(encoding="utf-8")
        assert run.returncode == 0, log_text[-4000:]
        assert f"{server.url('/cam')}: " in run.stdout and "selftest: RTSP client: relay (FFmpeg" in log_text
        size_mib = _tree_size_bytes(app) / 2**20
        vlc_mib = _tree_size_bytes(internal / "vlc") / 2**20
        charts_mib = sum(_tree_size_bytes(internal / name) for name in CHART_PACKAGES if (internal / name).is_dir())
        with capsys.disabled():
            print(f"\n[packaging] build {build_s:.1f} s, dist/videowall {size_mib:.0f} MiB "
                  f"(vlc/ {vlc_mib:.0f} MiB, matplotlib and its libraries {charts_mib / 2**20:.0f} MiB), "
                  f"frozen --selftest {selftest_s:.1f} s")
    finally:
        shutil.rmtree(dist, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
