"""The take the editor is on in the browser, and moving from take to take.

Culling is ↓, listen, decide, ↓ …: the cursor remembers the direction of travel, so the take most
likely next can be opened ahead of time. A decision can filter the current take out of view; the
take that comes into its row becomes current, so the editor never lands on nothing.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Signal

from soundon.ui.models.roles import TakeRole

if TYPE_CHECKING:
    from soundon.core.take import Take


class TakeCursor(QObject):
    changed = Signal(object, bool)  # the Take now current, and whether it should start playing

    def __init__(self, browser, takes, parent: QObject | None = None):
        super().__init__(parent)
        self._browser = browser
        self._takes = takes
        self._take_id: int | None = None
        self._row = -1
        self._autoplay_next = False
        self._direction = 1
        browser.selection_model.currentChanged.connect(self._current_changed)
        takes.rowsRemoved.connect(self._keep_a_current_take)
        takes.layoutChanged.connect(self._keep_a_current_take)
        takes.modelReset.connect(self._keep_a_current_take)
        takes.rowsInserted.connect(self._first_take_arrived)

    def take(self) -> Take | None:
        return self._takes.take(self._take_id) if self._take_id is not None else None

    def take_id(self) -> int | None:
        return self._take_id

    def selected_takes(self) -> list[Take]:
        """The selected takes, in view order."""
        rows = sorted(self._browser.selection_model.selectedRows(), key=lambda i: i.row())
        return [index.data(TakeRole.TAKE) for index in rows]

    def selected_ids(self) -> list[int]:
        """What a review key acts on in the single view: the selected takes, else the current one."""
        ids = [index.data(TakeRole.TAKE_ID) for index in self._browser.selection_model.selectedRows()]
        if not ids and self._take_id is not None:
            ids = [self._take_id]
        return ids

    def select_row(self, row: int, autoplay: bool = False) -> None:
        if not 0 <= row < self._takes.rowCount():
            return
        self._autoplay_next = autoplay
        index = self._takes.index(row, 0)
        self._browser.selection_model.setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self._browser.view.scrollTo(index)

    def select_take(self, take_id: int, autoplay: bool = False) -> bool:
        row = self._takes.row_of(take_id)
        if row is None:
            return False
        self.select_row(row, autoplay)
        return True

    def move(self, step: int) -> None:
        """↑/↓: the previous / next take, playing."""
        current = self._browser.selection_model.currentIndex()
        row = current.row() + step if current.isValid() else 0
        self._direction = 1 if step >= 0 else -1
        self.select_row(max(0, min(row, self._takes.rowCount() - 1)), autoplay=True)

    def likely_next(self) -> Take | None:
        """The take the editor will most likely go to next (in the direction of travel)."""
        neighbour = self._takes.index(self._row + self._direction, 0)
        return neighbour.data(TakeRole.TAKE) if neighbour.isValid() else None

    def select_first_if_none(self) -> None:
        if self._takes.rowCount() and not self._browser.selection_model.currentIndex().isValid():
            self.select_row(0)

    def _current_changed(self, current: QModelIndex, _previous=None) -> None:
        autoplay, self._autoplay_next = self._autoplay_next, False
        if not current.isValid():
            return
        self._row = current.row()
        take = current.data(TakeRole.TAKE)
        if take.id == self._take_id:
            return
        self._take_id = take.id
        self.changed.emit(take, autoplay)

    def _keep_a_current_take(self, *_args) -> None:
        if self._browser.selection_model.currentIndex().isValid() or not self._takes.rowCount():
            return
        self.select_row(min(max(self._row, 0), self._takes.rowCount() - 1))

    def _first_take_arrived(self, *_args) -> None:
        self.select_first_if_none()
