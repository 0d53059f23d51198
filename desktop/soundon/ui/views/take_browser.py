"""The takes of the selection, as a thumbnail grid or a list (one model, one selection, two views),
with the filter and sort bar above them.

Grid cards show what a culling pass needs at a glance: the poster frame, the name, the model, the
length, the flag (green pick / red reject, rejects dimmed), the stars, the audio verdict, the
analysis warnings, and a sync badge on the picture when viewers would notice the sound's offset
against it (the inspector's thresholds, media/av_sync.py; none when the estimate can't tell).
"""
from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QStackedWidget, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
                               QTableView, QToolButton, QVBoxLayout, QWidget)

from soundon.core.timecode import format_duration
from soundon.core.translation import verdict as translation_verdict
from soundon.media.av_sync import noticed_offset
from soundon.ui.models.roles import TakeRole
from soundon.store.take_query import SORT_KEYS
from soundon.ui.models.take_model import ANALYSIS_TEXT, TakeListModel, take_name
from soundon.ui.theme import icon
from soundon.ui.views.card_grid import CardGrid
from soundon.ui.views.sync_field import BADGE_COLOURS

CARD = QSize(212, 196)
CARDS_KEPT = 120   # pictures of cards drawn (a screen holds a dozen or two)
THUMB = QSize(196, 110)
LIST_THUMB = QSize(48, 27)   # the list view's thumbnail column
PICK = QColor("#3fb950")
REJECT = QColor("#f85149")
STAR = QColor("#e3b341")
VERDICT = {"keep": ("KEEP AUDIO", QColor("#3fb950")), "replace": ("REPLACE AUDIO", QColor("#d29922"))}
SYNC_BADGE = tuple(QColor(c) for c in BADGE_COLOURS)
SEVERE = {"no_audio", "silent", "clipping", "mono_incompatible", "peak_over"}
TRANSLATION_BADGE = {"ok": "TRANSLATES", "level": "LEVEL", "problem": "WON'T TRANSLATE", "silent": "SILENT",
                     "no_audio": "NO AUDIO"}
TRANSLATION_COLOURS = {
    "ok": (QColor("#1f4d2b"), QColor("#7ee2a0")), "level": (QColor("#4d3b12"), QColor("#f2cc60")),
    "problem": (QColor("#5a1d1d"), QColor("#ffb4ab")), "silent": (QColor("#3a3e45"), QColor("#e6e9ed")),
    "no_audio": (QColor("#3a3e45"), QColor("#e6e9ed")),
}

FLAG_FILTERS = (("All flags", None), ("Picks", "pick"), ("Rejects", "reject"), ("Unflagged", "none"))
RATING_FILTERS = (("Any rating", 0), *((f"{'★' * n} or more", n) for n in range(1, 6)))
VERDICT_FILTERS = (("Any audio verdict", None), ("Keep native audio", "keep"), ("Replace audio", "replace"),
                   ("Undecided", "undecided"))
TRANSLATION_FILTERS = (("Any translation", None), ("Translates", "ok"), ("Level off target", "level"),
                       ("Won't translate", "problem"), ("Silent", "silent"), ("No audio", "no_audio"),
                       ("Not analysed yet", "unanalysed"))
SEARCH_AFTER_MS = 150   # typing pauses this long before the list follows (one query, not one per key)


