"""Video players. Only :mod:`viewer.player.vlc_backend` imports libVLC."""
