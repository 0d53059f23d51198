"""The batch tree's prompt groups with their audio-direction score, drawn at the right of the row
(the row's text stays the prompt and its count; the tooltip explains the score)."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from soundon.ui.models.roles import TreeRole

BADGE_WIDTH = 30


def score_colour(score: int) -> QColor:
    """Red below 40, amber below 70, green from 70: a glance says which prompts need work."""
    return QColor("#b94a48") if score < 40 else QColor("#c09853") if score < 70 else QColor("#468847")


class PromptScoreDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        score = index.data(TreeRole.PROMPT_SCORE)
        if score is None:
            super().paint(painter, option, index)
            return
        text_option = QStyleOptionViewItem(option)
        text_option.rect = option.rect.adjusted(0, 0, -BADGE_WIDTH - 4, 0)
        super().paint(painter, text_option, index)
        badge = QRect(option.rect.right() - BADGE_WIDTH, option.rect.top() + 2, BADGE_WIDTH, option.rect.height() - 4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(score_colour(int(score)))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(score))
        painter.restore()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt's name)
        size = super().sizeHint(option, index)
        return QSize(size.width() + BADGE_WIDTH + 4, size.height())
