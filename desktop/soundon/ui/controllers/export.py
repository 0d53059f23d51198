"""Ctrl+E, Export Picks…: asks where to, shows the pre-flight, then runs the export job in the
background (jobs.qt_jobs) with its progress view (ui/views/export_progress.py).

The export itself (stream copy of the picks with their final audio, verified, plus a manifest and
the NLE files chosen in the dialog) is `soundon.jobs.export_job`, the same job `soundon export` runs;
the pre-flight the dialog lists is the job's own (jobs/export_preflight.py), so the app and the CLI
say the same before writing.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QStatusBar, QWidget)

from soundon import APP_NAME
from soundon.jobs.export_job import ExportJob, ExportRequest, ExportResult, ExportTick
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.media.extra_streams import describe
from soundon.store.library import Library, LibraryError
from soundon.ui.views.export_progress import ExportProgressView
from soundon.ui.views.nle_choice import NleChoice

REFUSED_COLOUR = QColor("#d9534f")
WARNING_COLOUR = QColor("#e0a030")


class ExportDialog(QDialog):
    def __init__(self, library: Library, batches: list[str], current: str | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.library = library
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
        self.normalize_keep = QCheckBox("Normalise kept audio to the batch's target", self)
        self.normalize_keep.setToolTip("Takes delivered with their native audio go out as they are unless this is "
                                       "ticked; ticked, they are brought to the batch's delivery target "
                                       "(their audio is re-encoded).")
        self.findings = QListWidget(self)
        self.findings.setMinimumHeight(120)
        self.findings_summary = QLabel(self)
        self.findings_summary.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow("Batch", self.batch)
        form.addRow("To folder", row)
        form.addRow("", self.picked_only)
        form.addRow("Format", self.container)
        self.nle = NleChoice(self)
        form.addRow("NLE files", self.nle)
        form.addRow("", self.normalize_keep)
        form.addRow("Pre-flight", self.findings_summary)
        form.addRow(self.findings)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(640, self.sizeHint().height())
        for changed in (self.batch.currentTextChanged, self.picked_only.toggled, self.normalize_keep.toggled):
            changed.connect(self.check)
        self.check()

    def request(self) -> ExportRequest:
        values = self.values()
        return ExportRequest(batch=values["batch"], to=values["to"], picked_only=values["picked"],
                             format=values["container"], normalize_keep=values["normalize_keep"])

    def check(self) -> None:
        """List the pre-flight's findings for the takes the export would write (nothing is written).
        It reads each take's first and last MiB for its fingerprint: quick for a batch of takes."""
        self.findings.clear()
        try:
            job = ExportJob(self.library, self.request())
            takes = job.takes()
            findings = job.preflight()
        except LibraryError as exc:
            self.findings_summary.setText(str(exc))
            return
        for finding in findings:
            item = QListWidgetItem(finding.line(), self.findings)
            item.setForeground(REFUSED_COLOUR if finding.refused else WARNING_COLOUR)
            item.setToolTip(finding.message)
        refused = sum(f.refused for f in findings)
        if not takes:
            self.findings_summary.setText("Nothing to export: no takes match.")
        elif not findings:
            self.findings_summary.setText(f"{len(takes)} take(s), nothing to report.")
        else:
            self.findings_summary.setText(
                f"{len(takes)} take(s): {refused} refused (not exported), {len(findings) - refused} to look at. "
                "The others are exported.")
        self.export_button.setEnabled(len(takes) > refused)

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def values(self) -> dict:
        return {"batch": self.batch.currentText(), "to": Path(self.folder.text()).expanduser(),
                "picked": self.picked_only.isChecked(), "container": self.container.currentText(),
                "nle": self.nle.formats(), "normalize_keep": self.normalize_keep.isChecked()}


def export_job(library: Library, options: dict) -> BackgroundJob:
    """The export of the dialog's choices as a background job with its own library connection.
    Its progress is each ExportTick and each ExportItem done; cancelling it stops the take being
    written (nothing is left under a half-written name) and writes the manifest of what was done."""
    request = ExportRequest(batch=options["batch"], to=options["to"], picked_only=options["picked"],
                            format=options["container"], nle=options.get("nle", ()),
                            normalize_keep=options.get("normalize_keep", False))

    def run_export(job: BackgroundJob) -> ExportResult:
        export = ExportJob(job.library, request, on_progress=job.report, on_item=job.report)
        job.on_cancel(export.cancel)
        return export.run()

    return BackgroundJob(run_export, what="export", library=library)


def show_progress_in(status_bar: QStatusBar):
    """A slot showing the export's overall progress in the window's status bar."""
    def show(value) -> None:
        if isinstance(value, ExportTick):
            status_bar.showMessage(f"Exporting {value.overall_fraction:.0%} — "
                                   f"{value.index}/{value.total} {value.name}")
    return show


def summary(result: ExportResult) -> str:
    text = f"Exported {len(result.written)} take(s) to {result.destination}."
    if result.skipped:
        text += f" {len(result.skipped)} skipped: already there with the same content."
    if result.failed:
        text += f" {len(result.failed)} failed: " + "; ".join(
            f"{Path(i.source).name}: {i.error}" for i in result.failed[:3])
    lost = [(Path(i.source).name, e) for i in result.written for e in (i.outcome or {}).get("not_carried") or []]
    if lost:
        text += " Not carried over: " + "; ".join(f"{name}: {describe(e)}" for name, e in lost[:3]) + (
            f" (and {len(lost) - 3} more, listed in the manifest)" if len(lost) > 3 else "") + "."
    if result.cancelled:
        text += " The export was stopped; nothing half-written was left."
    return text + (f" {result.nle.sentence()}" if result.nle else "")


def export_picks(parent: QWidget, library: Library, current_batch: str | None) -> BackgroundJob | None:
    """The Export Picks… action. Returns the export job, its progress view open, to be started once
    its signals are connected, or None."""
    batches = [b["name"] for b in library.batches()]
    if not batches:
        QMessageBox.information(parent, APP_NAME, "There is nothing to export yet: open a batch first.")
        return None
    dialog = ExportDialog(library, batches, current_batch, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    options = dialog.values()
    takes = ExportJob(library, dialog.request()).takes()
    job = export_job(library, options)
    view = ExportProgressView(job, takes, Path(options["to"]).expanduser().absolute(), parent)
    view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    view.show()
    return job
