"""Ctrl+E, Export Picks…: asks where to, then runs the export job in the background.

The export itself (stream copy of the picks with their final audio) belongs to
`soundon.jobs.export_job`. A build without it says so plainly instead of pretending to export;
`soundon export` is the command-line route in builds that have it.
"""
from __future__ import annotations

import importlib
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QWidget)

from soundon import APP_NAME
from soundon.store.library import Library

NOT_AVAILABLE = ("Export is not available in this build of Sound-On: it was built without the export "
                 "job. Your picks are safe in the library; export them with a build that includes it.")


def export_job_module():
    """soundon.jobs.export_job when this build has it, else None."""
    try:
        return importlib.import_module("soundon.jobs.export_job")
    except ImportError:
        return None


class ExportDialog(QDialog):
    def __init__(self, batches: list[str], current: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export Picks")
        self.batch = QComboBox(self)
        self.batch.addItems(batches)
        if current in batches:
            self.batch.setCurrentText(current)
        self.folder = QLineEdit(str(Path.home() / "Sound-On exports"), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder, 1)
        row.addWidget(browse)
        self.picked_only = QCheckBox("Picked takes only", self)
        self.picked_only.setChecked(True)
        self.container = QComboBox(self)
        self.container.addItems(["mp4", "mov"])
        form = QFormLayout(self)
        form.addRow("Batch", self.batch)
        form.addRow("To folder", row)
        form.addRow("", self.picked_only)
        form.addRow("Format", self.container)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def values(self) -> dict:
        return {"batch": self.batch.currentText(), "to": Path(self.folder.text()).expanduser(),
                "picked": self.picked_only.isChecked(), "container": self.container.currentText()}


class ExportRunner(QObject):
    """Runs the export job on a thread of its own and reports back on the GUI thread."""

    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, library: Library, module, options: dict, parent: QObject | None = None):
        super().__init__(parent)
        self.library_path, self.module, self.options = library.path, module, options
        self._job = None

    def start(self) -> None:
        threading.Thread(target=self._run, name="soundon-export", daemon=True).start()

    def cancel(self) -> None:
        if self._job is not None and hasattr(self._job, "cancel"):
            self._job.cancel()

    def _run(self) -> None:
        library = Library(self.library_path)
        try:
            self._job = self.module.ExportJob(library)
            result = self._job.run(self.options["batch"], self.options["to"], picked_only=self.options["picked"],
                                   container=self.options["container"], progress=self.progress.emit)
            self.finished.emit(result)
        except (AttributeError, TypeError) as exc:
            self.failed.emit(f"This build's export job does not fit the app ({exc}). Use `soundon export` instead.")
        except Exception as exc:  # the job's own errors are sentences for the editor
            self.failed.emit(str(exc))
        finally:
            library.close()


def export_picks(parent: QWidget, library: Library, current_batch: str | None):
    """The Export Picks… action. Returns the running ExportRunner, or None."""
    module = export_job_module()
    if module is None:
        QMessageBox.information(parent, APP_NAME, NOT_AVAILABLE)
        return None
    batches = [b["name"] for b in library.batches()]
    if not batches:
        QMessageBox.information(parent, APP_NAME, "There is nothing to export yet: open a batch first.")
        return None
    dialog = ExportDialog(batches, current_batch, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    runner = ExportRunner(library, module, dialog.values(), parent)
    runner.start()
    return runner
