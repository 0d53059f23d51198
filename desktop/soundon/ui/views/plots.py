"""The inspector's pictures, drawn with QPainter from the stored analysis report:

- loudness over time: the short-term loudness, the delivery target's integrated figure and its
  true-peak ceiling as lines (both on the same dB scale), the speech parts shaded;
- spectrum: the native audio's third-octave spectrum against the same audio through the current
  listening profile's response.

The same painting writes the PNGs of `soundon analyze --plot DIR` (write_pngs).
"""
from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

from soundon.core.listening import DEFAULT_PROFILE, profile_named
from soundon.core.targets import DeliveryTarget, target_named
from soundon.media.plot_data import through_profile

BACKGROUND = QColor("#1b1e23")
GRID = QColor("#3a3e45")
TEXT = QColor("#aab1bb")
CURVE = QColor("#7ec8ff")
PROFILE_CURVE = QColor("#f2cc60")
TARGET = QColor("#7ee2a0")
CEILING = QColor("#ffb4ab")
SPEECH = QColor(126, 200, 255, 40)
LOUDNESS_RANGE = (-60.0, 0.0)
SPECTRUM_RANGE = (-100.0, -10.0)
FREQUENCY_RANGE = (20.0, 20000.0)
MARGIN = (34, 8, 8, 18)      # left, top, right, bottom


def _plot_area(rect: QRectF) -> QRectF:
    left, top, right, bottom = MARGIN
    return rect.adjusted(left, top, -right, -bottom)


def _frame(painter: QPainter, rect: QRectF, area: QRectF, low: float, high: float, step: float, unit: str) -> None:
    painter.fillRect(rect, BACKGROUND)
    painter.setPen(QPen(GRID, 1))
    value = math.ceil(low / step) * step
    while value <= high:
        y = area.bottom() - (value - low) / (high - low) * area.height()
        painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
        painter.setPen(TEXT)
        painter.drawText(QRectF(rect.left(), y - 7, MARGIN[0] - 4, 14),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:g}")
        painter.setPen(QPen(GRID, 1))
        value += step
    painter.setPen(TEXT)
    painter.drawText(QRectF(area.left() + 2, area.top(), 200, 14), Qt.AlignmentFlag.AlignLeft, unit)


def _y(value: float, area: QRectF, low: float, high: float) -> float:
    clipped = min(high, max(low, value))
    return area.bottom() - (clipped - low) / (high - low) * area.height()


def _line(painter: QPainter, area: QRectF, value: float, colour: QColor, label: str, low: float, high: float) -> None:
    y = _y(value, area, low, high)
    painter.setPen(QPen(colour, 1, Qt.PenStyle.DashLine))
    painter.drawLine(QPointF(area.left(), y), QPointF(area.right(), y))
    painter.drawText(QRectF(area.right() - 220, y - 15, 218, 14), Qt.AlignmentFlag.AlignRight, label)


def _polyline(painter: QPainter, points: list[QPointF | None], colour: QColor) -> None:
    path = QPainterPath()
    drawing = False
    for point in points:
        if point is None:
            drawing = False
        elif drawing:
            path.lineTo(point)
        else:
            path.moveTo(point)
            drawing = True
    painter.setPen(QPen(colour, 1.5))
    painter.drawPath(path)


