"""The scrub bar: the take's waveform with the playhead, the in/out marks and the notes drawn over it.

Click or drag to move the playhead (the player follows as the mouse moves). Notes with a time range
are shaded over the waveform with their text in a tooltip; a note at a single time is a tick.
Peaks come from the import (media.overview); they are reduced to one value per pixel column once per
width, so repainting during playback is cheap.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from soundon.core.timecode import DEFAULT_FPS, format_timecode

WAVE_COLOUR = QColor("#4f8fd6")
WAVE_PLAYED = QColor("#7fb3ee")
PLAYHEAD = QColor("#ffcc33")
NOTE_FILL = QColor(255, 170, 60, 70)
NOTE_EDGE = QColor("#ffaa3c")
MARK_FILL = QColor(120, 200, 255, 45)
MARK_EDGE = QColor("#78c8ff")
BACKGROUND = QColor("#15171a")
NOTE_LANE = 6  # px at the top where note markers sit


@dataclass(frozen=True)
class NoteSpan:
    start: float
    end: float | None
    text: str


class ScrubBar(QWidget):
    seek_requested = Signal(float)
    scrub_started = Signal()
    scrub_finished = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(56)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys belong to the window's shortcuts
        self._duration = 0.0
        self._fps = DEFAULT_FPS
        self._position = 0.0
        self._peaks: np.ndarray | None = None
        self._columns: tuple[tuple[int, int], tuple[QImage, QImage]] | None = None
        self._mark_in: float | None = None
        self._mark_out: float | None = None
        self._notes: list[NoteSpan] = []
        self._dragging = False

    # -- content ------------------------------------------------------------------------------------

    def set_take(self, duration: float, fps: float, peaks: np.ndarray | None) -> None:
        self._duration = max(0.0, duration)
        self._fps = fps or DEFAULT_FPS
        self._peaks = peaks if peaks is not None and peaks.size else None
        self._columns = None
        self._position = 0.0
        self._mark_in = self._mark_out = None
        self._notes = []
        self.update()

    def set_duration(self, duration: float) -> None:
        if duration > 0 and abs(duration - self._duration) > 1e-3:
            self._duration = duration
            self._columns = None
            self.update()

    def set_position(self, seconds: float) -> None:
        self._position = seconds
        self.update()

    def position(self) -> float:
        return self._position

    def set_marks(self, mark_in: float | None, mark_out: float | None) -> None:
        self._mark_in, self._mark_out = mark_in, mark_out
        self.update()

    def set_notes(self, notes: list[NoteSpan]) -> None:
        self._notes = list(notes)
        self.update()

    def notes(self) -> list[NoteSpan]:
        return list(self._notes)

    def has_waveform(self) -> bool:
        return self._peaks is not None

    # -- geometry -----------------------------------------------------------------------------------

    def x_for(self, seconds: float) -> float:
        if self._duration <= 0:
            return 0.0
        return max(0.0, min(1.0, seconds / self._duration)) * (self.width() - 1)

    def time_at(self, x: float) -> float:
        if self.width() <= 1:
            return 0.0
        return max(0.0, min(1.0, x / (self.width() - 1))) * self._duration

    def _column_peaks(self, width: int) -> np.ndarray:
        peaks = self._peaks
        # The peaks cover the audio; stretch them over the bar (audio and picture lengths differ a little).
        edges = np.minimum(np.linspace(0, len(peaks), width + 1).astype(int), len(peaks) - 1)
        return np.maximum.reduceat(peaks, edges[:-1])

    def _wave_images(self, width: int, height: int) -> tuple[QImage, QImage]:
        """The waveform drawn once per size, in the played and the unplayed colour (numpy, not
        thousands of paint calls per frame)."""
        if self._columns and self._columns[0] == (width, height):
            return self._columns[1]
        middle = (height + NOTE_LANE) / 2
        half = (height - NOTE_LANE) / 2 - 2
        heights = np.maximum(0.5, self._column_peaks(max(1, width)).astype(np.float32) * half)
        rows = np.arange(height, dtype=np.float32)[:, None] + 0.5
        mask = np.abs(rows - middle) <= heights[None, :]
        images = []
        for colour in (WAVE_PLAYED, WAVE_COLOUR):
            pixels = np.zeros((height, width, 4), dtype=np.uint8)
            pixels[mask] = (colour.red(), colour.green(), colour.blue(), 255)
            image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_RGBA8888).copy()
            images.append(image)
        self._columns = ((width, height), (images[0], images[1]))
        return self._columns[1]

    # -- painting -----------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        rect = self.rect()
        painter.fillRect(rect, BACKGROUND)
        middle = (rect.height() + NOTE_LANE) / 2
        if self._mark_in is not None or self._mark_out is not None:
            start = self.x_for(self._mark_in if self._mark_in is not None else 0.0)
            end = self.x_for(self._mark_out if self._mark_out is not None else self._duration)
            painter.fillRect(QRectF(start, 0, max(1.0, end - start), rect.height()), MARK_FILL)
            painter.setPen(QPen(MARK_EDGE, 1))
            for x in (start if self._mark_in is not None else None, end if self._mark_out is not None else None):
                if x is not None:
                    painter.drawLine(QPointF(x, 0), QPointF(x, rect.height()))
        if self._peaks is not None:
            played_image, rest_image = self._wave_images(rect.width(), rect.height())
            played = int(round(self.x_for(self._position)))
            painter.drawImage(QRectF(0, 0, played, rect.height()), played_image, QRectF(0, 0, played, rect.height()))
            painter.drawImage(QRectF(played, 0, rect.width() - played, rect.height()), rest_image,
                              QRectF(played, 0, rect.width() - played, rect.height()))
        else:
            painter.setPen(QColor("#5b6069"))
            painter.drawLine(QPointF(0, middle), QPointF(rect.width(), middle))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "no audio" if self._duration else "")
        for note in self._notes:
            start = self.x_for(note.start)
            if note.end is not None and note.end > note.start:
                end = self.x_for(note.end)
                painter.fillRect(QRectF(start, 0, max(2.0, end - start), rect.height()), NOTE_FILL)
                painter.fillRect(QRectF(start, 0, max(2.0, end - start), NOTE_LANE), NOTE_EDGE)
            else:
                painter.fillRect(QRectF(start - 1, 0, 3, rect.height()), NOTE_EDGE)
        x = self.x_for(self._position)
        painter.setPen(QPen(PLAYHEAD, 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, rect.height()))
        painter.end()

    # -- mouse --------------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self._duration > 0:
            self._dragging = True
            self.scrub_started.emit()
            self._seek_to(event.position().x())

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._dragging:
            self._seek_to(event.position().x())
            return
        seconds = self.time_at(event.position().x())
        found = self.note_at(seconds, tolerance=self.time_at(4) - self.time_at(0))
        tip = format_timecode(seconds, self._fps)
        if found:
            tip += "\n" + found.text
        QToolTip.showText(event.globalPosition().toPoint(), tip, self)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._dragging:
            self._dragging = False
            self.scrub_finished.emit()

    def _seek_to(self, x: float) -> None:
        seconds = self.time_at(x)
        self._position = seconds
        self.update()
        self.seek_requested.emit(seconds)

    def note_at(self, seconds: float, tolerance: float = 0.0) -> NoteSpan | None:
        for note in self._notes:
            end = note.end if note.end is not None else note.start
            if note.start - tolerance <= seconds <= end + tolerance:
                return note
        return None
