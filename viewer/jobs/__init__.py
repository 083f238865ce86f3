"""Background jobs without a user interface (no Qt, no vlc): ``monitor`` ..."""
