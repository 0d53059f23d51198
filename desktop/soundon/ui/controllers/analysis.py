"""Analysing takes in the background from the app: after an import, and for any take that has no
translation report yet (or one made against another delivery target) when the window opens, and
whenever what a take will deliver changes — a post track attached, moved, levelled or detached, its
verdict changed — here, from the CLI or from another window (the library's change signal): a
replace take is then measured again on its post mix.

Each run is a background job (jobs.qt_jobs) with its own library connection, so the GUI never
waits on a decode; each stored report reaches the views through the library bridge. One run at a
time: a request while one runs is remembered and run next.
"""
from __future__ import annotations

import os
import time

from PySide6.QtCore import QObject, QTimer, Signal

from soundon.jobs.analysis_job import AnalysisJob, takes_due
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.store.library import Library
from soundon.ui.library_bridge import LibraryBridge

# One core is left to the window (and the player): the report can wait a moment, the UI can't.
BACKGROUND_WORKERS = max(1, (os.cpu_count() or 2) - 1)
# A slip or a level drag writes the spec many times a second: measure once it has settled.
SETTLE_MS = 400
DELIVERY_CHANGES = ("swap", "review")
PROGRESS_EVERY_S = 0.1


def analyse_due_takes(job: BackgroundJob, volume_db: float = 0.0) -> tuple[int, int]:
    """The work of one run: every take due, in the job's library, its dialogue judged at volume_db.
    Returns (analysed, failed)."""
    due = takes_due(job.library)
    if not due or job.cancelled:
        return 0, 0
    analysis = AnalysisJob(job.library, due, background=True, workers=BACKGROUND_WORKERS, volume_db=volume_db)
    job.on_cancel(analysis.cancel)
    reported = [0.0]

    def report(done: int, total: int, _take_id) -> None:
        # Takes whose files are missing fail by the thousand a second: the window hears how far
        # the run is a few times a second, not once per take.
        now = time.monotonic()
        if done == total or done == 1 or now - reported[0] >= PROGRESS_EVERY_S:
            reported[0] = now
            job.report((done, total))

    outcome = analysis.run(report)
    return len(outcome.reports), len(outcome.failed)


class AnalysisRunner(QObject):
    progress = Signal(int, int)       # done, total
    finished = Signal(int, int)       # analysed, failed
    failed = Signal(str)

    def __init__(self, library: Library, bridge: LibraryBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.bridge = bridge
        self._job: BackgroundJob | None = None
        self._again = False
        self._stopping = False
        self.volume_db = 0.0     # the phone volume the dialogue is judged at (ui/controllers/dialogue_volume.py)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.analyse_due)
        bridge.changed.connect(self._library_changed)

    def _library_changed(self, kind: str, _ids: list) -> None:
        if kind in DELIVERY_CHANGES and not self._stopping:
            self._settle.start()

    def analyse_due(self) -> None:
        """Analyse every take that needs it, now or right after the run in progress."""
        if self._stopping:
            return
        if self.is_running():   # it looks again when it is done
            self._again = True
            return
        self._again = False
        volume = self.volume_db
        job = BackgroundJob(lambda job: analyse_due_takes(job, volume), what="analysis", library=self.library,
                            share_changes_with=self.bridge)
        job.progress.connect(lambda tick: self.progress.emit(*tick))
        job.finished.connect(self._finished)
        job.failed.connect(self._failed)
        self._job = job
        job.start()

    def is_running(self) -> bool:
        return self._job is not None and self._job.is_running()

    def cancel(self) -> None:
        self._stopping = True
        self._again = False
        self._settle.stop()
        if self._job is not None:
            self._job.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        return self._job is None or self._job.wait(timeout)

    def _finished(self, counts: tuple[int, int]) -> None:
        self.finished.emit(*counts)
        self._next()

    def _failed(self, message: str) -> None:
        self.failed.emit(message)
        self._next()

    def _next(self) -> None:
        if self._again and not self._stopping:
            self.analyse_due()
