"""Background jobs: work that must not run on the Qt main thread (disk, network, heavy
computation), each a QRunnable reporting through documented Qt signals; and jobs without a
user interface (no Qt, no vlc): ``monitor``."""
