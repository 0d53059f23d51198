"""The inspector's sync line: the estimate of the native sound's offset against the picture, and a
badge when viewers would notice it (sound more than 45 ms early or 100 ms late)."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from soundon.core.take import Take
from soundon.media.av_sync import EARLY_LIMIT_MS, LATE_LIMIT_MS, describe, out_of_sync

BADGE_STYLE = "background:#5a1d1d; color:#ffb4ab; border-radius: 3px;"


class SyncField(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.estimate = QLabel("", self)
        self.estimate.setWordWrap(True)
        self.estimate.setToolTip("The native sound's offset against the picture, from sharp events in both "
                                 "(positive: the sound comes late)")
        layout.addWidget(self.estimate)
        self.badge = QLabel("", self)
        self.badge.setObjectName("syncBadge")
        self.badge.setMargin(3)
        self.badge.setStyleSheet(BADGE_STYLE)
        self.badge.setToolTip(f"Viewers notice sound more than {-EARLY_LIMIT_MS} ms early or "
                              f"{LATE_LIMIT_MS} ms late")
        layout.addWidget(self.badge)
        self.show_take(None)

    def show_take(self, take: Take | None) -> None:
        if take is None or take.analysis_flags is None:
            self.estimate.setText("" if take is None else "not analysed yet")
            self.badge.setVisible(False)
            return
        offset = take.av_offset_ms
        self.estimate.setText(describe(offset, take.av_confidence) if take.has_audio else "no audio")
        noticed = out_of_sync(offset)
        self.badge.setText(f"Out of sync: sound {abs(offset)} ms {'late' if offset > 0 else 'early'}"
                           if noticed else "")
        self.badge.setVisible(noticed)
