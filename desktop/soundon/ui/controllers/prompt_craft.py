"""Prompt craft in the app: the library's pick statistics (worked out again after a change), Model
Statistics (View menu) and Copy an Improved Prompt (Review menu) for the take on screen — the
audible one in Compare. Nothing here calls a generation service."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from soundon.core.audio_need import audio_need
from soundon.core.model_stats import PickStatistics, pick_statistics
from soundon.ui.views.model_stats_view import ModelStatsView

STATS_CHANGES = frozenset({"takes", "review", "analysis", "metadata", "batches"})


def menu_named(window: QMainWindow, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.menu() is not None and action.text().replace("&", "") == title:
            return action.menu()
    return None


class PromptCraft:
    def __init__(self, window):
        self.window = window
        self._stats: PickStatistics | None = None
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

    def stats(self) -> PickStatistics:
        if self._stats is None:
            self._stats = pick_statistics(self.window.library.takes())
        return self._stats

    def _library_changed(self, kind: str, _ids: list) -> None:
        if kind in STATS_CHANGES:
            self._stats = None
            if self.view is not None and self.view.isVisible():
                self.view.set_stats(self.stats())

    def show_statistics(self) -> ModelStatsView:
        if self.view is None:
            self.view = ModelStatsView(self.stats(), self.window)
        else:
            self.view.set_stats(self.stats())
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
