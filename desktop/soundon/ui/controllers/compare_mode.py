"""Compare as one of the window's two views: opening it on the right takes, leaving it, and the
keys that change meaning while it is open (1–4 pick the heard take; ratings keep Ctrl+0–5).

It offers the window the same face as the single view (ui/controllers/single_view.py).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence

from soundon.core.comparison import takes_to_compare
from soundon.core.take import Take
from soundon.ui.keymap import BINDING, COMPARE_DIGITS


class CompareMode(QObject):
    message = Signal(str, int)   # for the status bar: text, milliseconds
    entered = Signal()
    left = Signal()

    def __init__(self, view, pages, cursor, model, actions, peaks, parent: QObject | None = None):
        super().__init__(parent)
        self.view = view                  # ui/compare.CompareView
        self._pages = pages
        self._cursor = cursor
        self._model = model
        self._actions = actions
        self._peaks = peaks
        self._return_to = None            # the page Compare replaced

    @property
    def group(self):
        return self.view.group

    @property
    def transport(self):
        return self.view.transport

    def is_open(self) -> bool:
        return self._pages.currentWidget() is self.view

    def reviewed_take(self) -> Take | None:
        return self.view.audible_take()

    def target_ids(self) -> list[int]:
        take = self.view.audible_take()
        return [take.id] if take else []

    def move(self, step: int) -> None:
        self.view.move_audible(step)

    def candidates(self) -> list[Take]:
        """The selected 2–4 takes, or else the current take's prompt group (in view order)."""
        current = self._cursor.take()
        group = self._model.library.takes_in_group(current.batch, current.prompt_group) if current else []
        return takes_to_compare(self._cursor.selected_takes(), current, group, self._model.take_ids())

    def open(self, takes: list[Take] | None = None) -> bool:
        takes = takes if takes is not None else self.candidates()
        if len(takes) < 2:
            self._actions["compare"].setChecked(False)
            self.message.emit("Compare needs 2–4 selected takes, or a take whose prompt group has others.", 6000)
            return False
        if not self.is_open():
            self._return_to = self._pages.currentWidget()
        self.entered.emit()
        self._pages.setCurrentWidget(self.view)
        self.view.open(takes, peaks_for=self._peaks.peaks)
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)   # never inside a player's native window
        self._actions["compare"].setChecked(True)
        self._set_keys(True)
        count = len(takes)
        self.message.emit(f"Comparing {count} takes: 1–{count} or click to hear one; Esc or C to leave.", 8000)
        return True

    def leave(self) -> None:
        self._actions["compare"].setChecked(False)
        if not self.is_open():
            return
        self._pages.setCurrentWidget(self._return_to)
        self.view.close_takes()
        self._set_keys(False)
        self.left.emit()

    def set_audible(self, number: int) -> None:
        """1–4: hear that take."""
        self.view.set_audible(number - 1)

    def _set_keys(self, comparing: bool) -> None:
        for n in COMPARE_DIGITS:
            keys = BINDING[f"rate_{n}"].keys
            self._actions[f"rate_{n}"].setShortcuts([QKeySequence(k) for k in (keys[1:] if comparing else keys)])
            self._actions[f"audible_{n}"].setEnabled(comparing and n <= len(self.view.cells))
        self._actions["leave_compare"].setEnabled(comparing)
