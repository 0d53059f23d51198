"""The inspector's sync line: the estimate of the native sound's offset against the picture, a
badge when viewers would notice it (sound more than 45 ms early or 100 ms late), and the nudge the
export gives the native audio: a number field (Enter sets it) and "Apply the estimate", which sets
the nudge that cancels the estimated offset. The nudge is for takes whose native audio is kept."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from soundon.core.take import Take
from soundon.core.swap_spec import NUDGE_LIMIT_MS
from soundon.media.av_sync import EARLY_LIMIT_MS, LATE_LIMIT_MS, describe, noticed_offset

NUDGE_TIP = "Shift the native audio on export (positive: later); Enter sets it"
BADGE_COLOURS = ("#5a1d1d", "#ffb4ab")     # background, text: the take cards' sync badge too
BADGE_STYLE = f"background:{BADGE_COLOURS[0]}; color:{BADGE_COLOURS[1]}; border-radius: 3px;"


class SyncField(QWidget):
    nudge_chosen = Signal(int, float)     # take id, nudge in ms

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
        row = QHBoxLayout()
        row.addWidget(QLabel("Nudge", self))
        self.nudge = QSpinBox(self)
        self.nudge.setRange(-int(NUDGE_LIMIT_MS), int(NUDGE_LIMIT_MS))
        self.nudge.setSuffix(" ms")
        self.nudge.setKeyboardTracking(False)
        self.nudge.setToolTip(NUDGE_TIP)
        self.nudge.editingFinished.connect(self._nudge_edited)
        row.addWidget(self.nudge)
        self.apply = QPushButton("Apply the estimate", self)
        self.apply.setToolTip("Nudge the native audio by the opposite of the estimated offset")
        self.apply.clicked.connect(self._apply_estimate)
        row.addStretch(1)
        layout.addLayout(row)
        # on a line of its own: beside the field it made the inspector wider than its dock
        apply_row = QHBoxLayout()
        apply_row.addWidget(self.apply)
        apply_row.addStretch(1)
        layout.addLayout(apply_row)
        self._take: Take | None = None
        self.show_take(None)

    def show_take(self, take: Take | None) -> None:
        self._take = take
        self._show_nudge(take)
        if take is None or take.analysis_flags is None:
            self.estimate.setText("" if take is None else "not analysed yet")
            self.badge.setVisible(False)
            return
        offset = take.av_offset_ms
        if not take.has_audio:
            self.estimate.setText("no audio")
        elif take.sound_measured_only:     # the import's report: the sync comes with the analysis
            self.estimate.setText("not measured yet")
        else:
            self.estimate.setText(describe(offset, take.av_confidence))
        noticed = noticed_offset(offset)
        self.badge.setText(f"Out of sync: {noticed}" if noticed else "")
        self.badge.setVisible(noticed is not None)

    def _show_nudge(self, take: Take | None) -> None:
        kept = take is not None and take.has_audio and take.audio_verdict != "replace"
        self.nudge.blockSignals(True)
        self.nudge.setValue(round(take.nudge_ms) if take else 0)
        self.nudge.blockSignals(False)
        self.nudge.setEnabled(kept)
        self.apply.setEnabled(kept and take.av_offset_ms is not None and take.nudge_ms != -take.av_offset_ms)
        self.nudge.setToolTip(NUDGE_TIP if kept or take is None else
                              "The nudge shifts the native audio of a take that keeps it; this take's audio is "
                              "replaced by its post track.")

    def _nudge_edited(self) -> None:
        take = self._take
        if take is not None and self.nudge.isEnabled() and self.nudge.value() != round(take.nudge_ms):
            self.nudge_chosen.emit(take.id, float(self.nudge.value()))

    def _apply_estimate(self) -> None:
        take = self._take
        if take is not None and take.av_offset_ms is not None:
            self.nudge_chosen.emit(take.id, float(-take.av_offset_ms))
