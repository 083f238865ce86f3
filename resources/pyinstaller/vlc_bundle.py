"""Build-time helper for ``build_installer.spec``: which libVLC files go into the bundle.

Runs inside PyInstaller (and in tests), never in the app. Standard library only.

Bundle layout, the same on every platform (``BUNDLE_VLC_DIR`` under ``_internal/``)::

    vlc/libvlc.dll  vlc/libvlccore.dll  vlc/vlc-cache-gen.exe   (Windows)
    vlc/libvlc.so.5 vlc/libvlccore.so.9                          (Linux)
    vlc/plugins/<allow-listed folder>/lib<name>_plugin.(dll|so)

Everything VLC is collected as *data* (copied verbatim, no dependency analysis): PyInstaller
would otherwise put a second copy of libvlccore next to the first, and two module banks
in one process is a crash waiting to happen. No ``plugins.dat`` is ever copied: its
timestamps go stale; the installer regenerates it with ``vlc-cache-gen``.
"""

from __future__ import annotations

import fnmatch
import os
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: Environment variable naming the VLC folder to bundle (the unpacked win64 zip on Windows).
VLC_DIR_ENV = "VIDEOWALL_VLC_DIR"
#: Folder under the bundle's ``_internal`` that holds libVLC and its plugins.
BUNDLE_VLC_DIR = "vlc"
#: Debian/Ubuntu multiarch locations used on Linux when ``VIDEOWALL_VLC_DIR`` is not set.
LINUX_SYSTEM_LIB_DIR = Path("/usr/lib/x86_64-linux-gnu")

WINDOWS_LIBRARIES = ("libvlc.dll", "libvlccore.dll")
WINDOWS_CACHE_GEN = "vlc-cache-gen.exe"
LINUX_LIBRARIES = ("libvlc.so.5", "libvlccore.so.9")

#: ``plugins/`` sub-folders a viewer needs. Left out: gui, lua, control, services_discovery,
#: visualization, meta_engine, mux, stream_out, access_output (we never stream out),
#: spu and text_renderer (OSD and subtitles are off), video_splitter, stream_extractor,
#: vaapi/vdpau (Linux hardware decoding; software decoding is the default here).
PLUGIN_FOLDERS = (
    "access",
    "audio_filter",  # resamplers, needed only when EngineOptions.audio is on
    "audio_mixer",
    "audio_output",
    "codec",
    "d3d11",  # Windows: filters for Direct3D 11 hardware decoding
    "d3d9",
    "demux",
    "keystore",  # memory keystore: --keystore=memory
    "logger",
    "misc",  # gnutls (https), xml (DASH/HLS manifests), screensaver inhibit
    "packetizer",
    "stream_filter",
    "video_chroma",
    "video_filter",  # deinterlace
    "video_output",
)

#: Modules (``lib<name>_plugin.*``) dropped from allowed folders: encoders, capture
#: devices, optical discs, broadcast cards, ASCII-art outputs, playlist/addon services.
DENIED_MODULES = frozenset(
    {
        # encoders only
        "x264", "x26410b", "x265", "twolame", "shine", "qsv",
        # large or niche decoders a CCTV wall never meets (avcodec and dav1d cover video)
        "aom", "schroedinger", "fluidsynth", "zvbi", "kate", "libass", "sdl_image",
        # capture devices, discs, broadcast cards
        "access_alsa", "pulsesrc", "dshow", "dtv", "dvb", "dc1394", "dv1394", "v4l2", "screen",
        "shm", "decklink", "linsys_hdsdi", "linsys_sdi", "dvdnav", "dvdread", "vcd", "cdda",
        "libbluray", "vdr", "mtp",
        # outputs nobody watches a wall through
        "aa", "caca", "fb", "flaschen", "yuv",
        # services
        "audioscrobbler", "export", "fingerprinter", "addonsfsstorage", "addonsvorepository", "vod_rtsp",
    }
)
PLUGIN_PATTERNS = ("lib*_plugin.dll", "lib*_plugin.so")
PLUGIN_CACHE_NAME = "plugins.dat"

PE_MACHINE_AMD64 = 0x8664
ELF_MAGIC = b"\x7fELF"
ELF_CLASS_64 = 2


class VlcBundleError(RuntimeError):
    """The VLC folder cannot be bundled; the message says what to fix."""


@dataclass(frozen=True)
class VlcSource:
    """Where libVLC comes from on the build machine."""

    libraries: tuple[Path, ...]  # libvlc first, then libvlccore
    plugins_dir: Path
    cache_gen: Path | None  # vlc-cache-gen(.exe); required on Windows


def pe_machine(path: Path) -> int:
    """The COFF ``Machine`` field of a PE file (0x8664 = x64). Raises VlcBundleError."""
    with open(path, "rb") as fh:
        header = fh.read(0x40)
        if len(header) < 0x40 or header[:2] != b"MZ":
            raise VlcBundleError(f"{path} is not a Windows DLL (no MZ header)")
        (pe_offset,) = struct.unpack_from("<I", header, 0x3C)
        fh.seek(pe_offset)
        signature = fh.read(6)
    if len(signature) < 6 or signature[:4] != b"PE\0\0":
        raise VlcBundleError(f"{path} is not a Windows DLL (no PE signature)")
    return struct.unpack_from("<H", signature, 4)[0]