class TakeCardDelegate(QStyledItemDelegate):
    """Draws a card once into a picture kept while what it shows stays the same: a scroll repaints
    the cards on screen, and a dozen pictures are copied in well under a millisecond."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._cards: OrderedDict[tuple, QPixmap] = OrderedDict()

    def sizeHint(self, option, index) -> QSize:  # noqa: N802 (Qt's name)
        return CARD

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        take = index.data(TakeRole.TAKE)   # one read of the row; the card draws its fields
        if take is None:
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        current = bool(option.state & QStyle.StateFlag.State_HasFocus)
        poster = index.data(Qt.ItemDataRole.DecorationRole)
        size = option.rect.size()
        key = (take.id, take.rel_path, take.model, take.duration, take.flag, take.rating, take.audio_verdict,
               take.analysis_flags, take.analysis_measured_on, take.av_offset_ms, selected, current,
               poster.cacheKey() if poster is not None else 0, size.width(), size.height())
        card = self._cards.get(key)
        if card is None:
            ratio = painter.device().devicePixelRatioF()
            card = QPixmap(size * ratio)
            card.setDevicePixelRatio(ratio)
            card.fill(Qt.GlobalColor.transparent)
            card_painter = QPainter(card)
            self._draw(card_painter, QRect(QPoint(0, 0), size), take, poster, selected, current)
            card_painter.end()
            self._cards[key] = card
            while len(self._cards) > CARDS_KEPT:
                self._cards.popitem(last=False)
        else:
            self._cards.move_to_end(key)
        painter.drawPixmap(option.rect.topLeft(), card)

    @staticmethod
    def _draw(painter: QPainter, cell: QRect, take, pixmap, selected: bool, current: bool) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = cell.adjusted(4, 4, -4, -4)
        flag = take.flag
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#2c4a6e") if selected else QColor("#24272c"))
        painter.drawRoundedRect(rect, 4, 4)
        if current:
            painter.setPen(QPen(QColor("#7fb3ee"), 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 4, 4)
        # Poster frame, letterboxed into the card.
        thumb_box = QRect(rect.left() + 4, rect.top() + 4, THUMB.width(), THUMB.height())
        painter.fillRect(thumb_box, QColor("#000000"))
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(thumb_box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(thumb_box.center())
            painter.setOpacity(0.35 if flag == "reject" else 1.0)
            painter.drawPixmap(target, pixmap)
            painter.setOpacity(1.0)
        if flag in ("pick", "reject"):
            colour = PICK if flag == "pick" else REJECT
            painter.fillRect(QRect(thumb_box.left(), thumb_box.top(), thumb_box.width(), 4), colour)
            badge = QRect(thumb_box.left() + 4, thumb_box.top() + 8, 58, 18)
            painter.setBrush(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge, 3, 3)
            painter.setPen(QColor("#0d0f12"))
            painter.setFont(_font(8, bold=True)[0])
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "PICK" if flag == "pick" else "REJECT")
        noticed = noticed_offset(take.av_offset_ms)
        if noticed:
            font, metrics = _font(8, bold=True)
            painter.setFont(font)
            text = noticed.upper()
            badge = QRect(0, 0, metrics.horizontalAdvance(text) + 10, 18)
            badge.moveTopRight(thumb_box.topRight() + QPoint(-4, 8))
            painter.setBrush(SYNC_BADGE[0])
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(badge, 3, 3)
            painter.setPen(SYNC_BADGE[1])
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        # Duration in the corner of the picture, as in NLE bins.
        duration = format_duration(take.duration or 0)
        font, metrics = _font(8)
        painter.setFont(font)
        box = QRect(0, 0, metrics.horizontalAdvance(duration) + 8, 16)
        box.moveBottomRight(thumb_box.bottomRight() - QPoint(4, 4))
        painter.fillRect(box, QColor(0, 0, 0, 170))
        painter.setPen(QColor("#e6e9ed"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, duration)
        # Text lines under the picture.
        x, y, width = rect.left() + 6, thumb_box.bottom() + 6, rect.width() - 12
        font, metrics = _font(9, bold=True)
        painter.setFont(font)
        painter.setPen(QColor("#e6e9ed"))
        name = metrics.elidedText(take_name(take), Qt.TextElideMode.ElideMiddle, width)
        painter.drawText(QRect(x, y, width, 16), Qt.AlignmentFlag.AlignLeft, name)
        painter.setFont(_font(8)[0])
        painter.setPen(QColor("#aab1bb"))
        painter.drawText(QRect(x, y + 17, width, 14), Qt.AlignmentFlag.AlignLeft, take.model or "unknown model")
        rating = take.rating or 0
        painter.setFont(_font(10)[0])
        painter.setPen(STAR)
        painter.drawText(QRect(x, y + 31, 90, 16), Qt.AlignmentFlag.AlignLeft, "★" * rating)
        painter.setPen(QColor("#3a3e45"))
        painter.drawText(QRect(x + 11 * rating, y + 31, 90, 16), Qt.AlignmentFlag.AlignLeft, "☆" * (5 - rating))
        verdict = VERDICT.get(take.audio_verdict or "")
        if verdict:
            painter.setFont(_font(7, bold=True)[0])
            painter.setPen(verdict[1])
            painter.drawText(QRect(x + 80, y + 33, width - 80, 14), Qt.AlignmentFlag.AlignRight, verdict[0])
        flags = take.analysis_flags
        if flags is not None:
            font, metrics = _font(7, bold=True)
            painter.setFont(font)
            chip_x = x
            # The translation verdict first (green when the take translates), then what earned it.
            state = translation_verdict(flags)
            text = TRANSLATION_BADGE[state]
            if take.analysis_measured_on == "post mix":
                text += " · POST MIX"      # the report is of the post mix the export writes
            chip_w = metrics.horizontalAdvance(text) + 8
            chip = QRect(chip_x, y + 49, chip_w, 14)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(TRANSLATION_COLOURS[state][0])
            painter.drawRoundedRect(chip, 2, 2)
            painter.setPen(TRANSLATION_COLOURS[state][1])
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            chip_x += chip_w + 4
            for name in [f for f in flags if f not in ("no_audio", "silent")][:3]:
                text = ANALYSIS_TEXT.get(name, name).upper()
                chip_w = metrics.horizontalAdvance(text) + 8
                if chip_x + chip_w > x + width:
                    break
                chip = QRect(chip_x, y + 49, chip_w, 14)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor("#5a1d1d") if name in SEVERE else QColor("#4d3b12"))
                painter.drawRoundedRect(chip, 2, 2)
                painter.setPen(QColor("#ffb4ab") if name in SEVERE else QColor("#f2cc60"))
                painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
                chip_x += chip_w + 4
        painter.restore()


_FONTS: dict[tuple[int, bool], tuple[QFont, QFontMetrics]] = {}


def _font(points: int, bold: bool = False) -> tuple[QFont, QFontMetrics]:
    """A card's font and its metrics, made once: a scroll paints a dozen cards in a few milliseconds."""
    found = _FONTS.get((points, bold))
    if found is None:
        font = QFont()
        font.setPointSize(points)
        font.setBold(bold)
        found = _FONTS[(points, bold)] = (font, QFontMetrics(font))
    return found


