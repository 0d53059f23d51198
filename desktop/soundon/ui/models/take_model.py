"""The library's takes as a Qt table model: one row per take, named columns, custom roles.

The model holds the rows the library lists and follows the library's change signal: a review
decision or an analysis refreshes just that take's row (dataChanged), a new take is appended
(rowsInserted), anything structural (a batch re-linked) reloads the whole list.
"""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from soundon.core.timecode import format_duration
from soundon.store.library import Library
from soundon.ui.library_bridge import LibraryBridge
from soundon.ui.models.roles import TakeRole
from soundon.ui.models.thumbnails import ThumbnailCache

# (key, header) — the key names the column for code; the header is what the editor reads.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Take"),
    ("model", "Model"),
    ("duration", "Duration"),
    ("flag", "Flag"),
    ("rating", "Rating"),
    ("audio_verdict", "Audio"),
    ("analysis", "Analysis"),
    ("format", "Format"),
    ("batch", "Batch"),
)
COLUMN = {key: number for number, (key, _header) in enumerate(COLUMNS)}

# The roles that are a field of the take as it is.
ROLE_FIELDS = {TakeRole.TAKE_ID: "id", TakeRole.PATH: "path", TakeRole.MODEL: "model", TakeRole.DURATION: "duration",
               TakeRole.FLAG: "flag", TakeRole.RATING: "rating", TakeRole.AUDIO_VERDICT: "audio_verdict",
               TakeRole.ANALYSIS_FLAGS: "analysis_flags", TakeRole.PROMPT_GROUP: "prompt_group",
               TakeRole.BATCH: "batch", TakeRole.FPS: "fps", TakeRole.HAS_AUDIO: "has_audio",
               TakeRole.MEASURED_ON: "analysis_measured_on"}
FLAG_TEXT = {"pick": "Pick", "reject": "Reject", "none": ""}
VERDICT_TEXT = {"keep": "Keep native", "replace": "Replace", "undecided": ""}
FLAG_COLOUR = {"pick": QColor("#3fb950"), "reject": QColor("#f85149")}

# Analysis flags in the editor's words (DESIGN.md "Translation metrics").
ANALYSIS_TEXT = {
    "no_audio": "no audio", "silent": "silent", "clipping": "clipping",
    "mono_incompatible": "mono problem", "bass_dependent": "bass-dependent", "too_quiet": "too quiet",
    "too_loud": "too loud", "peak_over": "peak over",
}


def take_name(take: Take) -> str:
    # (the sort asks this of every pair it compares: a string split, not a path object)
    return take.rel_path.rsplit("/", 1)[-1]


def analysis_summary(flags: list[str] | None, measured_on: str | None = None) -> str:
    """The flags in words; a report of a replace take's post mix says so."""
    if flags is None:
        return ""
    text = ", ".join(ANALYSIS_TEXT.get(f, f) for f in flags) if flags else "OK"
    return f"{text} (post mix)" if measured_on == "post mix" else text


class TakeListModel(QAbstractTableModel):
    takes_added = Signal(list)  # take ids appended to the model (the tree recounts)
    groups_changed = Signal()   # takes changed model or prompt group (the tree regroups)

    def __init__(self, library: Library, bridge: LibraryBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.cache_dir = library.cache_dir
        self.thumbnails = ThumbnailCache(self.cache_dir)
        self._rows: list[Take] = []
        self._row_of: dict[int, int] = {}
        bridge.changed.connect(self._library_changed)
        self.reload()

    # -- loading ----------------------------------------------------------------------------------

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.library.takes()
        self._row_of = {take.id: n for n, take in enumerate(self._rows)}
        self.endResetModel()

    def _library_changed(self, kind: str, ids: list[int]) -> None:
        if kind in ("review", "analysis", "swap", "metadata"):
            for take_id in ids:
                self.refresh_take(take_id)
            if kind == "metadata":
                self.groups_changed.emit()   # a model or prompt group changed: the tree and filters follow
        elif kind == "takes":
            new = [i for i in ids if i not in self._row_of]
            for take_id in ids:
                if take_id in self._row_of:
                    self.refresh_take(take_id)
            self._append(new)
        elif kind == "notes":
            return  # notes live in the inspector and on the scrub bar, not in the rows
        else:
            self.reload()

    def refresh_take(self, take_id: int) -> None:
        row = self._row_of.get(take_id)
        if row is None:
            return
        fresh = self.library.take(take_id)
        if fresh is None:  # removed from the library behind our back
            self.reload()
            return
        self._rows[row] = fresh
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _append(self, take_ids: list[int]) -> None:
        fresh = [t for t in (self.library.take(i) for i in take_ids) if t is not None]
        if not fresh:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for take in fresh:
            self._row_of[take.id] = len(self._rows)
            self._rows.append(take)
        self.endInsertRows()
        self.takes_added.emit([t.id for t in fresh])

    # -- lookups used by the window -----------------------------------------------------------------

    def rows(self) -> list[Take]:
        return self._rows

    def take_at(self, row: int) -> Take:
        return self._rows[row]

    def row_of(self, take_id: int) -> int | None:
        return self._row_of.get(take_id)

    def take(self, take_id: int) -> Take | None:
        row = self._row_of.get(take_id)
        return self._rows[row] if row is not None else None

    # -- Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def flags(self, index: QModelIndex):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        take = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(take, COLUMNS[index.column()][0])
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return self.thumbnails.pixmap(take.thumbnail)
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COLUMN["flag"]:
            return FLAG_COLOUR.get(take.flag)
        if role == Qt.ItemDataRole.ToolTipRole:
            return take.path
        return self._role(take, role)

    @staticmethod
    def _display(take: Take, key: str):
        if key == "name":
            return take_name(take)
        if key == "duration":
            return format_duration(take.duration)
        if key == "flag":
            return FLAG_TEXT.get(take.flag, take.flag)
        if key == "rating":
            return "★" * take.rating
        if key == "audio_verdict":
            return VERDICT_TEXT.get(take.audio_verdict, take.audio_verdict)
        if key == "analysis":
            return analysis_summary(take.analysis_flags, take.analysis_measured_on)
        if key == "format":
            fps = f"{take.fps:.3g}" if take.fps else "?"
            return f"{take.display_width or take.width}×{take.display_height or take.height} · {fps} fps"
        return str(getattr(take, key))

    def waveform_path(self, take: Take) -> str:
        return str(self.cache_dir / take.waveform) if take.waveform else ""

    def _role(self, take: Take, role: int):
        if role == TakeRole.TAKE:
            return take
        if role == TakeRole.NAME:
            return take_name(take)
        if role == TakeRole.WAVEFORM_PATH:
            return self.waveform_path(take)
        field = ROLE_FIELDS.get(role)
        return getattr(take, field) if field else None
