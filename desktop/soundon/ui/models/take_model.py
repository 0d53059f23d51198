"""The takes the browser shows, in its order, as a Qt table model: one row per take, named columns,
custom roles.

A library of 50,000 takes is never loaded whole. The model holds only the ids the library lists for
the current scope, filters, search and sort (one SQL query, store/take_query.py), and reads the rows
a view asks for a page at a time into a bounded cache. It follows the library's change signal: a
review decision or an analysis refreshes that take's row, and asks again for the order when the
change can move the take (a flag while showing picks only, a rating while sorted by rating); rows
that leave or join keep the selection and the current take where they survive.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import replace

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor

from soundon.core.take import Take
from soundon.core.timecode import format_duration
from soundon.store.library import Library
from soundon.store.take_query import SORT_KEYS, TakeFilter
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
               TakeRole.MEASURED_ON: "analysis_measured_on", TakeRole.AV_OFFSET_MS: "av_offset_ms"}
FLAG_TEXT = {"pick": "Pick", "reject": "Reject", "none": ""}
VERDICT_TEXT = {"keep": "Keep native", "replace": "Replace", "undecided": ""}
FLAG_COLOUR = {"pick": QColor("#3fb950"), "reject": QColor("#f85149")}

# Analysis flags in the editor's words (DESIGN.md "Translation metrics").
ANALYSIS_TEXT = {
    "no_audio": "no audio", "silent": "silent", "clipping": "clipping",
    "mono_incompatible": "mono problem", "bass_dependent": "bass-dependent",
    "dialogue_lost_in_noise": "dialogue lost in noise", "too_quiet": "too quiet",
    "too_loud": "too loud", "peak_over": "peak over",
}


def take_name(take: Take) -> str:
    return take.rel_path.rsplit("/", 1)[-1]


def analysis_summary(flags: list[str] | None, measured_on: str | None = None) -> str:
    """The flags in words; a report of a replace take's post mix says so."""
    if flags is None:
        return ""
    text = ", ".join(ANALYSIS_TEXT.get(f, f) for f in flags) if flags else "OK"
    return f"{text} (post mix)" if measured_on == "post mix" else text


PAGE = 64             # rows read at once around the one a view asks for (a few milliseconds)
CACHED_TAKES = 3000   # rows kept; a screen shows a few dozen
RUNS_AT_MOST = 64     # rows leaving in more runs than this: one layout change, not a signal per run

# What a kind of library change can alter in the order or the membership of the list.
_MOVES = {
    "review": lambda f, sort: f.flag is not None or f.min_rating or f.audio_verdict is not None or sort == "rating",
    "analysis": lambda f, sort: f.translation is not None,
    "metadata": lambda f, sort: f.model is not None or f.prompt_group is not None or bool(f.search) or sort == "model",
    "notes": lambda f, sort: bool(f.search),
    "swap": lambda f, sort: f.audio_verdict is not None,
}


