"""The native audio's nudge from the inspector, as one undo step per change (Ctrl+Z takes it back).

Written to the library before the step enters the stack, like the review decisions
(review_history.py): a write that fails leaves no undo entry and the editor is told why."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from soundon.core.errors import SoundOnError
from soundon.store.library import Library
from soundon.ui.views.sync_field import SyncField


class NudgeCommand(QUndoCommand):
    def __init__(self, library: Library, take_id: int, old: float, new: float):
        super().__init__(f"Nudge native audio {new:+g} ms" if new else "Remove the nudge")
        self.library, self.take_id, self.old, self.new = library, take_id, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:       # already written before the push
            self._first = False
            return
        self.library.set_nudge(self.take_id, self.new)

    def undo(self) -> None:
        self.library.set_nudge(self.take_id, self.old)


class NudgeController(QObject):
    def __init__(self, library: Library, stack: QUndoStack, field: SyncField, window: QWidget):
        super().__init__(window)
        self.library, self.stack, self.window = library, stack, window
        field.nudge_chosen.connect(self.set_nudge)

    def set_nudge(self, take_id: int, nudge_ms: float) -> None:
        take = self.library.take(take_id)
        if take is None or take.nudge_ms == nudge_ms:
            return
        try:
            self.library.set_nudge(take_id, nudge_ms)
        except SoundOnError as exc:
            QMessageBox.warning(self.window, "Sound-On", f"The nudge was not set: {exc}")
            return
        self.stack.push(NudgeCommand(self.library, take_id, take.nudge_ms, nudge_ms))
