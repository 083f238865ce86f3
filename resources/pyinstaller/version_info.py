"""Build-time helper for ``build_installer.spec``: the Windows version resource.

The version comes from ``viewer/__init__.py`` (read as text, the package is not imported).
Runs inside PyInstaller and in tests, never in the app.
"""

from __future__ import annotations

import re
from pathlib import Path

VERSION_PATTERN = re.compile(r'^__version__\s*=\s*"([^"]+)"', re.MULTILINE)
PRODUCT_NAME = "videowall"
DESCRIPTION = "videowall - control-room video wall"
COMPANY = "videowall contributors"
COPYRIGHT = "GPL-3.0-or-later; libVLC LGPL-2.1-or-later; Qt LGPL-3.0"


def read_version(package_init: Path) -> str:
    match = VERSION_PATTERN.search(package_init.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"no __version__ = \"...\" line in {package_init}")
    return match.group(1)


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"0.1.0"`` -> ``(0, 1, 0, 0)``; ``"1.2.0rc1"`` -> ``(1, 2, 0, 0)`` (leading numbers only)."""
    numbers = []
    for part in version.split(".")[:4]:
        digits = re.match(r"\d+", part)
        if digits is None:
            break
        numbers.append(int(digits.group(0)))
    numbers += [0] * (4 - len(numbers))
    return tuple(numbers)  # type: ignore[return-value]


def version_strings(version: str) -> dict[str, str]:
    """The StringFileInfo fields Explorer shows on the Details tab."""
    return {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": PRODUCT_NAME,
        "LegalCopyright": COPYRIGHT,
        "OriginalFilename": f"{PRODUCT_NAME}.exe",
        "ProductName": PRODUCT_NAME,
        "ProductVersion": version,
    }


def windows_version_info(version: str):
    """A PyInstaller ``VSVersionInfo`` for ``EXE(version=...)``. Windows only (PyInstaller's
    versioninfo module needs pywin32-ctypes and pefile)."""
    from PyInstaller.utils.win32 import versioninfo as vi

    numbers = version_tuple(version)
    strings = [vi.StringStruct(key, value) for key, value in version_strings(version).items()]
    return vi.VSVersionInfo(
        ffi=vi.FixedFileInfo(
            filevers=numbers,
            prodvers=numbers,
            mask=0x3F,
            flags=0x0,
            OS=0x40004,  # VOS_NT_WINDOWS32
            fileType=0x1,  # VFT_APP
            subtype=0x0,
            date=(0, 0),
        ),
        kids=[
            vi.StringFileInfo([vi.StringTable("040904B0", strings)]),  # US English, Unicode
            vi.VarFileInfo([vi.VarStruct("Translation", [0x0409, 1200])]),
        ],
    )
