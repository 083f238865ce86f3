"""Add and remove RandR monitors on an X server (Xvfb) from a test, with ctypes and libXrandr.

Xvfb has one output, but RandR 1.5 lets a client split the screen into named monitors, and
Qt turns each monitor into a QScreen: deleting one is what Qt sees when a monitor is
unplugged. Monitors a client defines live as long as its connection, so keep the
:class:`Monitors` object open for the test's length. Not thread-safe; one connection per object.
"""

from __future__ import annotations

import ctypes
import ctypes.util


class _Monitor(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_ulong), ("primary", ctypes.c_int), ("automatic", ctypes.c_int),
        ("noutput", ctypes.c_int), ("x", ctypes.c_int), ("y", ctypes.c_int),
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("mwidth", ctypes.c_int),
        ("mheight", ctypes.c_int), ("outputs", ctypes.POINTER(ctypes.c_ulong)),
    ]


class _Resources(ctypes.Structure):
    _fields_ = [
        ("timestamp", ctypes.c_ulong), ("config_timestamp", ctypes.c_ulong), ("ncrtc", ctypes.c_int),
        ("crtcs", ctypes.POINTER(ctypes.c_ulong)), ("noutput", ctypes.c_int),
        ("outputs", ctypes.POINTER(ctypes.c_ulong)),
    ]


class _Image(ctypes.Structure):  # the head of Xlib's XImage, up to the colour masks
    _fields_ = [
        ("width", ctypes.c_int), ("height", ctypes.c_int), ("xoffset", ctypes.c_int), ("format", ctypes.c_int),
        ("data", ctypes.POINTER(ctypes.c_ubyte)), ("byte_order", ctypes.c_int), ("bitmap_unit", ctypes.c_int),
        ("bitmap_bit_order", ctypes.c_int), ("bitmap_pad", ctypes.c_int), ("depth", ctypes.c_int),
        ("bytes_per_line", ctypes.c_int), ("bits_per_pixel", ctypes.c_int), ("red_mask", ctypes.c_ulong),
        ("green_mask", ctypes.c_ulong), ("blue_mask", ctypes.c_ulong),
    ]


_ZPIXMAP = 2
_ALL_PLANES = 0xFFFFFFFF


def _channel(pixel: int, mask: int) -> int:
    shift = (mask & -mask).bit_length() - 1
    return (pixel & mask) >> shift


def available() -> bool:
    return bool(ctypes.util.find_library("X11") and ctypes.util.find_library("Xrandr"))


class Monitors:
    """A connection to ``display`` that defines monitors on it."""

    def __init__(self, display: str) -> None:
        self._x = x = ctypes.CDLL(ctypes.util.find_library("X11"))
        self._r = r = ctypes.CDLL(ctypes.util.find_library("Xrandr"))
        x.XOpenDisplay.restype = ctypes.c_void_p
        x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        x.XDefaultRootWindow.restype = ctypes.c_ulong
        x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        x.XInternAtom.restype = ctypes.c_ulong
        x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        x.XCloseDisplay.argtypes = [ctypes.c_void_p]
        x.XGetImage.restype = ctypes.POINTER(_Image)
        x.XGetImage.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_int, ctypes.c_uint,
                                ctypes.c_uint, ctypes.c_ulong, ctypes.c_int]
        x.XFree.argtypes = [ctypes.c_void_p]
        r.XRRAllocateMonitor.restype = ctypes.POINTER(_Monitor)
        r.XRRAllocateMonitor.argtypes = [ctypes.c_void_p, ctypes.c_int]
        r.XRRSetMonitor.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(_Monitor)]
        r.XRRDeleteMonitor.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
        r.XRRGetScreenResourcesCurrent.restype = ctypes.POINTER(_Resources)
        r.XRRGetScreenResourcesCurrent.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
        self._dpy = x.XOpenDisplay(display.encode())
        if not self._dpy:
            raise OSError(f"cannot open X display {display}")
        self._root = x.XDefaultRootWindow(self._dpy)

    def set(self, name: str, x: int, y: int, width: int, height: int, primary: bool = False,
            with_output: bool = False) -> None:
        """Define (or redefine) monitor ``name``. ``with_output`` gives it the screen's one
        output, which replaces the automatic monitor covering the whole screen."""
        monitor = self._r.XRRAllocateMonitor(self._dpy, 1 if with_output else 0).contents
        monitor.name = self._x.XInternAtom(self._dpy, name.encode(), 0)
        monitor.primary = int(primary)
        monitor.x, monitor.y, monitor.width, monitor.height = x, y, width, height
        monitor.mwidth, monitor.mheight = width * 254 // 960, height * 254 // 960  # 96 dpi, in mm
        if with_output:
            resources = self._r.XRRGetScreenResourcesCurrent(self._dpy, self._root).contents
            monitor.outputs[0] = resources.outputs[0]
        self._r.XRRSetMonitor(self._dpy, self._root, ctypes.byref(monitor))
        self._x.XSync(self._dpy, 0)

    def delete(self, name: str) -> None:
        self._r.XRRDeleteMonitor(self._dpy, self._root, self._x.XInternAtom(self._dpy, name.encode(), 0))
        self._x.XSync(self._dpy, 0)

    def colour_at(self, x: int, y: int) -> tuple[int, int, int]:
        """The (r, g, b) the X server shows at root position (x, y) (24/32-bit TrueColor)."""
        pointer = self._x.XGetImage(self._dpy, self._root, x, y, 1, 1, _ALL_PLANES, _ZPIXMAP)
        if not pointer:
            raise OSError(f"XGetImage failed at {x},{y}")
        image = pointer.contents
        size = image.bits_per_pixel // 8
        raw = bytes(image.data[:size])
        pixel = int.from_bytes(raw, "little" if image.byte_order == 0 else "big")
        rgb = tuple(_channel(pixel, m) for m in (image.red_mask, image.green_mask, image.blue_mask))
        self._x.XFree(ctypes.cast(image.data, ctypes.c_void_p))
        self._x.XFree(ctypes.cast(pointer, ctypes.c_void_p))
        return rgb

    def close(self) -> None:
        if self._dpy:
            self._x.XCloseDisplay(self._dpy)
            self._dpy = None
