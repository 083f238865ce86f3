"""Where a wall window shows and how it may leave: monitors, fullscreen, the kiosk, the
geometry saved between runs, and the exit guards of a kiosk wall; :func:`follow_screens`
moves the app's windows when monitors come and go.

:class:`WindowScreens` is a mixin of :class:`viewer.ui.wall_window.WallWindow` (a
``QMainWindow``). It uses the window's ``services`` (kiosk flag, settings, the app's
windows), ``controller`` (a maximised tile restores first on Escape), camera-tree dock
``nav_dock`` and ``act_fullscreen`` action. Texts keep the "WallWindow" translation
context. Main thread only.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication

from viewer.core.placement import choose_screen

log = logging.getLogger(__name__)

translate = QCoreApplication.translate


class WindowScreens:
    """Screen placement, fullscreen and kiosk behaviour of a wall window (see the module)."""

    preferred_screen: str  # set by the window: the monitor this wall belongs on ("": none)
    _exit_allowed: bool  # set by the window: the kiosk exit combination was pressed

    def escape(self) -> None:
        if self.controller.restore():
            return
        if self.isFullScreen() and not self.services.kiosk:  # a kiosk wall never leaves fullscreen
            self.toggle_fullscreen()

    def toggle_fullscreen(self) -> None:
        if self.services.kiosk:  # only the exit keys end a kiosk wall's fullscreen
            self._kiosk_refuses(translate("WallWindow", "Fullscreen"))
            return
        if self.isFullScreen():
            self.showNormal()
            self.nav_dock.show()
        else:
            self.nav_dock.hide()
            screen = self.screen()
            self.showFullScreen()
            if screen is not None:  # without a window manager (kiosk X sessions) fullscreen is ours to do
                self.setGeometry(screen.geometry())

    def place_on_screen(self, index: int) -> None:
        screens = QGuiApplication.screens()
        if not screens:
            return
        screen = screens[index] if 0 <= index < len(screens) else screens[0]
        if not 0 <= index < len(screens):
            log.warning("no screen %d (have %d); using the primary", index, len(screens))
        self.preferred_screen = screen.name()
        self.move_to_screen(screen)

    def move_to_screen(self, screen) -> None:
        """Put the window on ``screen`` (fullscreen stays fullscreen); players keep playing.
        A kiosk wall stays a kiosk: frameless, no menu bar or camera tree, fullscreen."""
        full = self.isFullScreen() or self.services.kiosk
        self.setScreen(screen)
        if self.services.kiosk:
            self.setGeometry(screen.geometry())
            self.enter_kiosk()
        elif full:
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        elif self.windowState() & Qt.WindowState.WindowMaximized:
            self.setGeometry(screen.availableGeometry())  # a maximised window fills its new screen
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        else:
            self.move(screen.availableGeometry().topLeft())

    def enter_kiosk(self) -> None:
        """Fullscreen without window chrome; the camera tree is hidden (the board stays).
        Also re-applied after a monitor change (a re-created native window may lose it)."""
        if not self.windowFlags() & Qt.WindowType.FramelessWindowHint:
            self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.nav_dock.hide()
        self.nav_dock.toggleViewAction().setEnabled(False)
        self.menuBar().hide()
        self.act_fullscreen.setVisible(False)
        screen = self.screen()
        self.showFullScreen()
        if screen is not None:
            self.setGeometry(screen.geometry())

    def _kiosk_refuses(self, what: str) -> None:
        keys = self.services.settings.kiosk_exit_keys
        text = translate("WallWindow", "Kiosk mode: {what} is not available (press {keys} to close the wall)")
        self.statusBar().showMessage(text.format(what=what, keys=keys), 10000)

    def restore_geometry(self, data: str) -> None:
        """The geometry saved at the last exit; on the first start (none saved, or unreadable)
        the window fills the screen it opens on (maximised, and sized to the screen's
        available area for window managers, or none, that ignore the hint)."""
        if data and self.restoreGeometry(QByteArray.fromBase64(data.encode())):
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.setGeometry(screen.availableGeometry())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def saved_geometry(self) -> str:
        return bytes(self.saveGeometry().toBase64()).decode()

    def request_quit(self) -> None:
        """Quit the app, unless this is a kiosk wall (only its exit combination closes it)."""
        if self.services.kiosk:
            self._tell_exit_keys()
            return
        QGuiApplication.instance().quit()

    def kiosk_exit(self) -> None:
        for window in self.services.windows:
            window.allow_exit()
        QGuiApplication.instance().quit()

    def allow_exit(self) -> None:
        """The kiosk exit combination (or the app quitting) may close this window."""
        self._exit_allowed = True

    def kiosk_keeps_open(self) -> bool:
        """True when a kiosk wall refuses to close (no exit combination pressed yet); the
        operator is told which keys close it."""
        if not self.services.kiosk or self._exit_allowed:
            return False
        self._tell_exit_keys()
        return True

    def _tell_exit_keys(self) -> None:
        keys = self.services.settings.kiosk_exit_keys
        text = translate("WallWindow", "Kiosk mode: press {keys} to close the wall")
        self.statusBar().showMessage(text.format(keys=keys), 10000)


def follow_screens(app, services) -> None:
    """Monitors unplugged or added: move each wall to a remaining screen, and back to its own
    monitor when it returns. Windows move; their players keep playing."""
    def rearrange(*_args) -> None:
        screens = {s.name(): s for s in app.screens()}
        primary = app.primaryScreen().name() if app.primaryScreen() else ""
        for window in services.windows:
            # Where the window really is: when its monitor goes, Qt re-parents it to another
            # QScreen at once but leaves it where it was, off every remaining monitor.
            centre = window.frameGeometry().center()
            current = next((name for name, s in screens.items() if s.geometry().contains(centre)), "")
            if not window.preferred_screen:
                window.preferred_screen = current
            target = choose_screen(window.preferred_screen, current, list(screens), primary)
            if target != current and target in screens:
                log.info("display change: wall window moves from %s to %s", current or "?", target)
                window.move_to_screen(screens[target])

    app.screenAdded.connect(lambda _screen: rearrange())
    app.screenRemoved.connect(lambda _screen: QTimer.singleShot(0, rearrange))
