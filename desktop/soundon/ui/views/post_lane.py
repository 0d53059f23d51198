"""The post lane under the picture: the take's native waveform over its post track's, on one
timeline, the post waveform drawn where the swap will lay it (offset, fit, fades, from the same
Timing the swap uses), and the controls of the swap spec beside an offset readout in ms and frames.

Drag the post waveform sideways to slip it, and the small handles at its top corners to lengthen
or shorten its fade-in and fade-out; the offset, fit, fades, level and bed are also edited in the
row below. The lane holds no decision: every edit is offered as a whole new spec (`spec_edited`)
and the lane shows what it is told the library holds (`set_track`), so an edit refused or undone
puts the lane back by itself.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QAction, QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QSizePolicy, QSlider, QToolButton,
                               QVBoxLayout, QWidget)

from soundon.core.swap_spec import (BED_RANGE, FADE_LIMIT_S, GAIN_RANGE, LUFS_RANGE, OFFSET_LIMIT_S, Level, SwapSpec,
                                    SwapSpecError)
from soundon.core.swap_timing import Timing, plan_timing
from soundon.core.targets import TARGETS
from soundon.core.timecode import DEFAULT_FPS
from soundon.ui.player.scrub_bar import BACKGROUND, MARK_EDGE, MARK_FILL, PLAYHEAD, WAVE_COLOUR

POST_PEAK_RATE = 1000          # post peaks per second: a 1 ms slip moves the drawing
POST_COLOUR = QColor("#e0a050")
POST_DRAGGING = QColor("#f3c27a")
TRACK_FILL = QColor(224, 160, 80, 28)
FADE_EDGE = QColor("#ffcc33")
ROW_LABEL = QColor("#8a9099")
REFUSAL = QColor("#ff8a80")
LANE_HEIGHT = 84
HANDLE = 6                     # a fade handle's side, px
HANDLE_REACH = 7               # how near a press must be to a handle to take it, px
FITS_SHOWN = (("trim+pad", "Trim + pad"), ("trim", "Trim"), ("pad", "Pad"), ("loop", "Loop"))
BED_OFF = BED_RANGE[0] - 1     # the slider's leftmost notch: no native audio under the post track
AUTO_FADE = -1.0               # the fade boxes' lowest value: the swap's automatic fade


def offset_readout(offset_s: float, fps: float) -> str:
    """'+120.0 ms · +3.00 frames': the offset as the editor slips it, in both units."""
    return f"{offset_s * 1000:+.1f} ms · {offset_s * fps:+.2f} frames"


def placed_peaks(track_peaks: np.ndarray, timing: Timing, duration_s: float) -> np.ndarray:
    """The post track's peaks on the take's timeline (POST_PEAK_RATE a second): silent where the
    track is not heard, scaled by the fades, repeated where it loops."""
    step = timing.rate // POST_PEAK_RATE
    k = np.arange(int(np.ceil(duration_s * POST_PEAK_RATE))) * step      # output samples
    audible = (k >= timing.delay) & (k < timing.audible_end)
    source = k - timing.delay + timing.skip
    if timing.loop:
        source %= timing.track_samples
    index = np.minimum(source // step, len(track_peaks) - 1)
    audible &= (source >= 0) & (source < timing.track_samples)
    out = np.where(audible, track_peaks[np.clip(index, 0, None)].astype(np.float32), 0.0)
    for fade, rising in ((timing.fade_in, True), (timing.fade_out, False)):
        if fade:
            ramp = np.clip((k - fade.start) / fade.length, 0.0, 1.0)
            out *= ramp if rising else 1.0 - ramp
    return out


def _columns(peaks: np.ndarray, width: int) -> np.ndarray:
    edges = np.minimum(np.linspace(0, len(peaks), width + 1).astype(int), len(peaks) - 1)
    return np.maximum.reduceat(peaks, edges[:-1])


def _wave_image(columns: np.ndarray, height: int, colour: QColor) -> QImage:
    width = len(columns)
    half = height / 2 - 2
    heights = np.where(columns > 0, np.maximum(0.5, columns.astype(np.float32) * half), 0.0)
    rows = np.arange(height, dtype=np.float32)[:, None] + 0.5
    mask = np.abs(rows - height / 2) <= heights[None, :]
    pixels = np.zeros((height, width, 4), dtype=np.uint8)
    pixels[mask] = (colour.red(), colour.green(), colour.blue(), 255)
    return QImage(pixels.data, width, height, width * 4, QImage.Format.Format_RGBA8888).copy()


@dataclass
class _Drag:
    """A drag in the post row: of the track (field 'offset') or of a fade handle ('fade_in', 'fade_out')."""
    field: str
    from_x: float
    base: float        # the field's value when the drag started, seconds
    low: float
    high: float
    value: float


class LaneTimeline(QWidget):
    """The two waveforms. Dragging in the post row slips the track, dragging a fade handle (the small
    squares at the track's top corners) sets that fade; a click in the native row seeks."""

    slipping = Signal(float)       # the offset under the mouse while dragging the track
    previewing = Signal(object)    # the spec as drawn, at every move of any drag (to be heard unsaved)
    slipped = Signal(float)        # the offset where the drag ended (when it moved the track)
    faded = Signal(str, float)     # 'fade_in' or 'fade_out' and its length where a handle's drag ended
    drag_ended = Signal()          # the button was released, after `slipped` or `faded` if anything changed
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("laneTimeline")
        self.setMinimumHeight(LANE_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keys belong to the window's shortcuts
        self._duration = 0.0
        self._native: np.ndarray | None = None
        self._track_peaks: np.ndarray | None = None
        self._track_s = 0.0
        self._name = ""
        self._spec = SwapSpec()
        self._drag: _Drag | None = None
        self._position = 0.0
        self._marks: tuple[float | None, float | None] = (None, None)
        self._problem = ""

    # -- content ------------------------------------------------------------------------------------

    def set_take(self, duration: float, native_peaks: np.ndarray | None) -> None:
        self._duration = max(0.0, duration)
        self._native = native_peaks if native_peaks is not None and native_peaks.size else None
        self._position, self._marks = 0.0, (None, None)
        self.update()

    def set_track(self, name: str, spec: SwapSpec) -> None:
        """The track as the library holds it. A drag in progress goes on (the take is refreshed
        whenever the library says it changed, an analysis finishing or a rating from the CLI)."""
        self._name, self._spec = name, spec
        self.update()

    def set_track_peaks(self, peaks: np.ndarray | None, track_s: float) -> None:
        self._track_peaks = peaks if peaks is not None and peaks.size else None
        self._track_s = track_s
        self.update()

    def set_position(self, seconds: float) -> None:
        self._position = seconds
        self.update()

    def set_marks(self, mark_in: float | None, mark_out: float | None) -> None:
        self._marks = (mark_in, mark_out)
        self.update()

    def cancel_drag(self) -> None:
        """Another take came on screen: a drag of the last one's track ends, written nowhere."""
        if self._drag is not None:
            self._drag = None
            self.unsetCursor()
            self.update()
            self.drag_ended.emit()

    def shown_spec(self) -> SwapSpec:
        """The spec as drawn: the library's, with what is being dragged."""
        drag = self._drag
        return self._spec if drag is None else self._spec.with_changes(**{drag.field: drag.value})

    def shown_offset(self) -> float:
        return self.shown_spec().offset

    def fade_handles(self) -> dict[str, QPointF]:
        """Where the fade handles are ('fade_in' at the top of the fade-in's end, 'fade_out' at the
        top of the fade-out's start; at the track's corners when there is no fade), or {}."""
        timing = self.timing()
        if timing is None:
            return {}
        _, row = self._rows()
        rate, top = timing.rate, row.top() + HANDLE / 2
        fade_in = timing.fade_in.length if timing.fade_in else 0
        fade_out = timing.fade_out.length if timing.fade_out else 0
        return {"fade_in": QPointF(self.x_for((timing.delay + fade_in) / rate), top),
                "fade_out": QPointF(self.x_for((timing.audible_end - fade_out) / rate), top)}

    def timing(self) -> Timing | None:
        """Where the track sits as drawn (None while its length is unknown or the spec can't hold)."""
        self._problem = ""
        if self._track_peaks is None or self._duration <= 0:
            return None
        try:
            return plan_timing(self.shown_spec(), self._duration, self._track_s)
        except SwapSpecError as exc:
            self._problem = str(exc)
            return None

    # -- geometry -----------------------------------------------------------------------------------

    def seconds_per_pixel(self) -> float:
        return self._duration / max(1, self.width() - 1)

    def x_for(self, seconds: float) -> float:
        return seconds / self.seconds_per_pixel() if self._duration > 0 else 0.0

    def _rows(self) -> tuple[QRectF, QRectF]:
        half = self.height() / 2
        return QRectF(0, 0, self.width(), half - 1), QRectF(0, half, self.width(), half)

    # -- painting -----------------------------------------------------------------------------------

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), BACKGROUND)
        native_row, post_row = self._rows()
        width = max(1, self.width())
        mark_in, mark_out = self._marks
        if mark_in is not None or mark_out is not None:
            start = self.x_for(mark_in or 0.0)
            end = self.x_for(mark_out if mark_out is not None else self._duration)
            painter.fillRect(QRectF(start, 0, max(1.0, end - start), self.height()), MARK_FILL)
            painter.setPen(QPen(MARK_EDGE, 1))
            for x in (start if mark_in is not None else None, end if mark_out is not None else None):
                if x is not None:
                    painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        if self._native is not None:
            painter.drawImage(native_row.topLeft(), _wave_image(_columns(self._native, width),
                                                                int(native_row.height()), WAVE_COLOUR))
        painter.setPen(QColor("#2a2d33"))
        painter.drawLine(QPointF(0, post_row.top() - 0.5), QPointF(width, post_row.top() - 0.5))
        timing = self.timing()
        if timing is not None:
            self._paint_post(painter, timing, post_row, width)
        painter.setPen(ROW_LABEL)
        painter.drawText(native_row.adjusted(6, 2, -6, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         "Native")
        painter.drawText(post_row.adjusted(6, 2, -6, 0), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         f"Post · {self._name}" if self._name else "Post")
        if self._problem or (self._name and self._track_peaks is None):
            painter.setPen(REFUSAL if self._problem else ROW_LABEL)
            painter.drawText(post_row.adjusted(6, 0, -6, -2), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             self._problem or "reading the post track…")
        x = self.x_for(self._position)
        painter.setPen(QPen(PLAYHEAD, 2))
        painter.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        painter.end()

    def _paint_post(self, painter: QPainter, timing: Timing, row: QRectF, width: int) -> None:
        rate = timing.rate
        start, end = self.x_for(timing.delay / rate), self.x_for(timing.audible_end / rate)
        painter.fillRect(QRectF(start, row.top(), max(1.0, end - start), row.height()), TRACK_FILL)
        peaks = placed_peaks(self._track_peaks, timing, self._duration)
        colour = POST_DRAGGING if self._drag is not None and self._drag.field == "offset" else POST_COLOUR
        painter.drawImage(row.topLeft(), _wave_image(_columns(peaks, width), int(row.height()), colour))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QPen(FADE_EDGE, 1))
        for fade, rising in ((timing.fade_in, True), (timing.fade_out, False)):
            if fade:
                x0, x1 = self.x_for(fade.start / rate), self.x_for((fade.start + fade.length) / rate)
                low, high = QPointF(x0, row.bottom() - 1), QPointF(x1, row.top() + 1)
                if not rising:
                    low, high = QPointF(x0, row.top() + 1), QPointF(x1, row.bottom() - 1)
                painter.drawLine(low, high)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        for handle in self.fade_handles().values():
            painter.fillRect(QRectF(handle.x() - HANDLE / 2, handle.y() - HANDLE / 2, HANDLE, HANDLE), FADE_EDGE)

    # -- mouse --------------------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._duration <= 0:
            return
        native_row, _ = self._rows()
        if native_row.contains(event.position()) or not self._name:
            self.seek_requested.emit(max(0.0, min(self._duration, event.position().x() * self.seconds_per_pixel())))
            return
        x = event.position().x()
        self._drag = self._fade_drag(event.position()) or _Drag("offset", x, self._spec.offset, -OFFSET_LIMIT_S,
                                                                 OFFSET_LIMIT_S, self._spec.offset)
        self.setCursor(Qt.CursorShape.ClosedHandCursor if self._drag.field == "offset"
                       else Qt.CursorShape.SizeHorCursor)

    def _fade_drag(self, at: QPointF) -> _Drag | None:
        """A press on a fade handle: its drag, which keeps the two fades within the audible track."""
        near = [(abs(p.x() - at.x()), field) for field, p in self.fade_handles().items()
                if abs(p.x() - at.x()) <= HANDLE_REACH and abs(p.y() - at.y()) <= HANDLE_REACH]
        if not near:
            return None
        field = min(near)[1]
        timing = self.timing()
        lengths = {"fade_in": timing.fade_in.length if timing.fade_in else 0,
                   "fade_out": timing.fade_out.length if timing.fade_out else 0}
        other = lengths["fade_out" if field == "fade_in" else "fade_in"]
        room = (timing.audible_end - timing.delay - other) / timing.rate
        base = lengths[field] / timing.rate
        return _Drag(field, at.x(), base, 0.0, max(0.0, min(FADE_LIMIT_S, room)), base)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        drag = self._drag
        if drag is None:
            return
        moved = (event.position().x() - drag.from_x) * self.seconds_per_pixel()
        if drag.field == "fade_out":
            moved = -moved            # its handle is at the fade's start: left makes it longer
        # A millisecond is finer than a pixel at any lane width an editor uses; frames come from the keys.
        drag.value = round(max(drag.low, min(drag.high, drag.base + moved)), 3)
        if drag.field == "offset":
            self.slipping.emit(drag.value)
        self.previewing.emit(self.shown_spec())
        self.update()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        drag, self._drag = self._drag, None
        if drag is None:
            return
        self.unsetCursor()
        self.update()
        if drag.field == "offset" and drag.value != self._spec.offset:
            self.slipped.emit(drag.value)
        elif drag.field != "offset" and drag.value != drag.base:
            self.faded.emit(drag.field, drag.value)
        self.drag_ended.emit()


