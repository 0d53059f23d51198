"""The phone-volume control: a continuous slider beside the listening switch (half-decibel
resolution; [ and ] jump between the 6 dB marks, like a phone's volume buttons). The live graph
applies every move from its next block.

It only means something for the phone profiles (the calibration is a phone's: full volume plays
−18 LUFS at 75 dBA), so it is greyed out for the others — the setting is kept for when a phone
profile comes back.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from soundon.core.listening import VOLUME_RESOLUTION_DB, VOLUME_STEPS, profile_named, volume_text
from soundon.ui.models.listening_state import ListeningState


class PhoneVolume(QWidget):
    def __init__(self, state: ListeningState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("phoneVolume")
        self.state = state
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(4)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        # left = quietest, right = full volume; a position is one resolution step above the lowest mark
        self.slider.setRange(0, self._position(0.0))
        self.slider.setSingleStep(1)
        self.slider.setPageStep(self._position(VOLUME_STEPS[-2]))   # 6 dB, one mark
        self.slider.setTickInterval(self.slider.pageStep())
        self.slider.setFixedWidth(80)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the window's keys stay commands
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.value = QLabel(self)
        self.value.setMinimumWidth(46)
        layout.addWidget(QLabel("Phone vol.", self))
        layout.addWidget(self.slider)
        layout.addWidget(self.value)
        self.slider.valueChanged.connect(self._moved)
        state.changed.connect(self.refresh)
        self.refresh()

    @staticmethod
    def _position(volume_db: float) -> int:
        return round((volume_db - VOLUME_STEPS[-1]) / VOLUME_RESOLUTION_DB)

    def _moved(self, position: int) -> None:
        self.state.set_volume(VOLUME_STEPS[-1] + position * VOLUME_RESOLUTION_DB)

    def refresh(self) -> None:
        volume = self.state.volume_db
        self.slider.blockSignals(True)
        self.slider.setValue(self._position(volume))
        self.slider.blockSignals(False)
        self.value.setText(volume_text(volume))
        applies = profile_named(self.state.profile).takes_noise
        self.setEnabled(applies)
        self.setToolTip("Phone volume below full ([ and ]): lowers the programme, not the noise around "
                        "the phone." + ("" if applies else "\nApplies to the phone profiles only."))
