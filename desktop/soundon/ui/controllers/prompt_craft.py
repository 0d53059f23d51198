"""Prompt craft in the app: the library's pick statistics, Model Statistics (View menu) and Copy an
Improved Prompt (Review menu) for the take on screen — the audible one in Compare. Nothing here
calls a generation service.

The statistics go over every take of the library, so they are never worked out on the GUI thread:
after a change they are out of date, and a background job (its own library connection) works them
out again a moment later, keeping each prompt's need from one run to the next (a large library
counted in a process of its own, jobs/needs_process.py). Until they are
back, the inspector's advice uses the figures it had (or the static guidance)."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from PySide6.QtCore import QTimer

from soundon.core.audio_need import audio_need
from soundon.core.model_stats import CheckCache, PickStatistics, pick_statistics
from soundon.jobs.needs_process import count_pick_statistics
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.ui.views.model_stats_view import ModelStatsView

STATS_CHANGES = frozenset({"takes", "review", "analysis", "metadata", "batches"})
RECOUNT_AFTER_MS = 1500   # a run of decisions is counted once, after it


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()
    return None


class PromptCraft:
    def __init__(self, window):
        self.window = window
        self._stats: PickStatistics | None = None
        self._checks = CheckCache()         # one check per prompt, kept across counts
        self._counting: BackgroundJob | None = None
        self._stale = True
        self._recount = QTimer(window, singleShot=True, interval=RECOUNT_AFTER_MS)
        self._recount.timeout.connect(self._count)
        self._recount.start()
        self.view: ModelStatsView | None = None
        self.stats_action = QAction("Model &Statistics…", window)
        self.stats_action.setToolTip("How each model's takes fared in this library, per audio need")
        self.stats_action.triggered.connect(self.show_statistics)
        self.copy_prompt_action = QAction("Copy an &Improved Prompt", window)
        self.copy_prompt_action.setToolTip("Put the take's prompt with the suggested audio cues on the clipboard")
        self.copy_prompt_action.triggered.connect(self.copy_improved_prompt)
        for title, action in (("View", self.stats_action), ("Review", self.copy_prompt_action)):
            menu = menu_named(window, title)
            if menu is not None:
                menu.addSeparator()
                menu.addAction(action)
        window.inspector.prompt_check.stats_for = self.stats
        window.bridge.changed.connect(self._library_changed)

    def stats(self) -> PickStatistics | None:
        """The latest figures (None until first counted)."""
        return self._stats

    def _library_changed(self, kind: str, _ids: list) -> None:
        if kind in STATS_CHANGES:
            self._stale = True
            self._recount.start()

    def _count(self) -> None:
        if self._counting is not None:
            return   # counted again when this count is in
        self._stale = False
        checks = self._checks

        def count(job: BackgroundJob) -> PickStatistics | None:
            return count_pick_statistics(job.library, checks, job)

        self._counting = BackgroundJob(count, what="pick statistics", library=self.window.library)
        self._counting.finished.connect(self._counted)
        self._counting.failed.connect(lambda _message: self._counted(None))
        self._counting.start()

    def _counted(self, stats: PickStatistics | None) -> None:
        self._counting = None
        if stats is not None:
            self._stats = stats
            if self.view is not None and self.view.isVisible():
                self.view.set_stats(stats)
        if self._stale:
            self._recount.start()

    def show_statistics(self) -> ModelStatsView:
        if self._stats is None:   # the first count is still to come: count now, on this thread
            self._recount.stop()
            self._stats = pick_statistics(self.window.library.decided_takes(), self._checks)
        if self.view is None:
            self.view = ModelStatsView(self._stats, self.window)
        else:
            self.view.set_stats(self._stats)
        check = self.window.inspector.prompt_check.check
        if check is not None:
            need = audio_need(check)
            if need:
                self.view.show_need(need)   # open on the need of the take on screen
        self.view.show()
        self.view.raise_()
        return self.view

    def copy_improved_prompt(self) -> None:
        text = self.window.inspector.prompt_check.copy_improved_prompt()
        self.window.statusBar().showMessage(
            "Copied an improved prompt to the clipboard." if text else "The take has no prompt to improve.", 5000)
