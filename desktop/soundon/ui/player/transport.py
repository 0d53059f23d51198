"""The transport under the picture: buttons for the window's playback actions, the timecode, the
shuttle speed, and the scrub bar.

The buttons show the window's QActions, so a button, its menu entry and its key are one thing with
one tooltip (which names the key).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from soundon.core.timecode import format_timecode
from soundon.ui.player.scrub_bar import ScrubBar


class Transport(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transport")
        self.scrub_bar = ScrubBar(self)
        self.timecode = QLabel("--:--:--:--", self)
        self.timecode.setObjectName("timecode")
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        mono.setPointSize(13)
        self.timecode.setFont(mono)
        self.timecode.setToolTip("Timecode of the frame on screen (hours:minutes:seconds:frames)")
        self.duration = QLabel("", self)
        self.duration.setObjectName("duration")
        self.duration.setFont(mono)
        self.speed = QLabel("", self)
        self.speed.setObjectName("shuttleSpeed")
        self.speed.setToolTip("Shuttle speed (J / K / L)")
        self.marks = QLabel("", self)
        self.marks.setObjectName("marks")
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 4)
        row.addLayout(self._buttons)
        row.addSpacing(12)
        row.addWidget(self.timecode)
        row.addWidget(self.duration)
        row.addSpacing(12)
        row.addWidget(self.speed)
        row.addWidget(self.marks)
        row.addStretch(1)
        self.extra = QHBoxLayout()   # the window puts the listening switch here
        row.addLayout(self.extra)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.scrub_bar)
        layout.addLayout(row)
        self._fps = 25.0

    def add_action_button(self, action: QAction) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        self._buttons.addWidget(button)
        return button

    def set_take(self, duration: float, fps: float) -> None:
        self._fps = fps
        self.set_duration(duration)
        self.show_position(0.0)

    def set_duration(self, duration: float) -> None:
        self.duration.setText(f" / {format_timecode(duration, self._fps)}" if duration else "")

    def show_position(self, seconds: float) -> None:
        self.timecode.setText(format_timecode(seconds, self._fps))
        self.scrub_bar.set_position(seconds)

    def show_speed(self, speed: float) -> None:
        if speed in (0.0, 1.0):
            self.speed.setText("")
        else:
            self.speed.setText(f"{'◀◀' if speed < 0 else '▶▶'} {abs(speed):g}×")

    def show_marks(self, mark_in: float | None, mark_out: float | None) -> None:
        parts = []
        if mark_in is not None:
            parts.append(f"In {format_timecode(mark_in, self._fps)}")
        if mark_out is not None:
            parts.append(f"Out {format_timecode(mark_out, self._fps)}")
        self.marks.setText("   ".join(parts))
        self.scrub_bar.set_marks(mark_in, mark_out)
