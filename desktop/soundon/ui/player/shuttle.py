"""J/K/L shuttle, as in NLEs: L plays forward and each further L doubles the speed (1×, 2×, 4×, 8×),
J does the same backwards, K stops.

libVLC can't play backwards, so reverse shuttle steps the paused picture back ten times a second
by the distance the speed covers (sound is silent while going backwards, as in most NLEs at speed).
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from soundon.ui.player.deck import PlayerDeck

SPEEDS = (1.0, 2.0, 4.0, 8.0)
REVERSE_TICK_MS = 100


class Shuttle(QObject):
    speed_changed = Signal(float)   # signed: −8…8, 0 when stopped

    def __init__(self, deck: PlayerDeck, parent: QObject | None = None):
        super().__init__(parent)
        self.deck = deck
        self._speed = 0.0
        self._reverse = QTimer(self, interval=REVERSE_TICK_MS)
        self._reverse.timeout.connect(self._step_back)
        deck.take_changed.connect(lambda *_: self._reset())

    @property
    def speed(self) -> float:
        return self._speed

    def forward(self) -> None:  # L
        player = self.deck.player
        if self._speed <= 0 or not player.is_playing():
            self._reverse.stop()
            self._set(1.0)
            player.set_rate(1.0)
            player.play()
            return
        self._set(_faster(self._speed))
        player.set_rate(self._speed)

    def backward(self) -> None:  # J
        player = self.deck.player
        if self._speed >= 0:
            player.pause()
            player.set_rate(1.0)
            self._set(-1.0)
            self._reverse.start()
            return
        self._set(-_faster(-self._speed))

    def stop(self) -> None:  # K
        self._reverse.stop()
        player = self.deck.player
        player.pause()
        player.set_rate(1.0)
        self._set(0.0)

    def _reset(self) -> None:
        self._reverse.stop()
        if self._speed != 0.0:
            self.deck.player.set_rate(1.0)
            self._set(0.0)

    def normal_play_toggled(self) -> None:
        """Space always plays at 1× forwards."""
        self._reverse.stop()
        if self.deck.player.rate != 1.0:
            self.deck.player.set_rate(1.0)
        self._set(1.0 if self.deck.player.is_playing() else 0.0)

    def _step_back(self) -> None:
        player = self.deck.player
        position = player.position()
        if position <= 0:
            self.stop()
            return
        player.seek(position + self._speed * REVERSE_TICK_MS / 1000.0)

    def _set(self, speed: float) -> None:
        if speed != self._speed:
            self._speed = speed
            self.speed_changed.emit(speed)


def _faster(speed: float) -> float:
    for candidate in SPEEDS:
        if candidate > speed:
            return candidate
    return SPEEDS[-1]
