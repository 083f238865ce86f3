"""Which monitor a wall window belongs on when monitors come and go
(viewer.core.placement.choose_screen). Pure."""

from viewer.core.placement import choose_screen


def test_window_returns_to_its_monitor_when_it_comes_back():
    assert choose_screen("HDMI-2", "HDMI-1", ["HDMI-1", "HDMI-2"], "HDMI-1") == "HDMI-2"


def test_window_moves_to_primary_when_its_monitor_is_unplugged():
    assert choose_screen("HDMI-2", "HDMI-2", ["HDMI-1"], "HDMI-1") == "HDMI-1"


def test_window_stays_put_when_another_monitor_changes():
    assert choose_screen("", "DP-1", ["DP-1", "HDMI-1"], "HDMI-1") == "DP-1"


def test_no_primary_any_remaining_screen():
    assert choose_screen("X", "Y", ["Z"], "W") == "Z"
    assert choose_screen("X", "Y", [], "W") == "Y"
