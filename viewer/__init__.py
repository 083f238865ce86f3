"""videowall: a control-room video wall viewer built on libVLC and Qt."""

__version__ = "0.1.0"
APP_NAME = "videowall"
APP_AUTHOR = "videowall"
