"""Fixtures for the real-libVLC player tests: the app's engine (GuardedEngine around
VlcEngine), a real X window under Xvfb to render into (helpers: tests/support/players.py)."""

from __future__ import annotations

import pytest

from viewer.player.base import create_engine


@pytest.fixture
def window(qtbot):
    from PySide6.QtWidgets import QWidget

    widget = QWidget()
    widget.resize(320, 180)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def engine():
    engine = create_engine()
    yield engine
    engine.release()
