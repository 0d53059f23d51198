"""Review › Set Model… and Set Prompt Group…: the editor names the model that made the selected takes,
or the prompt they were made from (one of the batch's prompts, or a new one). A take whose file came
without a sidecar (a webm, say) can so join its prompt group in Compare. Both are one undo step."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from soundon.core.take import Take
from soundon import APP_NAME
from soundon.store.library import LibraryError
from soundon.ui.models.take_model import take_name
from soundon.ui.views.ask import ask_text


class TakeMetadataActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.set_model_action = QAction("Set &Model…", window)
        self.set_model_action.setToolTip("Name the model that made the selected takes")
        self.set_model_action.triggered.connect(self.set_model)
        self.set_prompt_action = QAction("Set &Prompt Group…", window)
        self.set_prompt_action.setToolTip("Give the selected takes a prompt: takes with the same prompt are "
                                          "compared together")
        self.set_prompt_action.triggered.connect(self.set_prompt_group)

    def _selected(self) -> list[Take]:
        takes = [self.window.library.take(i) for i in self.window.view.target_ids()]
        takes = [t for t in takes if t is not None]
        if not takes:
            self.window.statusBar().showMessage("Select a take first.", 4000)
        return takes

    def set_model(self) -> None:
        takes = self._selected()
        if not takes:
            return
        known = sorted({t.model for t in self.window.library.takes() if t.model}, key=str.casefold)
        model = ask_text(self.window, "Set Model", f"Model of {self._what(takes)}:", takes[0].model, known)
        if model is not None:
            self._apply(takes, "model", " ".join(model.split()))

    def set_prompt_group(self) -> None:
        takes = self._selected()
        if not takes:
            return
        batch = takes[0].batch
        prompts = sorted({t.prompt for t in self.window.library.takes(batch) if t.prompt}, key=str.casefold)
        prompt = ask_text(self.window, "Set Prompt Group",
                          f"Prompt of {self._what(takes)} (takes with the same prompt form a group):",
                          takes[0].prompt, prompts)
        if prompt is not None:
            self._apply(takes, "prompt", prompt.strip())

    @staticmethod
    def _what(takes: list[Take]) -> str:
        return take_name(takes[0]) if len(takes) == 1 else f"{len(takes)} takes"

    def _apply(self, takes: list[Take], field: str, value: str) -> None:
        try:
            self.window.history.set_metadata([t.id for t in takes], field, value, self._what(takes))
        except LibraryError as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))
