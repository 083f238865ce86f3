"""Which monitor a wall window belongs on when monitors come and go. Pure."""

from __future__ import annotations

from collections.abc import Sequence


def choose_screen(preferred: str, current: str, available: Sequence[str], primary: str) -> str:
    """The screen name for a window that wants ``preferred`` and is on ``current``.

    Back on its own monitor as soon as that one is present again; otherwise it stays where
    it is while that screen exists; otherwise the primary (or any remaining) screen.
    """
    if preferred and preferred in available:
        return preferred
    if current in available:
        return current
    if primary in available:
        return primary
    return available[0] if available else current
