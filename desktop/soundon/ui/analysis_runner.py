"""Analysing takes in the background from the app: after an import, and for any take that has no
translation report yet (or one made against another delivery target) when the window opens.

The job runs on its own thread with its own library connection (like the import), so the GUI
never waits on a decode; each stored report reaches the views through the library bridge. One run
at a time: a request while one runs is remembered and run next.
"""
from __future__ import annotations

import os
import threading
import traceback

from PySide6.QtCore import QObject, Signal

from soundon.jobs.analysis_job import AnalysisJob, takes_due

# One core is left to the window (and the player): the report can wait a moment, the UI can't.
BACKGROUND_WORKERS = max(1, (os.cpu_count() or 2) - 1)
from soundon.store.library import Library, LibraryError
from soundon.ui.library_bridge import LibraryBridge


class AnalysisRunner(QObject):
    progress = Signal(int, int)       # done, total
    finished = Signal(int, int)       # analysed, failed
    failed = Signal(str)

    def __init__(self, library: Library, bridge: LibraryBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.library_path = library.path
        self.bridge = bridge
        self._thread: threading.Thread | None = None
        self._job: AnalysisJob | None = None
        self._again = False
        self._lock = threading.Lock()
        self._stopping = False

    def analyse_due(self) -> None:
        """Analyse every take that needs it, now or right after the run in progress."""
        with self._lock:
            if self._stopping:
                return
            if self._thread is not None:   # running: it looks again when it is done
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name="soundon-analysis", daemon=True)
            self._thread.start()

    def is_running(self) -> bool:
        thread = self._thread
        return thread is not None and thread.is_alive()

    def cancel(self) -> None:
        with self._lock:
            self._stopping = True
            self._again = False
            if self._job is not None:
                self._job.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return not self.is_running()

    def _run(self) -> None:
        while True:
            writer = None
            try:
                writer = Library(self.library_path)
                self.bridge.listen_to(writer)
                due = takes_due(writer)
                if due:
                    with self._lock:
                        if self._stopping:
                            self._thread = None
                            return
                        self._job = AnalysisJob(writer, due, background=True, workers=BACKGROUND_WORKERS)
                    outcome = self._job.run(lambda done, total, _id: self.progress.emit(done, total))
                    self.finished.emit(len(outcome.reports), len(outcome.failed))
            except LibraryError as exc:
                self.failed.emit(str(exc))
            except Exception as exc:  # a bug: say so plainly, keep the app running
                traceback.print_exc()
                self.failed.emit(f"The analysis stopped on an unexpected problem ({type(exc).__name__}: {exc}).")
            finally:
                if writer is not None:
                    self.bridge.forget(writer)
                    writer.close()
            with self._lock:
                self._job = None
                if not self._again or self._stopping:
                    self._thread = None
                    return
                self._again = False
