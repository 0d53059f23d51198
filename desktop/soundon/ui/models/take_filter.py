"""Which takes the browser shows, and in what order: scope (batch, prompt group), filters (model,
flag, rating ≥ N, audio verdict) and the sort keys editors use (name, model, rating, duration).

Ties always fall back to the take's name, so the order is stable and ↑/↓ walk it predictably.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal

from soundon.ui.models.take_model import TakeListModel, take_name

SORT_KEYS = {
    "name": "Name",
    "model": "Model",
    "rating": "Rating",
    "duration": "Duration",
}


@dataclass(frozen=True)
class TakeFilter:
    batch: str | None = None          # None: every batch
    prompt_group: str | None = None   # None: every group of the batch
    model: str | None = None
    flag: str | None = None           # 'pick' | 'reject' | 'none'
    min_rating: int = 0
    audio_verdict: str | None = None  # 'keep' | 'replace' | 'undecided'

    def accepts(self, take: Take) -> bool:
        return ((self.batch is None or take.batch == self.batch)
                and (self.prompt_group is None or take.prompt_group == self.prompt_group)
                and (self.model is None or take.model == self.model)
                and (self.flag is None or take.flag == self.flag)
                and take.rating >= self.min_rating
                and (self.audio_verdict is None or take.audio_verdict == self.audio_verdict))


def _sort_value(take: Take, key: str):
    if key == "model":
        return take.model.casefold()
    if key == "rating":
        return take.rating
    if key == "duration":
        return take.duration
    return ""


class TakeFilterProxy(QSortFilterProxyModel):
    filter_changed = Signal()

    def __init__(self, source: TakeListModel, parent: QObject | None = None):
        super().__init__(parent)
        self.setSourceModel(source)
        self._filter = TakeFilter()
        self._sort_key = "name"
        self.setDynamicSortFilter(True)
        self.sort(0, Qt.SortOrder.AscendingOrder)

    @property
    def take_filter(self) -> TakeFilter:
        return self._filter

    def set_filter(self, take_filter: TakeFilter) -> None:
        if take_filter == self._filter:
            return
        if hasattr(self, "beginFilterChange"):  # Qt 6.9+: the non-deprecated way
            self.beginFilterChange()
            self._filter = take_filter
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self._filter = take_filter
            self.invalidateRowsFilter()
        self.filter_changed.emit()

    def update_filter(self, **changes) -> None:
        self.set_filter(replace(self._filter, **changes))

    @property
    def sort_key(self) -> str:
        return self._sort_key

    def set_sort(self, key: str, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if key not in SORT_KEYS:
            raise ValueError(f"unknown sort key {key!r}")
        self._sort_key = key
        self.invalidate()
        self.sort(0, order)

    # -- QSortFilterProxyModel ----------------------------------------------------------------------

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        return self._filter.accepts(self.sourceModel().take_at(source_row))

    def lessThan(self, left: QModelIndex, right: QModelIndex) -> bool:  # noqa: N802
        source = self.sourceModel()
        a, b = source.take_at(left.row()), source.take_at(right.row())
        va, vb = _sort_value(a, self._sort_key), _sort_value(b, self._sort_key)
        if va != vb:
            return va < vb
        na, nb = take_name(a).casefold(), take_name(b).casefold()
        if na != nb:
            return na < nb
        return a.id < b.id

    # -- helpers ------------------------------------------------------------------------------------

    def take_ids(self) -> list[int]:
        """The visible takes, in view order."""
        source = self.sourceModel()
        return [source.take_at(self.mapToSource(self.index(r, 0)).row()).id for r in range(self.rowCount())]

    def row_of(self, take_id: int) -> int | None:
        source_row = self.sourceModel().row_of(take_id)
        if source_row is None:
            return None
        index = self.mapFromSource(self.sourceModel().index(source_row, 0))
        return index.row() if index.isValid() else None

    def models(self) -> list[str]:
        """Every model name in the library (for the filter menu), A–Z."""
        return sorted({t.model for t in self.sourceModel().rows() if t.model}, key=str.casefold)
