"""The batch tree on the left: All takes, each batch, and its prompt groups.

Letters are the window's review keys, so the tree never jumps to an entry by type-ahead — a key whose
action is off at the moment (Shift+A with no post track) once moved the scope to "All takes".
"""
from __future__ import annotations

from PySide6.QtWidgets import QTreeView, QWidget

from soundon.ui.views.prompt_score_delegate import PromptScoreDelegate


class BatchTreeView(QTreeView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setUniformRowHeights(True)
        self.setItemDelegate(PromptScoreDelegate(self))   # each prompt group's score at the right

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 (Qt's name)
        """No type-ahead: typed letters are commands (or nothing), never a jump."""
