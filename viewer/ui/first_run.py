"""The first-run screen: no catalog yet (or a broken one) — open one, or run the demo."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFileDialog,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from viewer import paths


class FirstRunDialog(QDialog):
    def __init__(self, problem: str = "") -> None:
        super().__init__()
        self.setWindowTitle(self.tr("videowall — no camera catalog"))
        self.chosen: Path | None = None
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<h2>Welcome to videowall</h2>"))
        title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(title)
        layout.addWidget(
            QLabel(
                self.tr(
                    "The wall needs a camera catalog (a YAML file listing districts and cameras).\n"
                    "Open one, use the sample catalog, or run `videowall demo` to see a simulated city."
                )
            )
        )
        if problem:
            layout.addWidget(QLabel(self.tr("The catalog could not be used:")))
            errors = QPlainTextEdit(problem)
            errors.setReadOnly(True)
            layout.addWidget(errors)
        open_button = QPushButton(self.tr("Open catalog…"))
        open_button.clicked.connect(self._open)
        layout.addWidget(open_button)
        sample = paths.resource("samples", "sample-city.yaml")
        if sample.is_file():
            sample_button = QPushButton(self.tr("Use the sample catalog"))
            sample_button.clicked.connect(lambda: self._use_sample(sample))
            layout.addWidget(sample_button)
        quit_button = QPushButton(self.tr("Quit"))
        quit_button.clicked.connect(self.reject)
        layout.addWidget(quit_button)

    def _open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, self.tr("Open camera catalog"), "", "YAML (*.yaml *.yml)")
        if name:
            self.chosen = Path(name)
            self.accept()

    def _use_sample(self, sample: Path) -> None:
        target = paths.default_catalog_path()
        if not target.exists():
            shutil.copyfile(sample, target)
        self.chosen = target
        self.accept()


def run_first_run(app: QApplication, problem: str = "") -> Path | None:
    dialog = FirstRunDialog(problem)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
