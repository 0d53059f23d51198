"""The phone-volume control: a stepped slider beside the listening switch ([ and ] step it).

It only means something for the phone profiles (the calibration is a phone's: full volume plays
−18 LUFS at 75 dBA), so it is greyed out for the others — the setting is kept for when a phone
profile comes back.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QWidget

from soundon.core.listening import VOLUME_STEPS, profile_named
from soundon.ui.listening import ListeningState


class PhoneVolume(QWidget):
    def __init__(self, state: ListeningState, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("phoneVolume")
        self.state = state
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.setSpacing(4)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, len(VOLUME_STEPS) - 1)   # left = quietest, right = full volume
        self.slider.setPageStep(1)
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
        return len(VOLUME_STEPS) - 1 - VOLUME_STEPS.index(volume_db)

    def _moved(self, position: int) -> None:
        self.state.set_volume(VOLUME_STEPS[len(VOLUME_STEPS) - 1 - position])

    def refresh(self) -> None:
        volume = self.state.volume_db
        self.slider.blockSignals(True)
        self.slider.setValue(self._position(volume))
        self.slider.blockSignals(False)
        self.value.setText("full" if volume == 0 else f"{volume:+.0f} dB".replace("-", "−"))
        applies = profile_named(self.state.profile).takes_noise
        self.setEnabled(applies)
        self.setToolTip("Phone volume below full ([ and ]): lowers the programme, not the noise around "
                        "the phone." + ("" if applies else "\nApplies to the phone profiles only."))
