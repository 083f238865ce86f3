"""About text: versions and licences."""

from __future__ import annotations

import platform

from PySide6.QtCore import QCoreApplication

from viewer import __version__


def about_text(libvlc_version: str) -> str:
    try:
        from PySide6 import __version__ as pyside
        from PySide6.QtCore import qVersion

        qt = f"PySide6 {pyside}, Qt {qVersion()}"
    except ImportError:
        qt = QCoreApplication.translate("About", "Qt unavailable")
    return (
        f"videowall {__version__}\n"
        f"libVLC {libvlc_version}\n{qt}\nPython {platform.python_version()}\n\n"
    ) + QCoreApplication.translate(
        "About",
        "videowall is free software (GPL-3.0-or-later).\n"
        "It uses libVLC (LGPL-2.1-or-later, videolan.org) and Qt for Python "
        "(LGPL-3.0, qt.io); their licence texts ship in the installer's licenses folder.",
    )
