"""Ctrl+E, Export Picks…: asks where to, then runs the export job in the background.

The export itself (stream copy of the picks with their final audio, verified, plus a manifest)
is `soundon.jobs.export_job`, the same job `soundon export` runs.
"""
from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QWidget)

from soundon import APP_NAME
from soundon.jobs.export_job import ExportJob, ExportRequest, ExportResult
from soundon.media.extra_streams import describe
from soundon.store.library import Library


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
    """Runs the export job on a thread of its own (with its own library connection) and reports
    back on the GUI thread through queued signals."""

    progress = Signal(float, str)      # overall fraction 0…1, "3/7 take.mp4"
    finished = Signal(object)          # ExportResult
    failed = Signal(str)

    def __init__(self, library: Library, options: dict, parent: QObject | None = None):
        super().__init__(parent)
        self.library_path, self.options = library.path, options
        self._job: ExportJob | None = None
        self._cancel_requested = False

    def start(self) -> None:
        threading.Thread(target=self._run, name="soundon-export", daemon=True).start()

    def cancel(self) -> None:
        self._cancel_requested = True
        if self._job is not None:
            self._job.cancel()

    def _run(self) -> None:
        library = Library(self.library_path)
        try:
            request = ExportRequest(batch=self.options["batch"], to=self.options["to"],
                                    picked_only=self.options["picked"], format=self.options["container"])
            self._job = ExportJob(library, request, on_progress=lambda tick: self.progress.emit(
                tick.overall_fraction, f"{tick.index}/{tick.total} {tick.name}"))
            if self._cancel_requested:
                self._job.cancel()
            self.finished.emit(self._job.run())
        except Exception as exc:  # the job's own errors are sentences for the editor
            self.failed.emit(str(exc))
        finally:
            library.close()


def summary(result: ExportResult) -> str:
    text = f"Exported {len(result.written)} take(s) to {result.destination}."
    if result.failed:
        text += f" {len(result.failed)} failed: " + "; ".join(
            f"{Path(i.source).name}: {i.error}" for i in result.failed[:3])
    lost = [(Path(i.source).name, e) for i in result.written for e in (i.outcome or {}).get("not_carried") or []]
    if lost:
        text += " Not carried over: " + "; ".join(f"{name}: {describe(e)}" for name, e in lost[:3]) + (
            f" (and {len(lost) - 3} more, listed in the manifest)" if len(lost) > 3 else "") + "."
    if result.cancelled:
        text += " The export was stopped; nothing half-written was left."
    return text


def export_picks(parent: QWidget, library: Library, current_batch: str | None) -> ExportRunner | None:
    """The Export Picks… action. Returns the running ExportRunner, or None."""
    batches = [b["name"] for b in library.batches()]
    if not batches:
        QMessageBox.information(parent, APP_NAME, "There is nothing to export yet: open a batch first.")
        return None
    dialog = ExportDialog(batches, current_batch, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    runner = ExportRunner(library, dialog.values(), parent)
    runner.start()
    return runner
