"""A grid of same-size cards over a list model, laid out by arithmetic.

QListView's icon mode keeps a rectangle per item and lays every one of them out again on each
reset, reorder and resize: at 50,000 takes that is seconds of the GUI thread for a sort. Here a
card's place is its row: column = row % columns, line = row // columns, so nothing depends on how
many takes are listed, and only the cards on screen are ever asked for (painted, hit-tested,
selected by a rubber band).
"""
from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QRegion
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QWidget

Cursor = QAbstractItemView.CursorAction


class CardGrid(QAbstractItemView):
    """Cards of `card` size, each in a cell of `cell` size, left to right then down."""

    def __init__(self, card: QSize, cell: QSize, margin: int = 2, parent: QWidget | None = None):
        super().__init__(parent)
        self.card = card
        self.cell = cell
        self.margin = margin
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A card is a whole take: the list view shares this selection and reads it by rows
        # (selectedRows), which counts a row only when all its columns are selected.
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)

    # -- the arithmetic ---------------------------------------------------------------------------------

    def _count(self) -> int:
        model = self.model()
        return model.rowCount(self.rootIndex()) if model is not None else 0

    def columns(self) -> int:
        return max(1, (self.viewport().width() - 2 * self.margin) // self.cell.width())

    def _lines(self) -> int:
        return -(-self._count() // self.columns())

    def _cell_at(self, row: int) -> QRect:
        """The row's cell in content coordinates (not scrolled)."""
        columns = self.columns()
        return QRect(self.margin + (row % columns) * self.cell.width(),
                     self.margin + (row // columns) * self.cell.height(), self.cell.width(), self.cell.height())

    def _card_in(self, cell: QRect) -> QRect:
        card = QRect(QPoint(0, 0), self.card)
        card.moveCenter(cell.center())
        return card

    def _rows_in(self, rect: QRect) -> list[tuple[int, int]]:
        """(first, last) rows of each line of cells the viewport rectangle touches."""
        count = self._count()
        if count == 0 or rect.isEmpty():
            return []
        columns, top = self.columns(), self.verticalOffset()
        first_line = max(0, (rect.top() + top - self.margin) // self.cell.height())
        last_line = min(self._lines() - 1, (rect.bottom() + top - self.margin) // self.cell.height())
        first_column = max(0, (rect.left() - self.margin) // self.cell.width())
        last_column = min(columns - 1, (rect.right() - self.margin) // self.cell.width())
        spans = []
        for line in range(first_line, last_line + 1):
            first, last = line * columns + first_column, min(count - 1, line * columns + last_column)
            if first <= last:
                spans.append((first, last))
        return spans

    # -- QAbstractItemView ----------------------------------------------------------------------------

    def visualRect(self, index: QModelIndex) -> QRect:  # noqa: N802 (Qt's names, here and below)
        if not index.isValid() or index.parent() != self.rootIndex():
            return QRect()
        return self._card_in(self._cell_at(index.row())).translated(0, -self.verticalOffset())

    def indexAt(self, point: QPoint) -> QModelIndex:
        for first, last in self._rows_in(QRect(point, QSize(1, 1))):
            for row in range(first, last + 1):
                if self.visualRect(self.model().index(row, 0, self.rootIndex())).contains(point):
                    return self.model().index(row, 0, self.rootIndex())
        return QModelIndex()

    def scrollTo(self, index: QModelIndex, hint=QAbstractItemView.ScrollHint.EnsureVisible) -> None:
        if not index.isValid():
            return
        cell = self._cell_at(index.row())
        bar, height = self.verticalScrollBar(), self.viewport().height()
        Hint = QAbstractItemView.ScrollHint
        if hint == Hint.PositionAtTop:
            bar.setValue(cell.top())
        elif hint == Hint.PositionAtBottom:
            bar.setValue(cell.bottom() - height + 1)
        elif hint == Hint.PositionAtCenter:
            bar.setValue(cell.center().y() - height // 2)
        elif cell.top() < bar.value():
            bar.setValue(cell.top())
        elif cell.bottom() > bar.value() + height:
            bar.setValue(cell.bottom() - height + 1)

    def moveCursor(self, action, modifiers) -> QModelIndex:
        count = self._count()
        if count == 0:
            return QModelIndex()
        current = self.currentIndex()
        row = current.row() if current.isValid() else 0
        columns = self.columns()
        page = max(1, self.viewport().height() // self.cell.height()) * columns
        moves = {Cursor.MoveLeft: row - 1, Cursor.MovePrevious: row - 1, Cursor.MoveRight: row + 1,
                 Cursor.MoveNext: row + 1, Cursor.MoveUp: row - columns, Cursor.MoveDown: row + columns,
                 Cursor.MovePageUp: row - page, Cursor.MovePageDown: row + page,
                 Cursor.MoveHome: 0, Cursor.MoveEnd: count - 1}
        wanted = moves.get(action, row)
        if not current.isValid():
            wanted = 0
        elif action in (Cursor.MoveUp, Cursor.MoveDown) and not 0 <= wanted < count:
            wanted = row   # no line above or below: stay, as the icon view did
        return self.model().index(min(max(wanted, 0), count - 1), 0, self.rootIndex())

    def horizontalOffset(self) -> int:
        return 0

    def verticalOffset(self) -> int:
        return self.verticalScrollBar().value()

    def isIndexHidden(self, index: QModelIndex) -> bool:
        return False

    def setSelection(self, rect: QRect, command) -> None:
        selection = QItemSelection()
        model, root = self.model(), self.rootIndex()
        for first, last in self._rows_in(rect.normalized()):
            selection.select(model.index(first, 0, root), model.index(last, 0, root))
        self.selectionModel().select(selection, command | QItemSelectionModel.SelectionFlag.Rows)

    def visualRegionForSelection(self, selection: QItemSelection) -> QRegion:
        region = QRegion()
        shown = self._rows_in(self.viewport().rect())
        if not shown:
            return region
        first_shown, last_shown = shown[0][0], shown[-1][1]
        model, root = self.model(), self.rootIndex()
        for selected in selection:
            for row in range(max(selected.top(), first_shown), min(selected.bottom(), last_shown) + 1):
                region += self.visualRect(model.index(row, 0, root))
        return region

    def updateGeometries(self) -> None:
        bar = self.verticalScrollBar()
        content = self._lines() * self.cell.height() + 2 * self.margin
        bar.setRange(0, max(0, content - self.viewport().height()))
        bar.setPageStep(self.viewport().height())
        bar.setSingleStep(max(1, self.cell.height() // 4))
        super().updateGeometries()

    # -- the model changing: only the scroll range follows (the cards are placed by arithmetic) -----

    def setModel(self, model) -> None:  # noqa: N802
        super().setModel(model)
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self._relaid)

    def _relaid(self, *_args) -> None:
        self.updateGeometries()
        self.viewport().update()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.viewport().update()   # the column count may have changed: every card moves

    # -- painting: the cards on screen only --------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802
        model = self.model()
        if model is None:
            return
        painter = QPainter(self.viewport())
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        selection, current, root = self.selectionModel(), self.currentIndex(), self.rootIndex()
        focused = self.hasFocus() or self.viewport().hasFocus()
        delegate = self.itemDelegate()
        base_state = option.state
        for first, last in self._rows_in(event.rect()):
            for row in range(first, last + 1):
                index = model.index(row, 0, root)
                option.rect = self.visualRect(index)
                state = base_state
                if selection is not None and selection.isSelected(index):
                    state |= QStyle.StateFlag.State_Selected
                if index == current and focused:
                    state |= QStyle.StateFlag.State_HasFocus
                option.state = state
                delegate.paint(painter, option, index)
        painter.end()