class TakeGrid(CardGrid):
    """The cards, placed by arithmetic (ui/views/card_grid.py): a sort of 50,000 takes moves no
    card rectangles around."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(CARD, CARD + QSize(4, 4), margin=2, parent=parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setItemDelegate(TakeCardDelegate(self))

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 (Qt's name)
        """No type-ahead: letters are the window's review keys."""


class ThumbnailNameDelegate(QStyledItemDelegate):
    """The list's first column: the poster frame fitted into one fixed box, then the name. A poster
    drawn at its own size (portrait, square, wide) spilled into the next rows."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.decorationSize = LIST_THUMB   # the icon scales down into it, keeping its shape


class TakeTable(QTableView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(LIST_THUMB.height() + 4)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.setIconSize(LIST_THUMB)
        self.setItemDelegateForColumn(0, ThumbnailNameDelegate(self))
        self.setSortingEnabled(False)  # the sort menu decides; header clicks would fight it

    def keyboardSearch(self, search: str) -> None:  # noqa: N802 (Qt's name)
        """No type-ahead: letters are the window's review keys."""


class SearchField(QLineEdit):
    """The search box. Esc clears it and goes back to the takes (Esc elsewhere leaves Compare)."""

    escaped = Signal()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Escape:
            event.accept()   # this Esc is the field's, not the window's
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class TakeBrowser(QWidget):
    """Filter bar + grid/list of the visible takes."""

    view_mode_changed = Signal(str)   # 'grid' | 'list'

    def __init__(self, takes: TakeListModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.takes = takes
        self.grid = TakeGrid(self)
        self.table = TakeTable(self)
        self.grid.setModel(takes)
        self.table.setModel(takes)
        self.table.setSelectionModel(self.grid.selectionModel())  # one selection for both views
        self.table.setColumnWidth(0, 260)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.grid)
        self.stack.addWidget(self.table)

        self.model_filter = self._combo("Show takes of one model")
        self.flag_filter = self._combo("Show picks, rejects or unflagged takes", FLAG_FILTERS)
        self.rating_filter = self._combo("Show takes rated at least …", RATING_FILTERS)
        self.verdict_filter = self._combo("Show takes by audio verdict", VERDICT_FILTERS)
        self.translation_filter = self._combo("Show takes by how their audio translates", TRANSLATION_FILTERS)
        self.search = SearchField(self)
        self.search.setPlaceholderText("Search")
        self.search.setToolTip("Find takes (Ctrl+F) by prompt words, file name, model or note text (every word, "
                               "as a prefix). Esc clears it.")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(72)
        self._search_soon = QTimer(self, singleShot=True, interval=SEARCH_AFTER_MS)
        self._search_soon.timeout.connect(lambda: takes.update_filter(search=self.search.text().strip()))
        self.sort_by = self._combo("Sort takes by", tuple((f"Sort: {label}", key) for key, label in SORT_KEYS.items()))
        self.sort_order = QToolButton(self)
        self.sort_order.setCheckable(True)
        self.sort_order.setText("↑")
        self.sort_order.setToolTip("Ascending / descending")
        self.sort_order.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.count = QLabel(self)
        self.count.setObjectName("fieldName")
        self.view_toggle = QToolButton(self)   # the window gives it the Grid / List action
        self.view_toggle.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view_toggle.setAutoRaise(True)

        bar = QHBoxLayout()
        bar.setContentsMargins(6, 4, 6, 4)
        bar.addWidget(self.search)
        for widget in (self.model_filter, self.flag_filter, self.rating_filter, self.verdict_filter,
                       self.translation_filter, self.sort_by):
            bar.addWidget(widget)
        bar.addWidget(self.sort_order)
        bar.addStretch(1)
        bar.addWidget(self.count)
        bar.addWidget(self.view_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(self.stack)

        self.model_filter.currentIndexChanged.connect(lambda *_: takes.update_filter(model=self.model_filter.currentData()))
        self.flag_filter.currentIndexChanged.connect(lambda *_: takes.update_filter(flag=self.flag_filter.currentData()))
        self.rating_filter.currentIndexChanged.connect(
            lambda *_: takes.update_filter(min_rating=self.rating_filter.currentData() or 0))
        self.verdict_filter.currentIndexChanged.connect(
            lambda *_: takes.update_filter(audio_verdict=self.verdict_filter.currentData()))
        self.translation_filter.currentIndexChanged.connect(
            lambda *_: takes.update_filter(translation=self.translation_filter.currentData()))
        self.search.textChanged.connect(lambda *_: self._search_soon.start())
        self.search.returnPressed.connect(self._search_now)
        self.search.escaped.connect(lambda: (self.search.clear(), self._search_now()))
        self.sort_by.currentIndexChanged.connect(lambda *_: self._apply_sort())
        self.sort_order.toggled.connect(lambda *_: self._apply_sort())
        for signal in (takes.rowsInserted, takes.rowsRemoved, takes.modelReset, takes.layoutChanged, takes.filter_changed):
            signal.connect(self._update_count)
        takes.modelReset.connect(self.refresh_models)
        takes.takes_added.connect(lambda *_: self.refresh_models())
        takes.groups_changed.connect(self.refresh_models)
        self.refresh_models()
        self._update_count()

    def _combo(self, tooltip: str, items=()) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tooltip)
        combo.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        # Narrow enough that the window fits a 1280-pixel laptop screen with both side panels open.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        for label, value in items:
            combo.addItem(label, value)
        return combo

    def focus_search(self) -> None:
        """Ctrl+F: into the search field, its text selected to be typed over."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_now(self) -> None:
        """Enter: search at once and go back to the takes, where the review keys work."""
        self._search_soon.stop()
        self.takes.update_filter(search=self.search.text().strip())
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def refresh_models(self) -> None:
        """The model filter lists the models in the library (kept selected across refreshes)."""
        wanted = self.model_filter.currentData()
        names = self.takes.models()
        if [self.model_filter.itemData(i) for i in range(1, self.model_filter.count())] == names:
            return
        self.model_filter.blockSignals(True)
        self.model_filter.clear()
        self.model_filter.addItem("All models", None)
        for name in names:
            self.model_filter.addItem(name, name)
        self.model_filter.setCurrentIndex(max(0, self.model_filter.findData(wanted)) if wanted else 0)
        self.model_filter.blockSignals(False)

    def _apply_sort(self) -> None:
        descending = self.sort_order.isChecked()
        self.sort_order.setText("↓" if descending else "↑")
        self.takes.set_sort(self.sort_by.currentData(),
                            Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder)

    def _update_count(self, *_args) -> None:
        shown, total = self.takes.rowCount(), self.takes.total()
        self.count.setText(f"{shown} of {total} takes" if shown != total else f"{total} takes")

    # -- views --------------------------------------------------------------------------------------

    def set_view_mode(self, mode: str) -> None:
        self.stack.setCurrentWidget(self.grid if mode == "grid" else self.table)
        self.view_toggle.setIcon(icon("list" if mode == "grid" else "grid"))
        self.view_mode_changed.emit(mode)

    def view_mode(self) -> str:
        return "grid" if self.stack.currentWidget() is self.grid else "list"

    @property
    def view(self) -> QAbstractItemView:
        return self.stack.currentWidget()

    @property
    def selection_model(self):
        return self.grid.selectionModel()
