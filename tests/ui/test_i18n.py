"""Bahasa Indonesia: the wall in Indonesian (menus, a flagged tile's caption), the choice of
language, and the translation files: complete, matching the sources, compiled.

Tests that install the Indonesian translator remove it afterwards: the rest of the suite
reads English texts.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox

from tests.support.catalogs import catalog_yaml
from viewer.core.health_model import FeedState, HealthConfig
from viewer.core.reasons import REASON_TEXT, Reason
from viewer.ui import i18n
from viewer.ui.i18n import choose_language, install_translators, language_code, remove_translators
from viewer.ui.reason_strings import REASON_STRINGS, STATE_WORDS, reason_text, state_text

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "videowall_id.ts"
QM = ROOT / "resources" / "i18n" / "videowall_id.qm"
FLAG_TIMEOUT_MS = 20_000
FAST = HealthConfig(open_timeout_s=3.0, backoff_base_s=0.5, backoff_cap_s=2.0, player_supports_rtsp=False)
PLACEHOLDER = re.compile(r"\{\w*\}")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


def _messages(path: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) -> (translation, type) of every message in a .ts file."""
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            found[(name, message.findtext("source") or "")] = (translation.text or "", translation.get("type", ""))
    return found


def _refused_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/cam"


@pytest.fixture
def indonesian(qapp):
    assert install_translators(qapp, "id") == "id"
    yield qapp
    remove_translators(qapp)
    assert QCoreApplication.translate("Reason", "connection refused") == "connection refused"


# --- the wall in Indonesian -----------------------------------------------------------------
def test_wall_menus_and_flagged_caption_are_in_indonesian(indonesian, qtbot, make_wall):
    window = make_wall(catalog_yaml({"d1": [("cam-tolak", _refused_url())]}), health=FAST)
    window.controller.show_district("d1", 0, "1x1")
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&Berkas", "&Tampilan", "Tampilan te&rsimpan", "&Kecamatan", "T&ur", "B&antuan"]
    assert window.flag_dock.windowTitle() == "Kamera bermasalah"
    assert "Jeda / lanjutkan" in [a.text() for a in window.menu_tours.actions()]

    feed = window.controller.feeds[0]
    qtbot.waitUntil(lambda: feed.flag is not None and feed.flag.reason is Reason.REFUSED, timeout=FLAG_TIMEOUT_MS)
    tile = window.grid.tiles[0]
    qtbot.waitUntil(lambda: "KONEKSI DITOLAK" in tile.caption_text(), timeout=FLAG_TIMEOUT_MS)
    caption = tile.caption_text()
    assert caption.startswith("⚠ KONEKSI DITOLAK · Camera cam-tolak") and "sejak" in caption
    assert tile.surface.message().startswith("KONEKSI DITOLAK\nsejak")
    assert "1 bermasalah" in window.status_label.text()
    window.flag_panel.refresh()
    assert window.flag_panel.table.horizontalHeaderItem(2).text() == "Penyebab"
    assert window.flag_panel.table.item(0, 2).text() == "koneksi ditolak"


def test_standard_dialog_buttons_are_in_indonesian(indonesian, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Batal"


def test_back_to_english_after_removing_the_translators(qapp):
    assert install_translators(qapp, "id") == "id"
    assert reason_text(Reason.STALLED) == "macet / beku"
    assert state_text(FeedState.PLAYING) == "tayang"
    remove_translators(qapp)
    assert reason_text(Reason.STALLED) == "stalled / frozen"
    assert state_text(FeedState.PLAYING) == "playing"


# --- which language -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("requested", "system", "expected"),
    [
        ("id", "en_US", "id"),  # --lang / setting beat the system locale
        ("en", "id_ID", "en"),
        ("", "id_ID", "id"),  # "" = follow the system
        (None, "en_GB", "en"),
        (None, "de_DE", "en"),  # a language we do not have: English
        (None, "C", "en"),
        ("in", "en_US", "id"),
        ("Indonesian", "en_US", "id"),
        ("klingon", "id_ID", "id"),  # nonsense in the setting: the system decides
    ],
)
def test_choose_language(requested, system, expected):
    assert choose_language(requested, system) == expected