def _spin(parent: QWidget, low: float, high: float, step: float, decimals: int, suffix: str, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setSuffix(suffix)
    box.setKeyboardTracking(False)   # a typed value counts once it is finished, not digit by digit
    box.setToolTip(tip)
    box.setAccelerated(True)
    box.setMaximumWidth(box.fontMetrics().horizontalAdvance("−10000.0 LUFS") + 24)   # room for any usual value
    return box


def _caption(parent: QWidget, text: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("fieldName")
    return label


class PostLane(QWidget):
    """The lane and its controls. `spec_edited(spec, what)` offers a new spec, `what` naming the change
    for the undo menu ("Slip post track to +120.0 ms")."""

    spec_edited = Signal(object, str)
    refused = Signal(str)         # an edit the spec can't take, in a sentence
    editing_done = Signal()       # a typed value was committed: the keys go back to the window

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("postLane")
        self._spec = SwapSpec()
        self._fps = DEFAULT_FPS
        self._batch_target = ""
        self.timeline = LaneTimeline(self)
        self.timeline.slipping.connect(lambda offset: self._show_offset(offset))
        self.timeline.slipped.connect(lambda offset: self._edit(f"Slip post track to {offset * 1000:+.1f} ms",
                                                                offset=offset))
        self.timeline.faded.connect(lambda field, value: self._edit(
            f"{'Fade-in' if field == 'fade_in' else 'Fade-out'} {value * 1000:g} ms", **{field: value}))

        self.readout = QLabel("", self)
        self.readout.setObjectName("offsetReadout")
        self.readout.setToolTip("Where the post track sits: positive delays it, negative starts it later inside it")
        self.offset = _spin(self, -OFFSET_LIMIT_S * 1000, OFFSET_LIMIT_S * 1000, 1.0, 1, " ms",
                            "Type the post track's offset in milliseconds")
        self.offset.editingFinished.connect(self._offset_typed)
        self.fit = QComboBox(self)
        for fit, text in FITS_SHOWN:
            self.fit.addItem(text, fit)
        self.fit.setToolTip("Trim the track at the take's end, pad it with silence, or loop it")
        self.fit.activated.connect(lambda _i: self._edit(f"Fit post track: {self.fit.currentText()}",
                                                         fit=self.fit.currentData()))
        self.fade_in = _spin(self, AUTO_FADE, FADE_LIMIT_S * 1000, 10.0, 0, " ms",
                             "Fade-in (auto: 10 ms where the offset cuts into the track)")
        self.fade_out = _spin(self, AUTO_FADE, FADE_LIMIT_S * 1000, 10.0, 0, " ms",
                              "Fade-out (auto: 50 ms where the take's end cuts the track)")
        for box, field, what in ((self.fade_in, "fade_in", "Fade-in"), (self.fade_out, "fade_out", "Fade-out")):
            box.setSpecialValueText("auto")
            box.editingFinished.connect(lambda b=box, f=field, w=what: self._fade_typed(b, f, w))
        self.level = QComboBox(self)
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.level.setMinimumContentsLength(16)
        self.level.setToolTip("The post mix's level: the batch's delivery target, another target, "
                              "an integrated loudness, or a plain gain")
        self.level.activated.connect(lambda _i: self._level_chosen())
        self.level_value = _spin(self, *GAIN_RANGE, 0.5, 1, " dB", "The level's value")
        self.level_value.editingFinished.connect(self._level_typed)
        self.bed = QSlider(Qt.Orientation.Horizontal, self)
        self.bed.setRange(int(BED_OFF), int(BED_RANGE[1]))
        self.bed.setPageStep(6)
        self.bed.setFixedWidth(120)
        self.bed.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.bed.setToolTip("The take's native audio mixed under the post track (leftmost: none)")
        self.bed.valueChanged.connect(self._bed_changed)
        self.bed.sliderReleased.connect(self._bed_moved)    # a drag counts where it ends
        self.bed_label = QLabel("", self)
        self.bed_label.setMinimumWidth(self.bed_label.fontMetrics().horizontalAdvance("Bed −60 dB") + 4)
        self._buttons = QHBoxLayout()
        self._buttons.setSpacing(2)

        # Two short rows, not one long one: the lane must never make the player wider than the
        # transport under it (that would squeeze the side panels on a laptop screen).
        where = QHBoxLayout()       # where the track sits, and what moves it
        where.setContentsMargins(6, 2, 6, 0)
        where.setSpacing(6)
        where.addWidget(self.readout)
        where.addSpacing(4)
        where.addWidget(_caption(self, "Offset"))
        where.addWidget(self.offset)
        where.addSpacing(8)
        where.addWidget(self.bed)
        where.addWidget(self.bed_label)
        where.addStretch(1)
        where.addLayout(self._buttons)
        how = QHBoxLayout()         # how it is laid: its length, its fades, its level
        how.setContentsMargins(6, 0, 6, 4)
        how.setSpacing(6)
        for caption, widget in (("Fit", self.fit), ("Fade in", self.fade_in), ("Fade out", self.fade_out),
                                ("Level", self.level)):
            how.addWidget(_caption(self, caption))
            how.addWidget(widget)
            how.addSpacing(4)
        how.addWidget(self.level_value)
        how.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.timeline)
        layout.addLayout(where)
        layout.addLayout(how)
        self._fill_levels()
        self._show_spec()

    def add_action_button(self, action: QAction, text_beside: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon if text_beside
                                  else Qt.ToolButtonStyle.ToolButtonIconOnly)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.setAutoRaise(True)
        self._buttons.addWidget(button)
        return button

    # -- what the lane shows --------------------------------------------------------------------------

    def set_take(self, duration: float, fps: float, native_peaks: np.ndarray | None, batch_target: str) -> None:
        self._fps = fps or DEFAULT_FPS
        if batch_target != self._batch_target:
            self._batch_target = batch_target
            self._fill_levels()
        self.timeline.set_take(duration, native_peaks)

    def set_track(self, name: str, spec: SwapSpec) -> None:
        self._spec = spec
        self.timeline.set_track(name, spec)
        self._show_spec()

    def spec(self) -> SwapSpec:
        return self._spec

    def readout_text(self) -> str:
        return self.readout.text()

    def _show_offset(self, offset: float) -> None:
        self.readout.setText(offset_readout(offset, self._fps))

    def _show_spec(self) -> None:
        spec = self._spec
        self._show_offset(spec.offset)
        for widget, value in ((self.offset, spec.offset * 1000),
                              (self.fade_in, AUTO_FADE if spec.fade_in is None else spec.fade_in * 1000),
                              (self.fade_out, AUTO_FADE if spec.fade_out is None else spec.fade_out * 1000),
                              (self.bed, BED_OFF if spec.bed is None else round(spec.bed))):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        self.bed_label.setText(self._bed_text(BED_OFF if spec.bed is None else spec.bed))
        self.fit.setCurrentIndex(max(0, self.fit.findData(spec.fit)))
        self._show_level()

    # -- level --------------------------------------------------------------------------------------

    def _fill_levels(self) -> None:
        self.level.blockSignals(True)
        self.level.clear()
        batch = TARGETS.get(self._batch_target)
        self.level.addItem(f"Batch target ({batch.integrated_lufs:g} LUFS)".replace("-", "−") if batch else "Batch target", None)
        if batch:
            self.level.setItemData(0, f"The batch's delivery target: {batch.label}", Qt.ItemDataRole.ToolTipRole)
        for name, target in TARGETS.items():
            self.level.addItem(target.label, name)
        self.level.addItem("Loudness (LUFS)", "lufs")
        self.level.addItem("Gain (dB)", "gain")
        self.level.blockSignals(False)
        self._show_level()

    def _show_level(self) -> None:
        level = self._spec.level
        kind = None if level is None else level.target or ("lufs" if level.lufs is not None else "gain")
        self.level.setCurrentIndex(max(0, self.level.findData(kind)))
        self.level_value.setVisible(kind in ("lufs", "gain"))
        self.level_value.blockSignals(True)
        if kind == "lufs":
            self.level_value.setRange(*LUFS_RANGE)
            self.level_value.setSuffix(" LUFS")
            self.level_value.setValue(level.lufs)
        elif kind == "gain":
            self.level_value.setRange(*GAIN_RANGE)
            self.level_value.setSuffix(" dB")
            self.level_value.setValue(level.gain)
        self.level_value.blockSignals(False)

    def _level_chosen(self) -> None:
        kind = self.level.currentData()
        if kind is None:
            level = None
        elif kind == "lufs":
            level = Level(lufs=self._batch_goal())
        elif kind == "gain":
            level = Level(gain=0.0)
        else:
            level = Level(target=kind)
        self._edit(f"Level post track: {self.level.currentText()}", level=level)

    def _batch_goal(self) -> float:
        target = TARGETS.get(self._batch_target)
        return target.integrated_lufs if target else -16.0

    def _level_typed(self) -> None:
        kind = self.level.currentData()
        value = self.level_value.value()
        level = Level(lufs=value) if kind == "lufs" else Level(gain=value)
        self._edit(f"Level post track: {level.describe()}", level=level)
        self.editing_done.emit()

    # -- typed values -------------------------------------------------------------------------------

    def _offset_typed(self) -> None:
        offset = round(self.offset.value() / 1000, 6)
        self._edit(f"Slip post track to {offset * 1000:+.1f} ms", offset=offset)
        self.editing_done.emit()

    def _fade_typed(self, box: QDoubleSpinBox, field: str, what: str) -> None:
        value = None if box.value() <= AUTO_FADE else round(box.value() / 1000, 6)
        self._edit(f"{what} {'auto' if value is None else f'{value * 1000:g} ms'}", **{field: value})
        self.editing_done.emit()

    @staticmethod
    def _bed_text(value: float) -> str:
        return "Bed off" if value <= BED_OFF else f"Bed {value:+.0f} dB".replace("-", "−")

    def _bed_changed(self, value: int) -> None:
        self.bed_label.setText(self._bed_text(value))
        if not self.bed.isSliderDown():   # a click beside the handle or the wheel: a change of its own
            self._bed_moved()

    def _bed_moved(self) -> None:
        value = self.bed.value()
        bed = None if value <= BED_OFF else float(value)
        self._edit(f"Native bed {'off' if bed is None else f'at {bed:g} dB'}", bed=bed)

    def _edit(self, what: str, **changes) -> None:
        try:
            spec = self._spec.with_changes(**changes)
        except SwapSpecError as exc:
            self._show_spec()   # the lane shows what holds
            self.refused.emit(str(exc))
            return
        if spec == self._spec:
            self._show_spec()
            return
        self.spec_edited.emit(spec, what)
