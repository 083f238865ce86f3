"""The wall's language: Bahasa Indonesia or English (the source language of every string).

:func:`install_translators` picks the language — ``--lang`` or the ``language`` setting when
given, else the system locale (``id_ID`` and other ``id*`` locales mean Indonesian, anything
else English) — and installs Qt translators for it: ``videowall_id.qm`` from
``resources/i18n`` and, when PySide6 ships one, Qt's own ``qtbase_id.qm`` (standard dialog
buttons). Call it on the main thread once the QApplication exists and before any window is
built: menus and labels are translated when they are created. Calling it again replaces the
translators installed before; :func:`remove_translators` goes back to English.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QTranslator

from viewer import paths

log = logging.getLogger(__name__)

ENGLISH = "en"
INDONESIAN = "id"
LANGUAGES = (ENGLISH, INDONESIAN)
#: ``resources/i18n/videowall_<lang>.qm``; Qt's own catalogues are ``<name>_<lang>.qm``.
APP_CATALOG = "videowall"
QT_CATALOGS = ("qtbase",)
#: Spellings of each language accepted from settings and locales ("in" is Java's old code for Indonesian).
_ALIASES = {
    INDONESIAN: ("id", "in", "ind", "indonesian", "indonesia", "bahasa"),
    ENGLISH: ("en", "eng", "english"),
}

#: Qt's standard dialog buttons, translated in our own catalogue too: PySide6 ships no
#: qtbase_id.qm, and QMessageBox / QInputDialog take these texts from "QPlatformTheme".
QT_STANDARD_BUTTONS = (
    QT_TRANSLATE_NOOP("QPlatformTheme", "OK"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Cancel"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Close"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Save"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "Open"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "&Yes"),
    QT_TRANSLATE_NOOP("QPlatformTheme", "&No"),
)

_installed: list[QTranslator] = []  # kept referenced: the app does not own installed translators


def language_code(name: str | None) -> str | None:
    """``"id"``/``"en"`` for a setting or locale name (``"id_ID"``, ``"en-GB"``, ``"Indonesian"``),
    ``None`` when it names neither."""
    text = (name or "").strip().casefold().replace("-", "_")
    base = text.split("_", 1)[0].split(".", 1)[0].split("@", 1)[0]
    for code, aliases in _ALIASES.items():
        if base in aliases:
            return code
    return None


def choose_language(requested: str | None, system_locale: str) -> str:
    """The language to show: ``requested`` (``--lang`` or the setting) when it names one we
    have, else Indonesian for an Indonesian system locale, else English."""
    code = language_code(requested)
    if code is not None:
        return code
    if requested:
        log.warning("unknown language %r (want %s); following the system locale", requested, " or ".join(LANGUAGES))
    return INDONESIAN if language_code(system_locale) == INDONESIAN else ENGLISH


def translations_dir() -> Path:
    """Where ``videowall_<lang>.qm`` lives (source checkout, installed package or frozen bundle)."""
    return paths.resource("i18n")


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_translators(app: QCoreApplication, requested: str | None = None, system_locale: str | None = None) -> str:
    """Install the translators for the chosen language; returns the language now shown
    (``"en"`` also when the Indonesian catalogue is missing). ``system_locale`` defaults
    to ``QLocale.system().name()``."""
    remove_translators(app)
    locale = QLocale.system().name() if system_locale is None else system_locale
    language = choose_language(requested, locale)
    if language == ENGLISH:
        log.info("language: English (requested %r, system locale %s)", requested or "", locale)
        return ENGLISH
    for catalog in QT_CATALOGS:
        if not _install(app, f"{catalog}_{language}", qt_translations_dir()):
            log.debug("Qt ships no %s_%s.qm in %s", catalog, language, qt_translations_dir())
    if not _install(app, f"{APP_CATALOG}_{language}", translations_dir()):
        log.error("no %s_%s.qm in %s: the wall stays in English", APP_CATALOG, language, translations_dir())
        remove_translators(app)
        return ENGLISH
    log.info("language: %s (requested %r, system locale %s)", language, requested or "", locale)
    return language


def current_language() -> str:
    """The language the app shows now: ``"id"`` while our Indonesian catalogue is installed."""
    return INDONESIAN if _installed else ENGLISH


def remove_translators(app: QCoreApplication) -> None:
    """Uninstall what :func:`install_translators` installed (back to the English sources)."""
    while _installed:
        app.removeTranslator(_installed.pop())


def _install(app: QCoreApplication, name: str, folder: Path) -> bool:
    translator = QTranslator()  # no parent: Python owns it, dropped when uninstalled
    if not translator.load(name, str(folder)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True
