"""Model Statistics: how each model's takes fared in this library, per audio need — a table and a
small chart of the pick rates — and which model is recommended for the need, saying whether that
comes from this library's own picks or from the dated guidance."""
from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QComboBox, QDialog, QHBoxLayout, QLabel, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from soundon.core.audio_need import NEEDS, need_label
from soundon.core.model_stats import PickStatistics

COLUMNS = ("Model", "Takes", "Picked", "Rejected", "Pick rate", "Avg rating", "Audio kept", "Translation")
ALL_NEEDS = "all"


def _percent(value) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def _translation(verdicts: dict) -> str:
    return ", ".join(f"{name.replace('_', ' ')} {count}" for name, count in verdicts.items()) or "—"


class PickChart(QWidget):
    """One bar per model: its pick rate among its decided takes (no bar before any decision)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows: list[tuple[str, float | None]] = []
        self.setMinimumHeight(90)

    def show_rows(self, rows: list[tuple[str, float | None]]) -> None:
        self.rows = rows
        self.setMinimumHeight(max(90, 22 * len(rows) + 8))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_width, height = 130, 18
        room = max(10, self.width() - label_width - 60)
        for n, (model, rate) in enumerate(self.rows):
            top = 4 + n * (height + 4)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(0, top, label_width - 6, height), Qt.AlignmentFlag.AlignRight
                             | Qt.AlignmentFlag.AlignVCenter, model)
            if rate is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("#468847"))
                painter.drawRoundedRect(QRectF(label_width, top, max(2.0, room * rate), height), 3, 3)
            painter.setPen(self.palette().text().color())
            painter.drawText(QRectF(label_width + room * (rate or 0) + 6, top, 60, height),
                             Qt.AlignmentFlag.AlignVCenter, _percent(rate) if rate is not None else "no decisions")
        painter.end()


class ModelStatsView(QDialog):
    def __init__(self, stats: PickStatistics, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Model Statistics")
        self.resize(760, 460)
        self.stats = stats
        self.need = QComboBox(self)
        for need in NEEDS:
            self.need.addItem(need_label(need), need)
        self.need.addItem("All needs", ALL_NEEDS)
        self.need.currentIndexChanged.connect(self._show)
        self.source = QLabel("", self)
        self.source.setObjectName("statsSource")
        self.source.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.chart = PickChart(self)
        row = QHBoxLayout()
        row.addWidget(QLabel("Audio need:", self))
        row.addWidget(self.need)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.source)
        layout.addWidget(self.table, 1)
        layout.addWidget(QLabel("Pick rate (picked of picked and rejected):", self))
        layout.addWidget(self.chart)
        self._show()

    def set_stats(self, stats: PickStatistics) -> None:
        self.stats = stats
        self._show()

    def show_need(self, need: str) -> None:
        self.need.setCurrentIndex(self.need.findData(need))

    def _show(self) -> None:
        need = self.need.currentData()
        if need == ALL_NEEDS:
            figures = list(self.stats.models.values())
            self.source.setText("Every take of the library, whatever its prompt's audio need.")
        else:
            found = self.stats.needs[need]
            figures = list(found.models.values())
            rec = found.recommendation()
            if rec.source == "library":
                self.source.setText(f"Showing this library's own figures: {rec.model} leads "
                                    f"{need_label(need).lower()} prompts ({rec.why}).")
            else:
                self.source.setText(f"Showing the static guidance: {rec.model} — {rec.why}.")
        figures.sort(key=lambda m: m.model.casefold())
        self.table.setRowCount(len(figures))
        for r, m in enumerate(figures):
            rating = "—" if m.average_rating is None else f"{m.average_rating:.1f}"
            values = (m.model, m.takes, m.picked, m.rejected, _percent(m.pick_rate), rating,
                      _percent(m.audio_kept_share), _translation(dict(sorted(m.verdicts.items()))))
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(str(value)))
        self.table.resizeColumnsToContents()
        self.chart.show_rows([(m.model, m.pick_rate) for m in figures])

    def cell(self, row: int, column: str) -> str:
        return self.table.item(row, COLUMNS.index(column)).text()
