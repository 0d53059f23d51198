"""The export's progress: one row per file (its name, a bar, what became of it), Cancel while it
runs, and Show in Folder with Close once it is done.

It listens to the export's background job: each progress value is an ExportTick (the file being
written and how far) or an ExportItem (a file done: written, skipped, refused or stopped), both
from jobs/export_job.py. Cancel stops the file being written; nothing is left under its final
name (the swap job writes to a temporary name and removes it).
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QDialog, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from soundon.core.take import Take
from soundon.jobs.export_job import ExportItem, ExportResult, ExportTick
from soundon.jobs.qt_jobs import BackgroundJob

STATUS_TEXT = {"written": "Written", "skipped": "Skipped", "failed": "Refused", "cancelled": "Stopped"}


class _Row:
    def __init__(self, grid: QGridLayout, row: int, name: str, parent: QWidget):
        self.name = QLabel(name, parent)
        self.name.setObjectName("file-name")
        self.bar = QProgressBar(parent)
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.status = QLabel("Waiting", parent)
        self.status.setObjectName("file-status")
        self.status.setWordWrap(True)
        grid.addWidget(self.name, row, 0)
        grid.addWidget(self.bar, row, 1)
        grid.addWidget(self.status, row, 2)

    def show_item(self, item: ExportItem) -> None:
        head = STATUS_TEXT.get(item.status, item.status.capitalize())
        detail = item.error or (Path(item.output).name if item.output else "")
        self.status.setText(f"{head}: {detail}" if detail else head)
        self.status.setToolTip("\n".join([item.error, *item.notes]).strip())
        if item.status in ("written", "skipped"):
            self.bar.setValue(100)
        elif item.status in ("failed", "cancelled"):
            self.bar.setValue(0)


class ExportProgressView(QDialog):
    def __init__(self, job: BackgroundJob, takes: list[Take], destination: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Exporting")
        self.setModal(False)
        self.job = job
        self.destination = Path(destination)
        self._rows: list[_Row] = []
        self._by_take: dict[int, _Row] = {}
        inner = QWidget(self)
        grid = QGridLayout(inner)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        for number, take in enumerate(takes):
            row = _Row(grid, number, Path(take.rel_path).name, inner)
            self._rows.append(row)
            self._by_take[take.id] = row
        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        self.summary = QLabel(f"Exporting {len(takes)} take(s) to {self.destination}", self)
        self.summary.setWordWrap(True)
        self.show_in_folder = QPushButton("Show in Folder", self)
        self.show_in_folder.setObjectName("show-in-folder")
        self.show_in_folder.clicked.connect(self._show_folder)
        self.show_in_folder.hide()
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self._cancel_or_close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.show_in_folder)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.resize(720, min(480, 140 + 34 * len(takes)))
        job.progress.connect(self._progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self._done = False

    def _progress(self, value) -> None:
        if isinstance(value, ExportTick) and 0 < value.index <= len(self._rows):
            row = self._rows[value.index - 1]
            row.bar.setValue(round(100 * value.file_fraction))
            if value.file_fraction < 1.0:
                row.status.setText(value.phase.capitalize() if value.phase != "starting" else "Starting")
        elif isinstance(value, ExportItem) and value.take_id in self._by_take:
            self._by_take[value.take_id].show_item(value)

    def _finished(self, result: ExportResult) -> None:
        for item in result.items:
            if item.take_id in self._by_take:
                self._by_take[item.take_id].show_item(item)
        parts = [f"{len(result.written)} written"]
        if result.skipped:
            parts.append(f"{len(result.skipped)} skipped (already there, the same)")
        if result.failed:
            parts.append(f"{len(result.failed)} refused or failed")
        stopped = len(result.items) - len(result.written) - len(result.skipped) - len(result.failed)
        if stopped:
            parts.append(f"{stopped} stopped")
        # The NLE files are said here too: a format refused (picks at several frame rates) is
        # what the editor must know before opening the NLE, not a line the status bar cuts off.
        nle = f" {result.nle.sentence()}" if result.nle else ""
        self.summary.setText(f"{'Stopped' if result.cancelled else 'Done'}: {', '.join(parts)} in "
                             f"{result.destination}.{nle}")
        self._end()

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
        self._end()

    def _end(self) -> None:
        self._done = True
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.show_in_folder.setVisible(self.destination.is_dir())

    def _cancel_or_close(self) -> None:
        if self._done:
            self.close()
            return
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Stopping…")
        self.job.cancel()

    def _show_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.destination)))

    def keyPressEvent(self, event) -> None:  # noqa: N802
        # Escape stops the export rather than hiding the only view of it.
        if event.key() == Qt.Key.Key_Escape and not self._done:
            self._cancel_or_close()
            return
        super().keyPressEvent(event)
