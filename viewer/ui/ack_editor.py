"""The inline "acknowledge / reported to the technical team" editor of a wall window.

No dialog (kiosk walls allow none): a bar in the status bar with the camera, an optional
note or ticket number, and two buttons. Enter acknowledges, Esc cancels; an empty note is
the preset "reported". Main thread only.

Signals: ``submitted(camera_id: str, note: str)`` when the operator confirms.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from viewer.core.journal import ACK_NOTE_MAX_CHARS


class AckEditor(QWidget):
    submitted = Signal(str, str)  # camera id, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.camera_id = ""
        self.label = QLabel(self)
        self.note = QLineEdit(self)
        self.note.setMaxLength(ACK_NOTE_MAX_CHARS)
        self.note.setPlaceholderText(self.tr("note or ticket number (optional)"))
        self.note.setClearButtonEnabled(True)
        self.note.returnPressed.connect(self.submit)
        self.ok = QPushButton(self.tr("Acknowledge"), self)
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.submit)
        cancel = QPushButton(self.tr("Cancel"), self)
        cancel.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.note, 1)
        layout.addWidget(self.ok)
        layout.addWidget(cancel)
        self.hide()

    def begin(self, camera_id: str, camera_name: str) -> None:
        """Ask for the note of ``camera_id``'s acknowledgement (replaces an unfinished one)."""
        self.camera_id = camera_id
        self.label.setText(self.tr("Reported to the technical team: {camera}").format(camera=camera_name))
        self.note.clear()
        self.show()
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> None:
        if not self.camera_id:
            return
        camera_id, self.camera_id = self.camera_id, ""
        self.hide()
        self.submitted.emit(camera_id, self.note.text().strip())

    def cancel(self) -> None:
        self.camera_id = ""
        self.hide()

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            event.accept()
            return
        super().keyPressEvent(event)
