"""Qt widgets of the wall. Never imports vlc: players come from :mod:`viewer.player`."""
