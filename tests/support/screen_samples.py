"""What an operator sees, sampled from the screen at short intervals after an action.

``QScreen.grabWindow(winId)`` of the top-level window under Xvfb sees libVLC's output
(``QWidget.grab`` does not). Each sample reads a grid of points inside a rectangle (window
coordinates) and counts how many show one of the expected stream colours and how many are
black. Main thread (Qt) only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from tests.support.clips import COLOURS_RGB

COLOUR_TOLERANCE = 60
BLACK_MAX = 40  # every channel at most this: black (an empty surface, no picture)
GRID_POINTS = (16, 9)  # points across and down the sampled rectangle


@dataclass(frozen=True)
class Sample:
    t_s: float  # seconds after the action
    picture: float  # share of points showing one of the expected colours
    black: float  # share of black points
    colours: dict  # colour name -> share of points

    def fills(self, share: float) -> bool:
        return self.picture >= share

    def __str__(self) -> str:
        top = ", ".join(f"{k} {v:.0%}" for k, v in sorted(self.colours.items(), key=lambda kv: -kv[1]) if v)
        return f"{self.t_s:5.2f}s picture {self.picture:.0%} black {self.black:.0%} ({top})"


def close_to(rgb, expected, tolerance: int = COLOUR_TOLERANCE) -> bool:
    """Each channel of ``rgb`` within ``tolerance`` of ``expected``."""
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))


def inner_rect(widget, window, margin: float = 0.04):
    """``widget``'s rectangle in ``window`` coordinates, shrunk by ``margin`` on each side
    (borders and the edge pixels of a scaled picture are not what the test is about)."""
    from PySide6.QtCore import QPoint, QRect

    top_left = widget.mapTo(window, QPoint(0, 0))
    w, h = widget.width(), widget.height()
    dx, dy = int(w * margin), int(h * margin)
    return QRect(top_left.x() + dx, top_left.y() + dy, w - 2 * dx, h - 2 * dy)


def picture_rect(widget, window, aspect: float = 16 / 9, margin: float = 0.04):
    """Where a picture of ``aspect`` (width ÷ height) shows inside ``widget`` when it is as
    large as it can be (libVLC keeps the aspect ratio: bars on two sides are right), in
    ``window`` coordinates, shrunk by ``margin`` on each side."""
    from PySide6.QtCore import QPoint, QRect

    top_left = widget.mapTo(window, QPoint(0, 0))
    w, h = widget.width(), widget.height()
    pw, ph = (w, round(w / aspect)) if w / max(1, h) <= aspect else (round(h * aspect), h)
    x, y = top_left.x() + (w - pw) // 2, top_left.y() + (h - ph) // 2
    dx, dy = int(pw * margin), int(ph * margin)
    return QRect(x + dx, y + dy, pw - 2 * dx, ph - 2 * dy)


def grab(window):
    """A screenshot of ``window`` as a QImage (libVLC's pictures included)."""
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.primaryScreen().grabWindow(int(window.winId())).toImage()


def read(image, window, rect, colours: dict[str, tuple[int, int, int]], t_s: float = 0.0) -> Sample:
    """The share of ``rect``'s grid points (window coordinates) in each colour of ``image``."""
    scale = image.width() / max(1, window.width())
    counts = dict.fromkeys(colours, 0)
    black = total = 0
    cols, rows = GRID_POINTS
    for i in range(cols):
        for j in range(rows):
            x = int((rect.x() + rect.width() * (i + 0.5) / cols) * scale)
            y = int((rect.y() + rect.height() * (j + 0.5) / rows) * scale)
            c = image.pixelColor(x, y)
            rgb = (c.red(), c.green(), c.blue())
            total += 1
            if max(rgb) <= BLACK_MAX:
                black += 1
            for name, expected in colours.items():
                if close_to(rgb, expected):
                    counts[name] += 1
                    break
    shares = {k: v / total for k, v in counts.items()}
    return Sample(t_s, sum(shares.values()), black / total, shares)


def sample(window, rect, colours: dict[str, tuple[int, int, int]], t_s: float = 0.0) -> Sample:
    """One screenshot of ``window``; the share of ``rect``'s grid points in each colour."""
    return read(grab(window), window, rect, colours, t_s)


def watch(qtbot, window, rect_of, colours: dict[str, tuple[int, int, int]], seconds: float,
          interval_ms: int = 100, until=None) -> list[Sample]:
    """Sample every ``interval_ms`` for ``seconds`` (the event loop runs in between), or until
    ``until(samples)`` is true. ``rect_of()`` gives the rectangle to read at each sample."""
    start = time.monotonic()
    samples: list[Sample] = []
    while True:
        now = time.monotonic() - start
        samples.append(sample(window, rect_of(), colours, now))
        if now >= seconds or (until is not None and until(samples)):
            return samples
        qtbot.wait(interval_ms)


def longest_run(samples: list[Sample], bad) -> int:
    """The longest run of consecutive samples for which ``bad(sample)`` holds."""
    best = run = 0
    for s in samples:
        run = run + 1 if bad(s) else 0
        best = max(best, run)
    return best


def describe(samples: list[Sample]) -> str:
    return "\n".join(str(s) for s in samples)


def x_window_size(win_id: int) -> tuple[int, int]:
    """Width and height of an X window as the X server has it (``xwininfo``, x11-utils)."""
    out = _xwininfo("-id", str(int(win_id)))
    return _field(out, "Width:"), _field(out, "Height:")


def x_children(win_id: int) -> list[int]:
    """Ids of an X window's child windows (libVLC draws into a child of the surface)."""
    out = _xwininfo("-children", "-id", str(int(win_id)))
    ids = []
    for line in out.splitlines():
        parts = line.strip().split()
        if parts and parts[0].startswith("0x") and "children" not in line and "window id" not in line.lower():
            ids.append(int(parts[0], 16))
    return ids


def _xwininfo(*args: str) -> str:
    import shutil
    import subprocess

    if shutil.which("xwininfo") is None:  # x11-utils, listed in .ci/setup: fail, never skip
        raise RuntimeError("xwininfo (Debian package x11-utils) is needed: run .ci/setup")
    return subprocess.run(["xwininfo", *args], capture_output=True, text=True, check=True, timeout=10).stdout


def _field(text: str, name: str) -> int:
    for line in text.splitlines():
        if line.strip().startswith(name):
            return int(line.split(":", 1)[1])
    raise ValueError(f"{name} not in xwininfo output")


def grab_colour(tile) -> tuple[int, int, int]:
    """Mean colour of the centre of what is on screen inside the tile's video surface."""
    from PySide6.QtGui import QGuiApplication

    surface = tile.surface
    image = QGuiApplication.primaryScreen().grabWindow(int(surface.winId())).toImage()
    w, h = image.width(), image.height()
    points = [(fx, fy) for fx in (0.3, 0.5, 0.7) for fy in (0.3, 0.5, 0.7)]
    samples = [image.pixelColor(int(w * fx), int(h * fy)) for fx, fy in points]
    n = len(samples)
    return (
        sum(c.red() for c in samples) // n,
        sum(c.green() for c in samples) // n,
        sum(c.blue() for c in samples) // n,
    )


def save_screenshot(window, path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    QGuiApplication.primaryScreen().grabWindow(int(window.winId())).save(str(path))


def screen_colours(window) -> list[str]:
    """The colour name (``COLOURS_RGB``) each shown tile of ``window`` has on screen, in layout
    order; the measured RGB as text where it matches none."""
    names = []
    for tile in window.grid.shown:
        rgb = grab_colour(tile)
        names.append(next((n for n, c in COLOURS_RGB.items() if close_to(rgb, c)), str(rgb)))
    return names