class TakeListModel(QAbstractTableModel):
    takes_added = Signal(list)  # take ids new to the library (the tree recounts)
    groups_changed = Signal()   # takes changed model or prompt group (the tree regroups)
    filter_changed = Signal()   # the scope, a filter, the search or the sort changed

    def __init__(self, library: Library, bridge: LibraryBridge, parent: QObject | None = None):
        super().__init__(parent)
        self.library = library
        self.cache_dir = library.cache_dir
        self.thumbnails = ThumbnailCache(self.cache_dir, parent=self)
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        self._filter = TakeFilter()
        self._sort_key = "name"
        self._descending = False
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._cache: OrderedDict[int, Take] = OrderedDict()
        self._total = 0
        self._models: list[str] | None = None
        bridge.changed.connect(self._library_changed)
        self.reload()

    # -- what is listed ---------------------------------------------------------------------------

    @property
    def take_filter(self) -> TakeFilter:
        return self._filter

    def set_filter(self, take_filter: TakeFilter) -> None:
        if take_filter == self._filter:
            return
        self._filter = take_filter
        self._show(self._query())
        self.filter_changed.emit()

    def update_filter(self, **changes) -> None:
        self.set_filter(replace(self._filter, **changes))

    @property
    def sort_key(self) -> str:
        return self._sort_key

    def set_sort(self, key: str, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        self._sort_key, self._descending = key, order == Qt.SortOrder.DescendingOrder
        self._show(self._query())
        self.filter_changed.emit()

    def reload(self) -> None:
        self.beginResetModel()
        self._cache.clear()
        self._models = None
        self._total = self.library.take_count()
        self._set_ids(self._query())
        self.endResetModel()

    def _query(self) -> list[int]:
        return self.library.take_ids(self._filter, self._sort_key, self._descending)

    def _set_ids(self, ids: list[int]) -> None:
        self._ids = ids
        self._row_of = dict(zip(ids, range(len(ids))))

    def _show(self, ids: list[int]) -> None:
        """List these ids, with the signals that keep the views' selection and current take."""
        old = self._ids
        if ids == old:
            return
        if ids[:len(old)] == old:                      # takes added at the end (an import)
            self.beginInsertRows(QModelIndex(), len(old), len(ids) - 1)
            self._set_ids(ids)
            self.endInsertRows()
            return
        staying = set(ids)
        if len(ids) < len(old) and [i for i in old if i in staying] == ids:   # takes left, the rest in order
            runs = _runs([row for row, take_id in enumerate(old) if take_id not in staying])
            if len(runs) <= RUNS_AT_MOST:
                for first, last in reversed(runs):
                    self.beginRemoveRows(QModelIndex(), first, last)
                    self._set_ids(self._ids[:first] + self._ids[last + 1:])
                    self.endRemoveRows()
                return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        was = [old[index.row()] if 0 <= index.row() < len(old) else None for index in persistent]
        self._set_ids(ids)
        self.changePersistentIndexList(persistent, [
            self.index(self._row_of[take_id], index.column()) if take_id in self._row_of else QModelIndex()
            for take_id, index in zip(was, persistent)])
        self.layoutChanged.emit()

    def _library_changed(self, kind: str, ids: list[int]) -> None:
        for take_id in ids:
            self._cache.pop(take_id, None)
        if kind == "takes":
            self._total = self.library.take_count()
            self._models = None
            self._show(self._query())
            self._refresh_rows(ids)
            self.takes_added.emit(list(ids))
            return
        if kind not in _MOVES:
            self.reload()   # something structural (a batch re-linked, renamed or removed)
            return
        if kind == "metadata":
            self._models = None
        if _MOVES[kind](self._filter, self._sort_key):
            self._show(self._query())
        self._refresh_rows(ids)
        if kind == "metadata":
            self.groups_changed.emit()   # a model or prompt group changed: the tree and filters follow

    def refresh_take(self, take_id: int) -> None:
        self._cache.pop(take_id, None)
        self._refresh_rows([take_id])

    def _refresh_rows(self, take_ids: list[int]) -> None:
        for take_id in take_ids:
            row = self._row_of.get(take_id)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    # -- reading rows -----------------------------------------------------------------------------

    def take_at(self, row: int) -> Take | None:
        """The take in this row, read with its neighbours when it isn't cached (None: it was removed
        from the library behind the view's back; the next change reloads)."""
        take_id = self._ids[row]
        take = self._cache.get(take_id)
        if take is not None:
            self._cache.move_to_end(take_id)
            return take
        first = max(0, row - PAGE // 4)   # mostly ahead: views scroll down more than up
        wanted = [i for i in self._ids[first:first + PAGE] if i not in self._cache]
        self._cache.update(self.library.takes_by_ids(wanted))
        while len(self._cache) > CACHED_TAKES:
            self._cache.popitem(last=False)
        return self._cache.get(take_id)

    def take(self, take_id: int) -> Take | None:
        """Any take of the library, shown or not."""
        row = self._row_of.get(take_id)
        if row is not None:
            return self.take_at(row)
        return self.library.take(take_id)

    def row_of(self, take_id: int) -> int | None:
        return self._row_of.get(take_id)

    def take_ids(self) -> list[int]:
        """The listed takes, in view order."""
        return list(self._ids)

    def total(self) -> int:
        """Takes in the library, listed or not."""
        return self._total

    def models(self) -> list[str]:
        """Every model name in the library (for the filter menu), A–Z."""
        if self._models is None:
            self._models = self.library.models()
        return self._models

    def waveform_path(self, take: Take) -> str:
        return str(self.cache_dir / take.waveform) if take.waveform else ""

    def _thumbnail_loaded(self, file_name: str) -> None:
        for take_id, take in self._cache.items():
            row = self._row_of.get(take_id)
            if take.thumbnail == file_name and row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- Qt's model interface -----------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section][1]
        return None

    def flags(self, index: QModelIndex):
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        take = self.take_at(index.row())
        if take is None:
            return None
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

    def _role(self, take: Take, role: int):
        if role == TakeRole.TAKE:
            return take
        if role == TakeRole.NAME:
            return take_name(take)
        if role == TakeRole.WAVEFORM_PATH:
            return self.waveform_path(take)
        field = ROLE_FIELDS.get(role)
        return getattr(take, field) if field else None


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Ascending rows as (first, last) runs of neighbours."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs
