"""Batches and their prompt groups as a tree: All takes › batch › prompt group.

Selecting a node scopes the browser (TreeRole.SCOPE = (batch, prompt group)). Counts follow the
take list; rebuilding is deferred a moment so an import of a hundred takes rebuilds a few times,
not a hundred.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from soundon.core.prompt_variation import group_score
from soundon.store.library import Library
from soundon.ui.models.roles import TreeRole
from soundon.ui.models.take_model import TakeListModel

ALL_TAKES = (None, None)
PROMPT_LABEL_CHARS = 48


def prompt_label(prompt: str) -> str:
    text = " ".join(prompt.split())
    if not text:
        return "(no prompt)"
    return text if len(text) <= PROMPT_LABEL_CHARS else text[: PROMPT_LABEL_CHARS - 1].rstrip() + "…"


class BatchTreeModel(QStandardItemModel):
    rebuilt = Signal()   # after a rebuild, with every node in place (views restore their selection)

    def __init__(self, library: Library, takes: TakeListModel, parent: QObject | None = None):
        super().__init__(parent)
        self.rebuilding = False
        self.library = library
        self.takes = takes
        self._rebuild_soon = QTimer(self, singleShot=True, interval=150)
        self._rebuild_soon.timeout.connect(self.rebuild)
        takes.modelReset.connect(self._rebuild_soon.start)
        takes.takes_added.connect(self._rebuild_soon.start)
        takes.groups_changed.connect(self._rebuild_soon.start)
        self.rebuild()

    def stop_updates(self) -> None:
        """The window is closing (its library with it): no deferred rebuild may run after."""
        if self._rebuild_soon is None:
            return   # a second close
        timer, self._rebuild_soon = self._rebuild_soon, None
        timer.stop()
        for signal in (self.takes.modelReset, self.takes.takes_added, self.takes.groups_changed):
            signal.disconnect(timer.start)

    def rebuild(self) -> None:
        rows = self.takes.rows()
        per_batch = Counter(t.batch for t in rows)
        groups: dict[str, Counter] = defaultdict(Counter)
        prompts: dict[tuple[str, str], str] = {}
        variations: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)   # prompt -> a take's length
        for take in rows:
            groups[take.batch][take.prompt_group] += 1
            prompts.setdefault((take.batch, take.prompt_group), take.prompt)
            variations[(take.batch, take.prompt_group)].setdefault(take.prompt, take.duration)
        self.rebuilding = True   # the selection passes through "nothing" while the tree is refilled
        self.clear()
        root = self.invisibleRootItem()
        root.appendRow(self._item(f"All takes ({len(rows)})", ALL_TAKES, "Every take in the library"))
        for batch in self.library.batches():
            name = batch["name"]
            batch_item = self._item(f"{name} ({per_batch.get(name, 0)})", (name, None), batch["root"])
            for group, count in sorted(groups.get(name, {}).items(),
                                       key=lambda kv: prompt_label(prompts[(name, kv[0])]).casefold()):
                prompt = prompts[(name, group)]
                item = self._item(f"{prompt_label(prompt)} ({count})", (name, group), prompt or "Takes without a prompt")
                if prompt:
                    score, explanation = group_score(list(variations[(name, group)].items()))
                    item.setData(score, TreeRole.PROMPT_SCORE)
                    item.setToolTip(f"{prompt}\n\nAudio direction {explanation}")
                batch_item.appendRow(item)
            root.appendRow(batch_item)
        self.rebuilding = False
        self.rebuilt.emit()

    @staticmethod
    def _item(text: str, scope: tuple[str | None, str | None], tooltip: str) -> QStandardItem:
        item = QStandardItem(text)
        item.setEditable(False)
        item.setData(scope, TreeRole.SCOPE)
        item.setToolTip(tooltip)
        return item

    def index_of(self, scope: tuple[str | None, str | None]):
        """The node for a scope (to restore the selection after a rebuild), or All takes."""
        pending = [self.item(r) for r in range(self.rowCount())]
        while pending:
            item = pending.pop(0)
            if tuple(item.data(TreeRole.SCOPE)) == tuple(scope):
                return item.index()
            pending.extend(item.child(r) for r in range(item.rowCount()))
        return self.index(0, 0)
