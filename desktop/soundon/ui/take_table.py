"""The takes of the library as a Qt table model (named columns, refreshed by the library's changes)."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal

from soundon.store.library import Library

COLUMNS = (("batch", "Batch"), ("rel_path", "Take"), ("model", "Model"), ("duration", "Duration"),
           ("flag", "Flag"), ("rating", "Rating"), ("audio_verdict", "Audio"))
TAKE_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class LibrarySignals(QObject):
    """The library's change listener, as a Qt signal (delivered on the GUI thread)."""

    changed = Signal(str, list)

    def __init__(self, library: Library):
        super().__init__()
        library.subscribe(lambda kind, ids: self.changed.emit(kind, ids))


class TakeTableModel(QAbstractTableModel):
    def __init__(self, library: Library, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self._rows: list[dict] = []
        self.signals = LibrarySignals(library)
        self.signals.changed.connect(self.reload)
        self.reload()

    def reload(self, *_args) -> None:
        self.beginResetModel()
        self._rows = self.library.takes()
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        key = COLUMNS[index.column()][0]
        if role == TAKE_ID_ROLE:
            return row["id"]
        if role == Qt.ItemDataRole.DisplayRole:
            value = row[key]
            if key == "duration":
                return f"{value:.2f} s"
            if key == "rating":
                return "★" * value
            return str(value)
        return None