def elf_class(path: Path) -> int:
    """EI_CLASS of an ELF file (2 = 64-bit). Raises VlcBundleError."""
    with open(path, "rb") as fh:
        ident = fh.read(5)
    if len(ident) < 5 or ident[:4] != ELF_MAGIC:
        raise VlcBundleError(f"{path} is not an ELF shared library")
    return ident[4]


def check_64bit(path: Path, windows: bool) -> None:
    if windows:
        machine = pe_machine(path)
        if machine != PE_MACHINE_AMD64:
            raise VlcBundleError(
                f"{path} is not 64-bit x64 (PE machine 0x{machine:04x}, expected 0x8664): "
                "use the win64 VLC archive, not win32"
            )
    elif elf_class(path) != ELF_CLASS_64:
        raise VlcBundleError(f"{path} is not a 64-bit library")


def locate_vlc(windows: bool, env: Mapping[str, str] = os.environ) -> VlcSource:
    """Find libVLC to bundle; raise :class:`VlcBundleError` with a clear message if unusable.

    Windows: ``VIDEOWALL_VLC_DIR`` must name the unpacked VLC win64 folder (libvlc.dll,
    libvlccore.dll, vlc-cache-gen.exe, plugins/). Linux: that variable may name a folder
    with libvlc.so.5, libvlccore.so.9 and plugins/; else the system libVLC is used.
    """
    folder_text = env.get(VLC_DIR_ENV, "").strip()
    if windows and not folder_text:
        raise VlcBundleError(
            f"{VLC_DIR_ENV} is not set: point it at the unpacked VLC 3 win64 folder "
            "(the one holding libvlc.dll and plugins\\), e.g. set VIDEOWALL_VLC_DIR=C:\\vlc-3.0.21"
        )
    if folder_text:
        folder = Path(folder_text).expanduser()
        if not folder.is_dir():
            raise VlcBundleError(f"{VLC_DIR_ENV}={folder_text}: no such folder")
        names = WINDOWS_LIBRARIES if windows else LINUX_LIBRARIES
        libraries = tuple(folder / name for name in names)
        plugins = folder / "plugins"
    else:
        libraries = tuple(LINUX_SYSTEM_LIB_DIR / name for name in LINUX_LIBRARIES)
        plugins = LINUX_SYSTEM_LIB_DIR / "vlc" / "plugins"
        folder = LINUX_SYSTEM_LIB_DIR
    missing = [str(p) for p in libraries if not p.is_file()]
    if not plugins.is_dir():
        missing.append(str(plugins) + os.sep)
    cache_gen = folder / WINDOWS_CACHE_GEN if windows else None
    if cache_gen is not None and not cache_gen.is_file():
        missing.append(str(cache_gen))
    if missing:
        hint = (
            "unpack the official VLC win64 zip there"
            if windows
            else "install libvlc5 vlc-plugin-base vlc-plugin-video-output (bash .ci/setup)"
        )
        raise VlcBundleError(f"libVLC to bundle is incomplete, missing: {', '.join(missing)} ({hint})")
    for library in libraries:
        check_64bit(library, windows)
    return VlcSource(libraries=libraries, plugins_dir=plugins, cache_gen=cache_gen)


def module_name(filename: str) -> str | None:
    """``libavcodec_plugin.dll`` -> ``avcodec``; None for files that are not plugins."""
    if not any(fnmatch.fnmatch(filename.lower(), pattern) for pattern in PLUGIN_PATTERNS):
        return None
    return filename[3:].rsplit("_plugin.", 1)[0].lower()


def plugin_files(plugins_dir: Path) -> list[tuple[Path, str]]:
    """Allowed plugin files as ``(source, folder relative to plugins/)``, sorted."""
    selected: list[tuple[Path, str]] = []
    for folder in PLUGIN_FOLDERS:
        source_folder = plugins_dir / folder
        if not source_folder.is_dir():
            continue
        for path in sorted(source_folder.iterdir()):
            name = module_name(path.name)
            if path.is_file() and name is not None and name not in DENIED_MODULES:
                selected.append((path, folder))
    return selected


def is_duplicate_library(dest_name: str) -> bool:
    """True for a top-level copy of libvlc/libvlccore that PyInstaller's dependency analysis
    adds next to ours in ``vlc/`` (it analyses the plugins as binaries). Keep one copy only."""
    return dest_name.lower() in WINDOWS_LIBRARIES + LINUX_LIBRARIES


def bundle_datas(source: VlcSource) -> list[tuple[str, str]]:
    """PyInstaller ``datas`` entries ``(source file, destination folder)`` for libVLC."""
    datas = [(str(lib), BUNDLE_VLC_DIR) for lib in source.libraries]
    if source.cache_gen is not None:
        datas.append((str(source.cache_gen), BUNDLE_VLC_DIR))
    for path, folder in plugin_files(source.plugins_dir):  # never plugins.dat: not a plugin name
        datas.append((str(path), f"{BUNDLE_VLC_DIR}/plugins/{folder}"))
    return datas
