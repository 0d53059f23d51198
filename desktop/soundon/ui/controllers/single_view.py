"""The single view: the current take in the player over the browser.

It is one of the two views the window shows (the other is Compare, ui/controllers/compare_mode.py);
both offer the same face to the window: a playback group for the transport keys, the take the
review keys act on, ↑/↓, and the transport whose scrub bar shows the notes.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from soundon.core.marks import InOut
from soundon.core.take import Take


class SingleView(QObject):
    def __init__(self, cursor, transport, peaks, deck=None, live_listening=None, parent: QObject | None = None):
        super().__init__(parent)
        self.cursor = cursor
        self.transport = transport
        self._peaks = peaks
        self._deck = deck                   # None without libVLC: the browser and the decisions still work
        self._live_listening = live_listening
        self._loop = False
        self._marks = InOut()

    @property
    def group(self):
        return self._deck.group if self._deck is not None else None

    def reviewed_take(self) -> Take | None:
        return self.cursor.take()

    def target_ids(self) -> list[int]:
        return self.cursor.selected_ids()

    def move(self, step: int) -> None:
        self.cursor.move(step)

    def show(self, take: Take, autoplay: bool = False) -> None:
        """Put the take on screen (and open the one most likely next behind it)."""
        fps = take.frame_rate
        self.transport.set_take(take.duration, fps)
        self.transport.scrub_bar.set_take(take.duration, fps, self._peaks.peaks(take))
        if self._deck is None:
            return
        self._deck.show_take(take, autoplay=autoplay)
        self._live_listening.show_take(take)
        self._apply_loop()
        QTimer.singleShot(0, lambda: self._deck.preload(self.cursor.likely_next()))

    def set_loop(self, loop: bool) -> None:
        self._loop = loop
        self._apply_loop()

    def show_marks(self, marks: InOut) -> None:
        self._marks = marks
        self.transport.show_marks(marks.start, marks.end)
        self._apply_loop()

    def _apply_loop(self) -> None:
        if self._deck is not None:
            self._deck.set_loop(self._loop, self._marks.loop_range())

    def hear(self) -> None:
        """Back from Compare: the take on screen is heard again."""
        if self._deck is not None:
            self._deck.group.hear()

    def step_aside(self) -> None:
        """Compare takes the screen: the take on screen pauses and is not heard."""
        if self._deck is not None:
            self._deck.group.pause()
            self._deck.group.go_silent()
