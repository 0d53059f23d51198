"""Importing from the app: File › Open Batch and folders dropped on the window.

One import runs at a time, in the background (jobs.qt_jobs.ImportJob); the status bar shows its
progress and a Stop button, the browser fills in as takes arrive, and refused files end up in the
import panel with their reasons.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Signal

from soundon.core.manifest import MANIFEST_NAMES
from soundon.jobs.qt_jobs import ImportJob
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
        self.job: ImportJob | None = None

    def is_running(self) -> bool:
        return self.job is not None and self.job.is_running()

    def start(self, paths: list[str | Path], name: str | None = None, prepare=None) -> bool:
        """Import these paths (or the ones `prepare(library)` makes on the job's thread)."""
        if self.is_running() or not (paths or prepare):
            return False
        job = ImportJob(self.library, paths, name=name, connect_writer=self.bridge.listen_to,
                        disconnect_writer=self.bridge.forget, prepare=prepare, parent=self)
        job.progress.connect(self.progress)
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self.job = job
        self.started.emit([str(p) for p in paths] or ["the demo batch"])
        job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        return self.job.wait(timeout) if self.job is not None else True

    def _finished(self, result) -> None:
        self.finished.emit(result)

    def _failed(self, message: str) -> None:
        self.failed.emit(message)
