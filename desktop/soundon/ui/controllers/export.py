"""Ctrl+E, Export Picks…: asks where to, then runs the export job in the background (jobs.qt_jobs).

The export itself (stream copy of the picks with their final audio, verified, plus a manifest and
the NLE files chosen in the dialog) is `soundon.jobs.export_job`, the same job `soundon export` runs.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLineEdit, QMessageBox, QPushButton, QWidget)

from soundon import APP_NAME
from soundon.jobs.export_job import ExportJob, ExportRequest, ExportResult, ExportTick
from soundon.jobs.handoff_job import HandoffResult
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.media.extra_streams import describe
from soundon.store.library import Library
from soundon.ui.views.nle_choice import NleChoice


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
        self.nle = NleChoice(self)
        form.addRow("NLE files", self.nle)
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
                "picked": self.picked_only.isChecked(), "container": self.container.currentText(),
                "nle": self.nle.formats()}


def export_job(library: Library, options: dict) -> BackgroundJob:
    """The export of the dialog's choices as a background job with its own library connection.
    Its progress is each ExportTick; cancelling it stops the take being written (nothing is left
    under a half-written name) and writes the manifest of what was done."""
    request = ExportRequest(batch=options["batch"], to=options["to"], picked_only=options["picked"],
                            format=options["container"], nle=options.get("nle", ()))

    def run_export(job: BackgroundJob) -> ExportResult:
        export = ExportJob(job.library, request, on_progress=job.report)
        job.on_cancel(export.cancel)
        return export.run()

    return BackgroundJob(run_export, what="export", library=library)


def progress_text(tick: ExportTick) -> str:
    return f"Exporting {tick.overall_fraction:.0%} — {tick.index}/{tick.total} {tick.name}"


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
    return text + nle_summary(result.nle)


def nle_summary(nle: HandoffResult | None) -> str:
    """The NLE files in a sentence or two: how many were written, and why any was not."""
    if nle is None:
        return ""
    if nle.error:
        return f" No NLE files: {nle.error}"
    text = f" NLE files: {', '.join(Path(p).name for p in nle.files.values())}." if nle.files else ""
    text += "".join(f" No {name} file: {why}" for name, why in nle.refused.items())
    if nle.warnings_file:
        text += f" Variable frame rate: see {Path(nle.warnings_file).name}."
    return text


def export_picks(parent: QWidget, library: Library, current_batch: str | None) -> BackgroundJob | None:
    """The Export Picks… action. Returns the export job, to be started once its signals are
    connected, or None."""
    batches = [b["name"] for b in library.batches()]
    if not batches:
        QMessageBox.information(parent, APP_NAME, "There is nothing to export yet: open a batch first.")
        return None
    dialog = ExportDialog(batches, current_batch, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return export_job(library, dialog.values())
