"""What the browser shows: all takes, one batch, or one prompt group of a batch — picked in the
batch tree — and the window title that names it."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, Signal

from soundon import APP_NAME
from soundon.ui.models.batch_tree import ALL_TAKES
from soundon.ui.models.roles import TreeRole


class BatchScope(QObject):
    title_changed = Signal(str)

    def __init__(self, tree, tree_model, takes, library, cursor, parent: QObject | None = None):
        super().__init__(parent)
        self._tree = tree
        self._tree_model = tree_model
        self._takes = takes
        self._library = library
        self._cursor = cursor
        self._scope = ALL_TAKES
        tree.selectionModel().currentChanged.connect(self._selected)
        tree_model.rebuilt.connect(self._rebuilt)

    def scope(self) -> tuple[str | None, str | None]:
        """(batch, prompt group), None for all."""
        return self._scope

    def current_batch(self) -> str | None:
        """The batch in view, else the current take's."""
        take = self._cursor.take()
        return self._scope[0] or (take.batch if take else None)

    def select(self, scope) -> None:
        index = self._tree_model.index_of(scope)
        self._tree.setCurrentIndex(index)
        self._tree.expand(index.parent() if index.parent().isValid() else index)

    def _selected(self, current: QModelIndex, _previous=None) -> None:
        if self._tree_model.rebuilding:
            return
        scope = tuple(current.data(TreeRole.SCOPE)) if current.isValid() else ALL_TAKES
        if scope == self._scope and self._takes.take_filter.batch == scope[0]:
            return
        self._scope = scope
        self._takes.update_filter(batch=scope[0], prompt_group=scope[1])
        self.announce_title()
        self._cursor.select_first_if_none()

    def _rebuilt(self) -> None:
        index = self._tree_model.index_of(self._scope)
        self._tree.setCurrentIndex(index)  # same scope: the filter stays
        if self._tree_model.listed_whole:
            self._tree.expandAll()
        else:   # thousands of groups: only the scope's batch opens, the others when the editor opens them
            self._tree.expand(index.parent() if index.parent().isValid() else index)
        self.announce_title()

    def announce_title(self) -> None:
        batch = self._scope[0]
        if batch is None:
            batches = self._library.batches()
            batch = batches[0]["name"] if len(batches) == 1 else "All batches"
        self.title_changed.emit(f"{APP_NAME} — {batch}")
