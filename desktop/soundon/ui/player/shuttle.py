"""J/K/L shuttle, as in NLEs: L plays forward and each further L doubles the speed (1×, 2×, 4×, 8×),
J does the same backwards, K stops. Space pauses, or plays at 1× forwards.

It drives a playback group (ui/player/playback_group.py): in Compare every take goes at the
shuttle's speed. Forwards, the heard take's audio follows libVLC's time-stretch. libVLC can't play
backwards, so reverse shuttle steps the paused pictures back ten times a second by the distance
the speed covers (silent while going backwards, as in most NLEs at speed).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

SPEEDS = (1.0, 2.0, 4.0, 8.0)
REVERSE_TICK_MS = 100


class Shuttle(QObject):
    speed_changed = Signal(float)   # signed: −8…8, 0 when stopped

    def __init__(self, group, parent: QObject | None = None):
        super().__init__(parent)
        self.group = group
        self._speed = 0.0
        self._reverse = QTimer(self, interval=REVERSE_TICK_MS)
        self._reverse.timeout.connect(self._step_back)
        group.players_changed.connect(self._reset)

    @property
    def speed(self) -> float:
        return self._speed

    def forward(self) -> None:  # L
        if self._speed <= 0 or not self.group.is_playing():
            self._reverse.stop()
            self._set(1.0)
            self.group.set_rate(1.0)
            self.group.play()
            return
        self._set(_faster(self._speed))
        self.group.set_rate(self._speed)

    def backward(self) -> None:  # J
        if self._speed >= 0:
            self.group.pause()
            self.group.set_rate(1.0)
            self._set(-1.0)
            self._reverse.start()
            return
        self._set(-_faster(-self._speed))

    def stop(self) -> None:  # K
        self._reverse.stop()
        self.group.pause()
        self.group.set_rate(1.0)
        self._set(0.0)

    def normal_play(self) -> None:  # Space
        self._reverse.stop()
        if self.group.is_playing():
            self.group.pause()
            self.group.set_rate(1.0)
            self._set(0.0)
        else:
            self.group.set_rate(1.0)
            self.group.play()
            self._set(1.0)

    def _reset(self) -> None:
        """Other takes: back to 1× (playing on if they play)."""
        self._reverse.stop()
        if self.group.rate != 1.0:
            self.group.set_rate(1.0)
        self._set(1.0 if self.group.is_playing() else 0.0)

    def _step_back(self) -> None:
        position = self.group.position()
        if position <= 0:
            self.stop()
            return
        self.group.seek(position + self._speed * REVERSE_TICK_MS / 1000.0)

    def _set(self, speed: float) -> None:
        if speed != self._speed:
            self._speed = speed
            self.speed_changed.emit(speed)


def _faster(speed: float) -> float:
    for candidate in SPEEDS:
        if candidate > speed:
            return candidate
    return SPEEDS[-1]
