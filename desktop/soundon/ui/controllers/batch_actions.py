"""Rename Batch and Remove Batch (File menu and the batch tree's context menu).

Removing takes the batch's takes and decisions out of the library — the media files stay on disk —
after the editor confirms; it can't be undone, and is refused while an import runs. A rename keeps
everything and the tree keeps the batch selected under its new name.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QMessageBox

from soundon import APP_NAME
from soundon.store.library import LibraryError
from soundon.ui.models.batch_tree import ALL_TAKES
from soundon.ui.models.roles import TreeRole
from soundon.ui.views.ask import ask_text, confirm


class BatchActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.rename_action = QAction("Re&name Batch…", window)
        self.rename_action.setToolTip("Give the current batch another name")
        self.rename_action.triggered.connect(lambda: self.rename(self.window.current_batch()))
        self.remove_action = QAction("&Remove Batch…", window)
        self.remove_action.setToolTip("Take the current batch out of the library (its files stay on disk)")
        self.remove_action.triggered.connect(lambda: self.remove(self.window.current_batch()))
        tree = window.tree
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._context_menu)

    def _context_menu(self, point: QPoint) -> None:
        index = self.window.tree.indexAt(point)
        batch = tuple(index.data(TreeRole.SCOPE))[0] if index.isValid() else None
        if batch is None:
            return
        menu = QMenu(self.window.tree)
        menu.addAction("Rename Batch…", lambda: self.rename(batch))
        menu.addAction("Remove Batch…", lambda: self.remove(batch))
        menu.popup(self.window.tree.viewport().mapToGlobal(point))

    def _say(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)

    def rename(self, batch: str | None) -> None:
        if batch is None:
            self._say("Choose a batch in the Batches panel first.")
            return
        new_name = ask_text(self.window, "Rename Batch", f"New name for the batch {batch!r}:", batch)
        if new_name is None:
            return
        try:
            renamed = self.window.library.rename_batch(batch, new_name)
        except LibraryError as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))
            return
        if renamed != batch:
            self._follow(batch, (renamed, None))
            self._say(f"The batch {batch!r} is now {renamed!r}.")

    def remove(self, batch: str | None) -> None:
        if batch is None:
            self._say("Choose a batch in the Batches panel first.")
            return
        if self.window.importer.is_running():
            self._say("An import is running; remove the batch when it is done.")
            return
        count = len(self.window.library.takes(batch))
        if not confirm(self.window, f"Remove the batch {batch!r} from the library?",
                       f"Its {count} take(s), with their ratings, flags and notes, leave the library. The media "
                       "files stay where they are; importing the folder again brings the takes back undecided.",
                       "Remove Batch"):
            return
        try:
            removed = self.window.library.remove_batch(batch)
        except LibraryError as exc:
            QMessageBox.warning(self.window, APP_NAME, str(exc))
            return
        self._follow(batch, ALL_TAKES)
        self._say(f"Removed the batch {batch!r} ({removed} take(s)); its files are untouched.")

    def _follow(self, old: str, scope) -> None:
        """The tree and the browser leave the old name for the new scope."""
        window = self.window
        shown = window.scope.scope()[0] == old   # before the rebuild, which loses the old name
        window.tree_model.rebuild()
        if shown:
            window.scope.select(scope)
