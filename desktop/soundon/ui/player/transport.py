"""The transport under the picture: buttons for the window's playback actions, the timecode, the
shuttle speed, the In/Out marks, and the scrub bar.

Every readout has a fixed width, measured from the widest text it can show, so marking In/Out or
shuttling never widens the transport (it once squeezed both side panels). The marks sit in a small
line under the timecode, within the width the timecode and duration already take.

The buttons show the window's QActions, so a button, its menu entry and its key are one thing with
one tooltip (which names the key).
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from soundon.core.timecode import format_timecode
from soundon.ui.player.scrub_bar import ScrubBar
from soundon.ui.player.shuttle import SPEEDS

WIDEST_TIMECODE = "00:00:00:00"   # a monospaced font: every timecode is this wide


def _mono() -> QFont:
    font = QFont("monospace")   # the sizes come from the style sheet
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    return font


def _fixed_width(label: QLabel, *widest: str) -> None:
    label.ensurePolished()   # measure with the style sheet's font, the one that will be drawn
    metrics = QFontMetrics(label.font())
    label.setFixedWidth(max(metrics.horizontalAdvance(text) for text in widest) + 2)


def _marks_text(mark_in: str | None, mark_out: str | None) -> str:
    return "  ".join(part for part in (mark_in and f"In {mark_in}", mark_out and f"Out {mark_out}") if part)


class Transport(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transport")
        self.scrub_bar = ScrubBar(self)
        self.timecode = QLabel("--:--:--:--", self)
        self.timecode.setObjectName("timecode")
        self.timecode.setFont(_mono())
        self.timecode.setToolTip("Timecode of the frame on screen (hours:minutes:seconds:frames)")
        _fixed_width(self.timecode, WIDEST_TIMECODE)
        self.duration = QLabel("", self)
        self.duration.setObjectName("duration")
        self.duration.setFont(_mono())
        _fixed_width(self.duration, f" / {WIDEST_TIMECODE}")
        self.speed = QLabel("", self)
        self.speed.setObjectName("shuttleSpeed")
        self.speed.setToolTip("Shuttle speed (J / K / L)")
        _fixed_width(self.speed, *(self._speed_text(sign * speed) for speed in SPEEDS for sign in (1, -1)))
        self.marks = QLabel("", self)
        self.marks.setObjectName("marks")
        self.marks.setFont(_mono())
        _fixed_width(self.marks, _marks_text(WIDEST_TIMECODE, WIDEST_TIMECODE))
        readouts = QVBoxLayout()
        readouts.setSpacing(0)
        clock = QHBoxLayout()
        clock.addWidget(self.timecode)
        clock.addWidget(self.duration)
        readouts.addLayout(clock)
        readouts.addWidget(self.marks)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 4)
        row.addLayout(self._buttons)
        row.addSpacing(8)
        row.addLayout(readouts)
        row.addSpacing(8)
        row.addWidget(self.speed)
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
        self.speed.setText("" if speed in (0.0, 1.0) else self._speed_text(speed))

    @staticmethod
    def _speed_text(speed: float) -> str:
        return f"{'◀◀' if speed < 0 else '▶▶'} {abs(speed):g}×"

    def show_marks(self, mark_in: float | None, mark_out: float | None) -> None:
        self.marks.setText(_marks_text(None if mark_in is None else format_timecode(mark_in, self._fps),
                                       None if mark_out is None else format_timecode(mark_out, self._fps)))
        self.scrub_bar.set_marks(mark_in, mark_out)
