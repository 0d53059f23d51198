"""The check of the take's prompt, under the prompt in the inspector: its score (the explanation on
hover), the audio need and model advice, each finding with its suggestion, and the finding's words
highlighted in the prompt text itself. "Copy an improved prompt" puts the prompt with the
suggestions applied on the clipboard; nothing is sent anywhere.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QTextEdit,
                               QToolButton, QVBoxLayout, QWidget)

from soundon.core.model_stats import PickStatistics, advice_with_library
from soundon.core.prompt_check import RULE_LABEL, PromptCheck, check_prompt, improved_prompt
from soundon.core.audio_need import need_label
from soundon.core.take import Take

# One soft colour per rule, readable under dark and light text alike.
RULE_COLOURS = {"environment": "#806a2a", "dialogue": "#2a5a80", "temporal": "#5a2a80", "contradictions": "#802a2a",
                "complexity": "#2a805a", "music": "#80502a", "audio_share": "#4a4a4a"}


class PromptCheckPanel(QWidget):
    def __init__(self, prompt_text: QPlainTextEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.prompt_text = prompt_text
        self.stats_for: Callable[[], PickStatistics | None] = lambda: None   # the library's picks, when known
        self.check: PromptCheck | None = None
        self.score = QLabel("", self)
        self.score.setObjectName("promptScore")
        self.score.setWordWrap(True)
        self.advice = QLabel("", self)
        self.advice.setWordWrap(True)
        self.findings = QListWidget(self)
        self.findings.setWordWrap(True)
        self.findings.setMaximumHeight(150)
        self.copy_button = QToolButton(self)
        self.copy_button.setText("Copy an improved prompt")
        self.copy_button.setToolTip("Put the prompt with the suggested cues added on the clipboard")
        self.copy_button.clicked.connect(self.copy_improved_prompt)
        row = QHBoxLayout()
        row.addWidget(self.score, 1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.advice)
        layout.addWidget(self.findings)

    def show_take(self, take: Take | None) -> None:
        self.check = check_prompt(take.prompt, take.duration or None) if take and take.prompt.strip() else None
        self.findings.clear()
        self.prompt_text.setExtraSelections([])
        self.copy_button.setEnabled(bool(self.check and self.check.findings))
        if self.check is None:
            self.score.setText("No prompt to check." if take else "")
            self.score.setToolTip("")
            self.advice.setText("")
            return
        check = self.check
        self.score.setText(f"Audio direction: {check.score}/100" if check.score is not None
                           else "Audio direction: not judged")
        self.score.setToolTip(check.explanation())
        found = advice_with_library(check, self.stats_for())
        if found["model"]:
            source = "this library's picks" if found["source"] == "library" else f"guidance of {found['guidance_date']}"
            self.advice.setText(f"{need_label(found['audio_need'])} · {found['model']} ({source})")
            self.advice.setToolTip(found["why"])
        else:
            self.advice.setText("Audio need can't be told: " + check.explanation().split(": ", 1)[-1])
            self.advice.setToolTip("")
        for finding in check.findings:
            item = QListWidgetItem(f"{RULE_LABEL[finding.rule]}: {finding.message}\n→ {finding.suggestion.text}")
            item.setForeground(QColor("#e0e0e0"))
            item.setBackground(QColor(RULE_COLOURS[finding.rule]))
            item.setToolTip(finding.suggestion.text)
            self.findings.addItem(item)
        self.findings.setVisible(bool(check.findings))
        self._highlight()

    def _highlight(self) -> None:
        """The findings' words, marked in the prompt (the text shown is the take's prompt as is)."""
        if self.prompt_text.toPlainText() != self.check.prompt:
            return
        selections = []
        for finding in self.check.findings:
            for span in finding.evidence:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self.prompt_text.document())
                cursor.setPosition(span.start)
                cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                fmt = QTextCharFormat()
                fmt.setBackground(QColor(RULE_COLOURS[finding.rule]))
                fmt.setToolTip(finding.message)
                selection.format = fmt
                selections.append(selection)
        self.prompt_text.setExtraSelections(selections)

    def highlighted_words(self) -> list[str]:
        return [s.cursor.selectedText() for s in self.prompt_text.extraSelections()]

    def copy_improved_prompt(self) -> str:
        """The prompt with every suggestion applied, on the clipboard (and returned)."""
        if self.check is None:
            return ""
        text = improved_prompt(self.check)
        QGuiApplication.clipboard().setText(text)
        return text
