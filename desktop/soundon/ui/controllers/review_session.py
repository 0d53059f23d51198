"""The review session: what the editor decides about the take being reviewed.

Flags, ratings and the audio verdict, marks, and notes — every decision goes to the library at
once through the undo history, and the inspector and the scrub bar follow. The take being reviewed
is the showing view's (the current take; in Compare, the heard one), so the same keys act on
whichever is in front of the editor.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox

from soundon import APP_NAME
from soundon.core.marks import InOut
from soundon.core.review import Note, ReviewError
from soundon.core.take import Take
from soundon.core.timecode import format_timecode
from soundon.store.library import LibraryError
from soundon.ui.models.take_model import take_name
from soundon.ui.player.scrub_bar import NoteSpan


class ReviewSession(QObject):
    message = Signal(str, int)        # for the status bar: text, milliseconds
    marks_changed = Signal(object)    # InOut
    take_refreshed = Signal(object)   # the reviewed Take changed in the library

    def __init__(self, library, history, model, inspector, inspector_dock, focus_home, parent_widget):
        super().__init__(parent_widget)
        self._library = library
        self._history = history
        self._model = model
        self._inspector = inspector
        self._inspector_dock = inspector_dock
        self._focus_home = focus_home     # where the keys go back to after a note (the browser)
        self._window = parent_widget      # the parent of refusal dialogs
        self._marks = InOut()
        self.view = None                  # the showing view (set by the window)
        inspector.note_submitted.connect(self.save_note)
        inspector.note_cancelled.connect(self.end_note)
        inspector.note_delete_requested.connect(self.delete_note)

    def reviewed_take(self) -> Take | None:
        return self.view.reviewed_take() if self.view is not None else None

    def _position(self) -> float:
        group = self.view.group if self.view is not None else None
        return group.position() if group is not None else 0.0

    def show(self, take: Take | None) -> None:
        """This take is now the one reviewed: the inspector and its notes show it."""
        if take is not None:
            self._inspector.show_take(take)
            self.show_notes(take.id)

    def new_take(self, take: Take) -> None:
        """Another current take: marks belong to one take."""
        self._set_marks(InOut())
        self.show(take)

    # -- decisions ----------------------------------------------------------------------------------

    def review(self, field: str, value) -> None:
        ids = self.view.target_ids() if self.view is not None else []
        if not ids:
            self.message.emit("Select a take first.", 4000)
            return
        names = {i: take_name(self._model.take(i)) for i in ids if self._model.take(i)}
        try:
            self._history.set(ids, field, value, names)
        except (LibraryError, ReviewError) as exc:
            QMessageBox.warning(self._window, APP_NAME, str(exc))

    def toggle_audio_verdict(self) -> None:
        ids = self.view.target_ids() if self.view is not None else []
        if not ids:
            return
        lead = self._model.take(ids[0]) or {}
        self.review("audio_verdict", "replace" if lead.audio_verdict == "keep" else "keep")

    # -- marks --------------------------------------------------------------------------------------

    def mark_in(self) -> None:
        self._set_marks(self._marks.mark_in(self._position()))

    def mark_out(self) -> None:
        self._set_marks(self._marks.mark_out(self._position()))

    def clear_marks(self) -> None:
        self._set_marks(InOut())

    def _set_marks(self, marks: InOut) -> None:
        self._marks = marks
        self.marks_changed.emit(marks)

    def marks(self) -> tuple[float | None, float | None]:
        return self._marks.start, self._marks.end

    def note_range(self) -> tuple[float, float | None]:
        return self._marks.note_range(self._position())

    # -- notes --------------------------------------------------------------------------------------

    def begin_note(self) -> None:
        take = self.reviewed_take()
        if take is None:
            self.message.emit("Select a take first.", 4000)
            return
        start, end = self.note_range()
        fps = take.frame_rate
        text = f"Note at {format_timecode(start, fps)}"
        if end is not None:
            text = f"Note for {format_timecode(start, fps)}–{format_timecode(end, fps)}"
        self._inspector_dock.show()
        self._inspector.begin_note(text)

    def save_note(self, text: str) -> None:
        take = self.reviewed_take()
        if take is None:
            return
        start, end = self.note_range()
        try:
            self._history.add_note(take.id, Note(text, start, end), take_name(take))
        except (LibraryError, ReviewError) as exc:
            QMessageBox.warning(self._window, APP_NAME, str(exc))
            return
        self.end_note()
        self.clear_marks()

    def end_note(self) -> None:
        self._inspector.end_note()
        self._focus_home().setFocus(Qt.FocusReason.OtherFocusReason)

    def delete_note(self, note_id: int) -> None:
        take = self.reviewed_take()
        if take is not None:
            self._history.delete_note(take.id, note_id, take_name(take))

    def show_notes(self, take_id: int) -> None:
        notes = self._library.notes(take_id)
        self._inspector.show_notes(notes)
        shown = self.reviewed_take()
        if shown is not None and shown.id == take_id and self.view is not None:
            spans = [NoteSpan(n["start"] if n["start"] is not None else 0.0, n["end"], n["text"]) for n in notes]
            self.view.transport.scrub_bar.set_notes(spans)

    # -- the library changed ------------------------------------------------------------------------

    def library_changed(self, kind: str, ids: list[int]) -> None:
        shown = self.reviewed_take()
        if shown is None or shown.id not in ids:
            return
        if kind == "notes":
            self.show_notes(shown.id)
        elif kind in ("review", "analysis", "swap", "takes", "metadata"):
            fresh = self._model.take(shown.id)
            if fresh is not None:
                self._inspector.show_take(fresh)
                self.take_refreshed.emit(fresh)