def paint_loudness(painter: QPainter, rect: QRectF, report: dict | None, target: DeliveryTarget) -> None:
    area = _plot_area(rect)
    low, high = LOUDNESS_RANGE
    _frame(painter, rect, area, low, high, 10, "LUFS (short-term)")
    series = (report or {}).get("short_term_lufs") or []
    duration = float((report or {}).get("duration") or 0.0)
    if not series or duration <= 0:
        painter.setPen(TEXT)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no loudness measured yet")
        return

    def x(seconds: float) -> float:
        return area.left() + min(1.0, max(0.0, seconds / duration)) * area.width()

    for start, end in report.get("speech_segments") or []:
        painter.fillRect(QRectF(x(start), area.top(), max(1.0, x(end) - x(start)), area.height()), SPEECH)
    first, hop = float(report.get("short_term_first_s") or 3.0), float(report.get("short_term_hop_s") or 0.1)
    _polyline(painter, [QPointF(x(first + i * hop), _y(v, area, low, high)) for i, v in enumerate(series)], CURVE)
    _line(painter, area, target.integrated_lufs, TARGET, f"target {target.integrated_lufs:g} LUFS", low, high)
    _line(painter, area, target.true_peak_dbtp, CEILING, f"true-peak ceiling {target.true_peak_dbtp:g} dBTP",
          low, high)
    painter.setPen(TEXT)
    painter.drawText(QRectF(area.left(), area.bottom() + 2, area.width(), 14), Qt.AlignmentFlag.AlignRight,
                     f"{duration:.1f} s" + (" · speech shaded" if report.get("speech_segments") else ""))


def paint_spectrum(painter: QPainter, rect: QRectF, report: dict | None, profile: str) -> None:
    area = _plot_area(rect)
    low, high = SPECTRUM_RANGE
    _frame(painter, rect, area, low, high, 20, "dB (third octaves)")
    stored = (report or {}).get("spectrum")
    if not stored or not any(v is not None for v in stored.get("native_db", [])):
        painter.setPen(TEXT)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "no spectrum measured yet")
        return
    f_low, f_high = (math.log10(f) for f in FREQUENCY_RANGE)

    def x(frequency: float) -> float:
        return area.left() + (math.log10(frequency) - f_low) / (f_high - f_low) * area.width()

    painter.setPen(TEXT)
    for mark in (100, 1000, 10000):
        painter.drawText(QRectF(x(mark) - 20, area.bottom() + 2, 40, 14), Qt.AlignmentFlag.AlignCenter,
                         f"{mark // 1000}k" if mark >= 1000 else str(mark))
    frequencies = stored["frequencies"]

    def points(levels):
        return [None if v is None else QPointF(x(f), _y(v, area, low, high)) for f, v in zip(frequencies, levels)]

    _polyline(painter, points(stored["native_db"]), CURVE)
    _polyline(painter, points(through_profile(stored, profile)), PROFILE_CURVE)
    painter.setPen(CURVE)
    painter.drawText(QRectF(area.right() - 220, area.top(), 218, 14), Qt.AlignmentFlag.AlignRight, "native")
    painter.setPen(PROFILE_CURVE)
    painter.drawText(QRectF(area.right() - 220, area.top() + 14, 218, 14), Qt.AlignmentFlag.AlignRight,
                     f"through {profile_named(profile).label}")


class LoudnessPlot(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(130)
        self.report: dict | None = None
        self.target = target_named("social")

    def show_report(self, report: dict | None, target: DeliveryTarget) -> None:
        self.report, self.target = report, target
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_loudness(painter, QRectF(self.rect()), self.report, self.target)


class SpectrumPlot(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(130)
        self.report: dict | None = None
        self.profile = DEFAULT_PROFILE

    def show_report(self, report: dict | None, profile: str) -> None:
        self.report, self.profile = report, profile
        self.update()

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_spectrum(painter, QRectF(self.rect()), self.report, self.profile)


def write_pngs(report: dict, folder: Path, stem: str, profile: str = DEFAULT_PROFILE,
               size: tuple[int, int] = (900, 320)) -> list[Path]:
    """The two pictures of one report as PNGs in `folder`; returns their paths. Needs a QGuiApplication."""
    target = target_named(report.get("target") or "social")
    written = []
    for suffix, paint, extra in (("loudness", paint_loudness, target), ("spectrum", paint_spectrum, profile)):
        image = QImage(*size, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint(painter, QRectF(0, 0, *size), report, extra)
        painter.end()
        path = folder / f"{stem}.{suffix}.png"
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written
