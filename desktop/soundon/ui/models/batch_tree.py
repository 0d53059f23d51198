"""Batches and their prompt groups as a tree: All takes › batch › prompt group.

Selecting a node scopes the browser (TreeRole.SCOPE = (batch, prompt group)). The counts are the
library's (one grouped query, never the takes themselves) and follow the take list's changes;
rebuilding is deferred a moment so an import of a hundred takes rebuilds a few times, not a hundred.
A large library lists its batches only, and a batch's prompt groups when it is opened (a library of
50,000 takes can hold as many groups).

Each prompt group shows its audio-direction score (core/prompt_variation.py). Checking a prompt
takes about a millisecond, too long for thousands of groups on the GUI thread, so scores are
kept by the group's prompts and the ones not known yet are worked out by a background job and
filled in as they come.
"""
from __future__ import annotations

import time
from collections import defaultdict

from PySide6.QtCore import QModelIndex, QObject, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel

from soundon.core.prompt_variation import group_score
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.store.library import Library
from soundon.ui.models.roles import TreeRole
from soundon.ui.models.take_model import TakeListModel

ALL_TAKES = (None, None)
SCORING_AFTER_MS = 800      # prompt scores wait until the window has opened and drawn
SCORING_BREATH_S = 0.0005   # after each group: the GUI thread gets the interpreter back at once
SCORES_EVERY_S = 0.25
PROMPT_LABEL_CHARS = 48
LISTED_AT_ONCE = 2000       # up to this many takes, every batch's groups are listed at once; beyond, as opened


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
        self._nodes: dict[tuple[str | None, str | None], QStandardItem] = {}   # each scope's node
        self._group_prompts: dict[tuple[str, str], tuple] = {}   # each group: its prompt, its (prompt, length) pairs
        self._scores: dict[tuple, tuple[int | None, str]] = {}   # by a group's prompts
        self._scopes_of: dict[tuple, list[tuple[str, str]]] = {}   # the groups with those prompts
        self._scorer: BackgroundJob | None = None
        self._waiting_scores: list[tuple] = []
        self._unlisted: set[str] = set()   # batches whose prompt groups are not in the tree yet
        self.listed_whole = True           # every batch's groups listed (a small library): the tree opens expanded
        self._score_soon = QTimer(self, singleShot=True, interval=SCORING_AFTER_MS)   # the window first
        self._score_soon.timeout.connect(self._start_scoring)
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
        self._score_soon.stop()
        if self._scorer is not None:
            self._scorer.cancel()
        for signal in (self.takes.modelReset, self.takes.takes_added, self.takes.groups_changed):
            signal.disconnect(timer.start)

    def rebuild(self) -> None:
        self.rebuilding = True   # the selection passes through "nothing" while the tree is refilled
        self.clear()
        self._nodes.clear()
        self._group_prompts.clear()
        self._scopes_of.clear()
        self._unlisted.clear()
        self.listed_whole = self.takes.total() <= LISTED_AT_ONCE
        root = self.invisibleRootItem()
        nodes = [self._item(f"All takes ({self.takes.total()})", ALL_TAKES, "Every take in the library")]
        for batch in self.library.batches():
            name = batch["name"]
            nodes.append(self._item(f"{name} ({batch['take_count']})", (name, None), batch["root"]))
            if batch["take_count"]:
                self._unlisted.add(name)
        root.appendRows(nodes)
        if self.listed_whole:
            for node in nodes[1:]:
                self._list_groups(node)
        self.rebuilding = False
        self.rebuilt.emit()

    # -- a batch's prompt groups, listed when it is first opened ------------------------------------

    def hasChildren(self, parent=QModelIndex()) -> bool:  # noqa: N802 (Qt's names, here and below)
        return self.canFetchMore(parent) or super().hasChildren(parent)

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        scope = parent.data(TreeRole.SCOPE) if parent.isValid() else None
        return bool(scope) and scope[1] is None and scope[0] in self._unlisted

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._list_groups(self.itemFromIndex(parent))

    def _list_groups(self, batch_item: QStandardItem) -> None:
        name = batch_item.data(TreeRole.SCOPE)[0]
        if name not in self._unlisted:
            return
        self._unlisted.discard(name)
        variations: dict[tuple[str, str], list] = defaultdict(list)   # a group's prompts with a take's length
        for row in self.library.prompt_variations(name):
            variations[(row["batch"], row["prompt_group"])].append((row["prompt"], row["duration"]))
        unscored: dict[tuple, tuple[str, str]] = {}
        items = []
        for group in sorted(self.library.prompt_groups(name), key=lambda g: prompt_label(g["prompt"]).casefold()):
            prompt, scope = group["prompt"], (name, group["prompt_group"])
            item = self._item(f"{prompt_label(prompt)} ({group['takes']})", scope, prompt or "Takes without a prompt")
            if prompt:
                prompts = tuple(sorted(variations[scope]))
                self._group_prompts[scope] = (prompt, prompts)
                self._scopes_of.setdefault(prompts, []).append(scope)
                if prompts in self._scores:
                    self._show_score(item, prompt, self._scores[prompts])
                else:
                    unscored[prompts] = scope
            items.append(item)
        if items:
            batch_item.appendRows(items)
        self._score_in_background(list(unscored))

    # -- prompt scores ----------------------------------------------------------------------------

    def _score_in_background(self, groups: list[tuple]) -> None:
        self._waiting_scores.extend(g for g in groups if g not in self._scores)
        if self._waiting_scores and self._scorer is None:
            self._score_soon.start()

    def _start_scoring(self) -> None:
        waiting, self._waiting_scores = list(dict.fromkeys(self._waiting_scores)), []
        if not waiting or self._scorer is not None:
            return

        def work(job: BackgroundJob) -> None:
            found, sent = [], time.monotonic()
            for prompts in waiting:
                if job.cancelled:
                    return
                found.append((prompts, group_score(list(prompts))))
                # Pure Python beside the GUI thread: hand the interpreter back often, and the
                # results over in batches (one redraw per batch, not per group).
                time.sleep(SCORING_BREATH_S)
                if time.monotonic() - sent > SCORES_EVERY_S:
                    job.report(found)
                    found, sent = [], time.monotonic()
            if found:
                job.report(found)

        self._scorer = BackgroundJob(work, what="prompt scoring")
        self._scorer.progress.connect(self._scored)
        self._scorer.finished.connect(self._scoring_done)
        self._scorer.failed.connect(self._scoring_done)
        self._scorer.start()

    def _scored(self, found) -> None:
        for prompts, score in found:
            self._scores[prompts] = score
            for scope in self._scopes_of.get(prompts, ()):
                item = self._nodes.get(scope)
                if item is not None:
                    self._show_score(item, self._group_prompts[scope][0], score)

    def _scoring_done(self, _outcome=None) -> None:
        self._scorer = None
        if self._waiting_scores:
            self._score_soon.start()

    @staticmethod
    def _show_score(item: QStandardItem, prompt: str, found: tuple[int | None, str]) -> None:
        score, explanation = found
        item.setData(score, TreeRole.PROMPT_SCORE)
        item.setToolTip(f"{prompt}\n\nAudio direction {explanation}")

    def _item(self, text: str, scope: tuple[str | None, str | None], tooltip: str) -> QStandardItem:
        item = QStandardItem(text)
        self._nodes[scope] = item
        item.setEditable(False)
        item.setData(scope, TreeRole.SCOPE)
        item.setToolTip(tooltip)
        return item

    def index_of(self, scope: tuple[str | None, str | None]):
        """The node for a scope (to restore the selection after a rebuild), or All takes."""
        scope = tuple(scope)
        if scope[1] is not None and scope[0] in self._unlisted:
            self._list_groups(self._nodes[(scope[0], None)])
        item = self._nodes.get(scope)
        return item.index() if item is not None else self.index(0, 0)