def test_language_code_reads_locale_spellings():
    assert [language_code(n) for n in ("id_ID", "id-ID", "id_ID.UTF-8", "en_US@euro", "fr_FR", "", None)] == [
        "id", "id", "id", "en", None, None, None,
    ]


def test_install_follows_the_system_locale_and_the_override(qapp):
    try:
        assert install_translators(qapp, "", system_locale="id_ID") == "id"
        assert QCoreApplication.translate("WallWindow", "&Tours") == "T&ur"
        assert install_translators(qapp, "en", system_locale="id_ID") == "en"  # replaces, not adds
        assert QCoreApplication.translate("WallWindow", "&Tours") == "&Tours"
    finally:
        remove_translators(qapp)


def test_missing_catalogue_leaves_the_wall_in_english(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    try:
        assert install_translators(qapp, "id") == "en"
        assert QCoreApplication.translate("Reason", "connection refused") == "connection refused"
    finally:
        remove_translators(qapp)


def test_cli_has_lang():
    from viewer.cli import wall_parser

    assert wall_parser().parse_args(["--lang", "id"]).lang == "id"
    assert wall_parser().parse_args([]).lang is None


# --- the files ------------------------------------------------------------------------------
def test_every_reason_and_state_has_a_translatable_entry():
    assert set(REASON_TEXT.values()) <= set(REASON_STRINGS)
    assert set(REASON_TEXT) == set(Reason)
    assert set(STATE_WORDS) == set(FeedState)
    translated = _messages(TS)
    for text in REASON_TEXT.values():
        assert translated[("Reason", text)][0], text


def test_ts_holds_every_source_string_and_nothing_unfinished(tmp_path):
    fresh = tmp_path / "fresh.ts"
    subprocess.run([_tool("pyside6-lupdate"), "-silent", "-extensions", "py", str(ROOT / "viewer"), "-ts", str(fresh)],
                   check=True, capture_output=True, timeout=60)
    sources = set(_messages(fresh))
    assert len(sources) > 100
    repo = _messages(TS)
    assert sources - repo.keys() == set(), "strings missing from the .ts: run lupdate (resources/i18n/README.md)"
    assert repo.keys() - sources == set(), "strings in the .ts that the sources no longer have"
    assert all(context for context, _ in sources), "a tr() outside a class has no context"
    for (context, source), (text, kind) in repo.items():
        assert kind == "" and text, f"unfinished: [{context}] {source!r}"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (context, source, text)
        assert ("&" in text) == ("&" in source), (context, source, text)


def test_qm_is_compiled_from_the_ts(tmp_path):
    fresh = tmp_path / "fresh.qm"
    subprocess.run([_tool("pyside6-lrelease"), "-silent", str(TS), "-qm", str(fresh)],
                   check=True, capture_output=True, timeout=60)
    assert fresh.read_bytes() == QM.read_bytes(), "run lrelease (resources/i18n/README.md)"


def test_storm_text_in_english_is_the_core_summary():
    from viewer.core.storm import Storm, StormDetector
    from viewer.ui.reason_strings import storm_text

    names = {"smg-utara": "Semarang Utara", "tugu": "Tugu"}
    storms = [
        Storm("10.20.4.2", ("smg-utara",), tuple(range(16)), Reason.UNREACHABLE, 0.0),
        Storm("10.20.4.2", ("smg-utara", "tugu"), (1,), Reason.REFUSED, 0.0),
        Storm("", ("tugu",), tuple(range(6)), Reason.TIMEOUT, 0.0, hosts=("a", "b", "c")),
        Storm("10.20.4.9", ("elsewhere",), (1, 2), Reason.REFUSED, 0.0),
    ]
    detector = StormDetector()
    assert [storm_text(s, names) for s in storms] == [detector.summary(s, names) for s in storms]
