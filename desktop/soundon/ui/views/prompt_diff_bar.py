"""Above the takes in Compare: how their prompts differ when they are variations of one prompt group
(the words each adds to and removes from the first take's prompt). Hidden when they share one prompt."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from soundon.core.prompt_variation import word_difference
from soundon.core.take import Take

ADDED = "#6fbf73"
REMOVED = "#e57373"


def _lines(takes: list[Take]) -> list[tuple[str, str]]:
    if not takes:
        return []
    base = takes[0].prompt
    numbers: dict[str, list[int]] = {}
    for n, take in enumerate(takes, start=1):
        numbers.setdefault(take.prompt, []).append(n)
    lines = []
    for prompt, which in numbers.items():
        if prompt == base:
            continue
        difference = word_difference(base, prompt)
        if difference.same:
            continue
        who = "Take " + ", ".join(map(str, which))
        added = [f"+ {w}" for w in difference.added]
        removed = [f"− {w}" for w in difference.removed]
        plain = f"{who} vs take {numbers[base][0]}: " + "  ".join(added + removed)
        rich = (f"<b>{escape(who)}</b> vs take {numbers[base][0]}: "
                + "  ".join([f"<span style='color:{ADDED}'>{escape(w)}</span>" for w in added]
                            + [f"<span style='color:{REMOVED}; text-decoration: line-through'>{escape(w)}</span>"
                               for w in removed]))
        lines.append((plain, rich))
    return lines


class PromptDiffBar(QLabel):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("promptDiff")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_takes(self, takes: list[Take]) -> None:
        lines = _lines(takes)
        self.setVisible(bool(lines))
        self.setText("Prompt variations — " + "<br>".join(rich for _plain, rich in lines) if lines else "")
        self.setToolTip("\n".join(plain for plain, _rich in lines))
