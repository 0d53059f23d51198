"""The inspector: everything known about the take on screen — metadata, review state, analysis,
the prompt — and its notes, with the field where a note is typed (Enter opens it, Enter saves,
Esc cancels)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPlainTextEdit, QScrollArea, QToolButton, QVBoxLayout, QWidget)

from soundon.core.listening import DEFAULT_PROFILE
from soundon.core.take import Take
from soundon.core.targets import DEFAULT_TARGET, target_named
from soundon.core.timecode import format_duration, format_timecode
from soundon.ui.models.take_model import FLAG_TEXT, VERDICT_TEXT, analysis_summary, take_name
from soundon.ui.views.plots import LoudnessPlot, SpectrumPlot
from soundon.ui.views.prompt_check_panel import PromptCheckPanel
from soundon.ui.views.sync_field import SyncField
from soundon.ui.views.translation_panel import TranslationPanel

NOTE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NOTE_START_ROLE = Qt.ItemDataRole.UserRole + 2


def _breakable(text: str) -> str:
    """File names and paths have few spaces: allow a line break after / \\ _ - . too."""
    for mark in ("/", "\\", "_", "-", "."):
        text = text.replace(mark, mark + "\u200b")
    return text


class NoteField(QLineEdit):
    """The note being typed. Esc gives up (the window takes focus back)."""

    cancelled = Signal()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class Inspector(QScrollArea):
    note_submitted = Signal(str)       # the text typed; the window knows the range
    note_cancelled = Signal()
    note_delete_requested = Signal(int)
    seek_requested = Signal(float)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(260)
        self.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(self)
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(10, 6, 10, 10)

        self.title = QLabel("No take selected", body)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.title)

        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setHorizontalSpacing(10)
        for key, label in (("model", "Model"), ("batch", "Batch"), ("variation", "Variation / seed"),
                           ("duration", "Duration"), ("picture", "Picture"), ("audio", "Audio"),
                           ("review", "Review"), ("audio_verdict", "Audio verdict"), ("analysis", "Analysis"),
                           ("loudness", "Loudness"), ("path", "File")):
            name = QLabel(label, body)
            name.setObjectName("fieldName")
            value = QLabel("", body)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(name, value)
            self.fields[key] = value
        self.sync = SyncField(body)
        sync_name = QLabel("Sync", body)
        sync_name.setObjectName("fieldName")
        form.insertRow(form.rowCount() - 1, sync_name, self.sync)
        layout.addLayout(form)

        self.translation = TranslationPanel(body)
        layout.addWidget(self.translation)

        layout.addWidget(self._section("Loudness over time", body))
        self.loudness_plot = LoudnessPlot(body)
        layout.addWidget(self.loudness_plot)
        layout.addWidget(self._section("Spectrum", body))
        self.spectrum_plot = SpectrumPlot(body)
        layout.addWidget(self.spectrum_plot)
        self._report_source: Callable[[int], dict | None] | None = None
        self._profile = DEFAULT_PROFILE
        self._take: Take | None = None

        layout.addWidget(self._section("Prompt", body))
        self.prompt = QPlainTextEdit(body)
        self.prompt.setReadOnly(True)   # read-only: the window's keys keep working when it has focus
        self.prompt.setMaximumHeight(110)
        layout.addWidget(self.prompt)
        self.prompt_check = PromptCheckPanel(self.prompt, body)
        layout.addWidget(self.prompt_check)

        layout.addWidget(self._section("Notes", body))
        self.notes = QListWidget(body)
        self.notes.setWordWrap(True)
        self.notes.setMinimumHeight(90)
        self.notes.itemDoubleClicked.connect(self._note_activated)
        layout.addWidget(self.notes)
        row = QHBoxLayout()
        self.note_range = QLabel("", body)
        self.note_range.setObjectName("marks")
        row.addWidget(self.note_range)
        row.addStretch(1)
        self.delete_note = QToolButton(body)
        self.delete_note.setText("Delete note")
        self.delete_note.setToolTip("Delete the selected note (Ctrl+Z brings it back)")
        self.delete_note.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.delete_note.clicked.connect(self._delete_selected)
        row.addWidget(self.delete_note)
        layout.addLayout(row)
        self.note_field = NoteField(body)
        self.note_field.setPlaceholderText("Enter: type a note for the In–Out range (I / O mark it)")
        self.note_field.returnPressed.connect(self._submit)
        self.note_field.cancelled.connect(self.note_cancelled)
        layout.addWidget(self.note_field)
        layout.addStretch(1)
        self._fps = 25.0

    def set_report_source(self, source: Callable[[int], dict | None]) -> None:
        """Where the plots read a take's stored report (the library's analysis)."""
        self._report_source = source

    def set_profile(self, profile: str) -> None:
        """The listening profile the spectrum plot shows the audio through."""
        self._profile = profile
        self._show_plots(self._take)

    def _show_plots(self, take: Take | None) -> None:
        report = self._report_source(take.id) if take is not None and self._report_source else None
        target = target_named((take.analysis_target or take.batch_target) if take else DEFAULT_TARGET)
        self.loudness_plot.show_report(report, target)
        self.spectrum_plot.show_report(report, self._profile)

    @staticmethod
    def _section(text: str, parent: QWidget) -> QLabel:
        label = QLabel(text, parent)
        label.setObjectName("sectionTitle")
        return label

    def show_take(self, take: Take | None) -> None:
        self._take = take
        self._show_plots(take)
        if take is None:
            self.title.setText("No take selected")
            for value in self.fields.values():
                value.setText("")
            self.prompt.setPlainText("")
            self.prompt_check.show_take(None)
            self.notes.clear()
            self.translation.show_take(None)
            self.sync.show_take(None)
            return
        self._fps = take.frame_rate
        self.title.setText(_breakable(take_name(take)))
        f = self.fields
        f["model"].setText(take.model or "unknown")
        f["batch"].setText(take.batch)
        f["variation"].setText(" / ".join(x for x in (take.variation, take.seed) if x) or "—")
        f["duration"].setText(f"{format_duration(take.duration)}  ({format_timecode(take.duration, take.frame_rate)})")
        width, height = take.display_width or take.width, take.display_height or take.height
        picture = f"{width}×{height} · {take.fps:.3g} fps · {take.video_codec}"
        if take.variable_frame_rate:
            picture += " · variable frame rate"
        if take.rotation:
            picture += f" · rotated {take.rotation}°"
        f["picture"].setText(picture)
        if take.has_audio:
            f["audio"].setText(f"{take.audio_codec} · {take.channel_layout or take.audio_channels} · "
                               f"{take.sample_rate / 1000:g} kHz")
        else:
            f["audio"].setText("no audio")
        flag = FLAG_TEXT.get(take.flag) or "unflagged"
        f["review"].setText(f"{flag} · {'★' * take.rating or 'no rating'}")
        f["audio_verdict"].setText(VERDICT_TEXT.get(take.audio_verdict) or "undecided")
        f["analysis"].setText(analysis_summary(take.analysis_flags, take.analysis_measured_on) or "not analysed yet")
        if take.integrated_lufs is not None:
            peak = f" · peak {take.true_peak_dbtp:.1f} dBTP" if take.true_peak_dbtp is not None else ""
            f["loudness"].setText(f"{take.integrated_lufs:.1f} LUFS{peak}")
        else:
            f["loudness"].setText("—")
        # Paths have no spaces to wrap at: let the label break after each folder.
        f["path"].setText(_breakable(take.path))
        self.prompt.setPlainText(take.prompt or "(no prompt)")
        self.prompt_check.show_take(take)
        self.translation.show_take(take)
        self.sync.show_take(take)

    def show_notes(self, notes: list[dict]) -> None:
        self.notes.clear()
        for note in notes:
            when = ""
            if note["start"] is not None:
                when = format_timecode(note["start"], self._fps)
                if note["end"] is not None and note["end"] > note["start"]:
                    when += "–" + format_timecode(note["end"], self._fps)
                when += "  "
            item = QListWidgetItem(f"{when}{note['text']}")
            item.setData(NOTE_ID_ROLE, note["id"])
            item.setData(NOTE_START_ROLE, note["start"])
            item.setToolTip("Double-click to go there")
            self.notes.addItem(item)

    def begin_note(self, range_text: str) -> None:
        self.note_range.setText(range_text)
        self.note_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        # The field sits under the notes, often below the visible part: bring it (and the range
        # it is for, just above it) into view, so the editor never types blind. The panels above
        # (plots, prompt check) may still be settling their size: lay out first, so the field is
        # where it will be drawn.
        self.widget().layout().activate()
        self.ensureWidgetVisible(self.note_range, 0, 0)
        self.ensureWidgetVisible(self.note_field, 0, 8)

    def end_note(self) -> None:
        self.note_field.clear()
        self.note_range.setText("")

    def _submit(self) -> None:
        text = self.note_field.text().strip()
        if text:
            self.note_submitted.emit(text)
        else:
            self.note_cancelled.emit()

    def _note_activated(self, item: QListWidgetItem) -> None:
        start = item.data(NOTE_START_ROLE)
        if start is not None:
            self.seek_requested.emit(float(start))

    def _delete_selected(self) -> None:
        item = self.notes.currentItem()
        if item is not None:
            self.note_delete_requested.emit(int(item.data(NOTE_ID_ROLE)))
