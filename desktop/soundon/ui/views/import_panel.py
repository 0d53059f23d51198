"""The import panel: files the latest import refused or skipped, each with its reason, in one list
(never one popup per file). A new import starts with an empty list; Clear empties it."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget


class ImportPanel(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.summary = QLabel("No import yet.", self)
        self.summary.setObjectName("fieldName")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.clear_button.clicked.connect(self.clear)
        self.files = QTreeWidget(self)
        self.files.setColumnCount(3)
        self.files.setHeaderLabels(["File", "Outcome", "Reason"])
        self.files.setRootIsDecorated(False)
        self.files.setAlternatingRowColors(True)
        self.files.setColumnWidth(0, 320)
        self.files.setColumnWidth(1, 80)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addWidget(self.files)

    def begin(self, paths: list[str]) -> None:
        """A new import: the earlier one's rows would read as this one's refusals."""
        self.files.clear()
        self.summary.setText(f"Importing {', '.join(Path(p).name for p in paths)}…")

    def show_result(self, result) -> None:
        """An ImportResult: list what was refused and skipped, say what was added."""
        for outcome, refusals in (("Refused", result.refused), ("Skipped", result.skipped)):
            for refusal in reversed(refusals):
                item = QTreeWidgetItem([Path(refusal.path).name, outcome, refusal.reason])
                item.setToolTip(0, refusal.path)
                item.setToolTip(2, refusal.reason)
                self.files.insertTopLevelItem(0, item)
        parts = [f"{len(result.added)} added"]
        if result.skipped:
            parts.append(f"{len(result.skipped)} already in the library")
        if result.refused:
            parts.append(f"{len(result.refused)} refused")
        if result.cancelled:
            parts.append("stopped before the end")
        batches = ", ".join(result.batches)
        self.summary.setText(f"{batches or 'Import'}: {', '.join(parts)}.")

    def show_failure(self, message: str) -> None:
        item = QTreeWidgetItem(["", "Failed", message])
        item.setToolTip(2, message)
        self.files.insertTopLevelItem(0, item)
        self.summary.setText(message)

    def refused_count(self) -> int:
        return self.files.topLevelItemCount()

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.files.topLevelItem(i).text(c) for c in range(3)) for i in range(self.files.topLevelItemCount())]

    def clear(self) -> None:
        self.files.clear()
        self.summary.setText("No refused files.")
