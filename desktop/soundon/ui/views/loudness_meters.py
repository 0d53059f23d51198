"""The playback meters in the status bar: momentary and short-term loudness (LUFS) and the peak
(dBFS) of the delivered mix — the post mix for a replace take, else the native audio — read before
the listening profile, so they show what the export delivers, not what the phone simulation does
to it (media/dsp/meter.py measures; the audio graph feeds it).

A timer reads the meter ten times a second on the GUI thread; the audio thread is never asked.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from soundon.media.dsp.meter import LoudnessMeter, MeterReading

READ_EVERY_MS = 100
IDLE_READS = 5                  # half a second without a block: playback stopped
EMPTY = "—"


def _figure(value: float | None) -> str:
    return EMPTY if value is None else f"{value:.1f}".replace("-", "−")


class LoudnessMeters(QWidget):
    def __init__(self, meter: Callable[[], LoudnessMeter | None], parent: QWidget | None = None):
        """meter: the live meter, or None while there is no audio output."""
        super().__init__(parent)
        self._meter = meter
        self._idle = 0
        self.title = QLabel("Delivered mix, pre-profile:", self)
        self.momentary = QLabel(self)
        self.short_term = QLabel(self)
        self.peak = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in (self.title, self.momentary, self.short_term, self.peak):
            layout.addWidget(label)
        self.momentary.setMinimumWidth(self.fontMetrics().horizontalAdvance("M −00.0 "))
        self.short_term.setMinimumWidth(self.fontMetrics().horizontalAdvance("S −00.0 "))
        self.peak.setMinimumWidth(self.fontMetrics().horizontalAdvance("Peak −00.0 "))
        self.setToolTip("Loudness of the delivered mix (the post mix for a take whose audio is replaced), "
                        "before the listening profile: M momentary (400 ms) and S short-term (3 s) in LUFS, "
                        "Peak the highest sample in dBFS.")
        self._show(MeterReading(None, None, None))
        self._timer = QTimer(self)
        self._timer.setInterval(READ_EVERY_MS)
        self._timer.timeout.connect(self._read)
        self._timer.start()

    def _read(self) -> None:
        meter = self._meter()
        if meter is None:
            self._show(MeterReading(None, None, None))
            return
        reading = meter.read()
        if reading.blocks:
            self._idle = 0
            self._show(reading)
        else:
            self._idle += 1
            if self._idle == IDLE_READS:
                meter.clear()
                self._show(MeterReading(None, None, None))

    def _show(self, reading: MeterReading) -> None:
        self.momentary.setText(f"M {_figure(reading.momentary_lufs)}")
        self.short_term.setText(f"S {_figure(reading.short_term_lufs)}")
        self.peak.setText(f"Peak {_figure(reading.peak_dbfs)}")
