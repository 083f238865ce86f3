"""Pin the machine's local time zone for a test (POSIX TZ strings: no tzdata needed)."""

from __future__ import annotations

import time

import pytest

#: Indochina Time, UTC+7 all year (Semarang's WIB has the same offset).
ICT = "ICT-7"
#: Central Europe with daylight saving time: days of 23 and 25 hours.
CET = "CET-1CEST,M3.5.0,M10.5.0/3"


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch):
    """Local time = UTC+7; yields a function that switches to another TZ string."""

    def switch(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    switch(ICT)
    yield switch
    monkeypatch.undo()
    time.tzset()
