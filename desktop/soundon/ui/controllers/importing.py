"""Importing from the app: File › Open Batch and folders dropped on the window.

One import runs at a time, as a background job (jobs.qt_jobs) writing through its own library
connection, the one writer of new takes while it runs; the status bar shows its
progress and a Stop button, the browser fills in as takes arrive, and refused files end up in the
import panel with their reasons.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QStatusBar

from soundon.core.manifest import MANIFEST_NAMES
from soundon.jobs.importer import Importer
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.store.library import Library
from soundon.ui.library_bridge import LibraryBridge


def batch_paths(urls: list[QUrl]) -> list[Path]:
    """The dropped things that can be batches: local folders and manifests."""
    paths = []
    for url in urls:
        if not url.isLocalFile():
            continue
        path = Path(url.toLocalFile())
        if path.is_dir() or path.name.lower() in MANIFEST_NAMES or path.suffix.lower() in (".json", ".csv"):
            paths.append(path)
    return paths


class ImportController(QObject):
    started = Signal(list)            # paths
    progress = Signal(int, int, str)  # done, total, file
    finished = Signal(object)         # ImportResult
    failed = Signal(str)

    def __init__(self, library: Library, bridge: LibraryBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.bridge = bridge
        self.job: BackgroundJob | None = None

    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running()

    def start(self, paths: list[str | Path], name: str | None = None, prepare=None) -> bool:
        """Import these paths (or the ones `prepare(library)` makes on the job's thread)."""
        if self.is_running() or not (paths or prepare):
            return False
        wanted = [str(p) for p in paths]

        def run_import(job: BackgroundJob):
            # The demo batch is generated here, on the job's thread, into the job's library.
            chosen = [str(p) for p in prepare(job.library)] if prepare is not None else wanted
            importer = Importer(job.library, background=True)
            job.on_cancel(importer.cancel)   # re-checked between batches and between takes
            return importer.run(chosen, name=name, progress=lambda *tick: job.report(tick))

        job = BackgroundJob(run_import, what="import", library=self.library, share_changes_with=self.bridge)
        job.progress.connect(lambda tick: self.progress.emit(*tick))
        job.finished.connect(self.finished)
        job.failed.connect(self.failed)
        self.job = job
        self.started.emit(wanted or ["the demo batch"])
        job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        return self.job.wait(timeout) if self.job is not None else True


class ImportProgress(QObject):
    """The status bar's part in an import: what is being read, how far it got, and a Stop button.
    Hidden while no import runs."""

    def __init__(self, controller: ImportController, status_bar: QStatusBar):
        super().__init__(status_bar)
        self.label = QLabel(status_bar)
        self.bar = QProgressBar(status_bar)
        self.bar.setMaximumWidth(240)
        self.bar.setTextVisible(True)
        self.stop = QPushButton("Stop", status_bar)
        self.stop.setToolTip("Stop the import after the takes in progress")
        self.stop.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.stop.clicked.connect(controller.cancel)
        for widget in self._widgets():
            status_bar.addPermanentWidget(widget)
            widget.hide()
        controller.started.connect(self._started)
        controller.progress.connect(self._progress)
        controller.finished.connect(lambda *_: self._hide())
        controller.failed.connect(lambda *_: self._hide())

    def _widgets(self):
        return self.label, self.bar, self.stop

    def is_visible(self) -> bool:
        return self.bar.isVisible()

    def _started(self, paths: list[str]) -> None:
        self.label.setText(f"Importing {Path(paths[0]).name}…")
        self.bar.setRange(0, 0)   # busy until the first take is done
        for widget in self._widgets():
            widget.show()

    def _progress(self, done: int, total: int, file: str) -> None:
        self.bar.setRange(0, max(1, total))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done} / {total}")
        self.label.setText(f"Importing {Path(file).name}")

    def _hide(self) -> None:
        for widget in self._widgets():
            widget.hide()
