"""Review decisions and batch settings as undoable commands (Ctrl+Z / Ctrl+Shift+Z).

Every command writes to the library at once. The write happens before the command enters the
stack, so a write that fails (library locked, disk full) leaves no undo entry behind and the editor
is told why; undo and redo write again, so the library always holds what the screen shows.
"""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from soundon.core.review import Note
from soundon.core.swap_spec import SwapSpec
from soundon.core.take import PostTrack
from soundon.store.library import Library

FIELD_LABEL = {"flag": "flag", "rating": "rating", "audio_verdict": "audio verdict"}
VALUE_LABEL = {"pick": "Pick", "reject": "Reject", "none": "Unflag", "keep": "Keep native audio",
               "replace": "Replace audio", "undecided": "Audio undecided"}


def _describe(field: str, value, take_name: str) -> str:
    if field == "rating":
        return f"Rate {take_name} {value}★" if value else f"Clear rating of {take_name}"
    return f"{VALUE_LABEL.get(value, value)} {take_name}"


def _write(library: Library, take_id: int, field: str, value) -> None:
    {"flag": library.set_flag, "rating": library.set_rating,
     "audio_verdict": library.set_audio_verdict}[field](take_id, value)


class ReviewCommand(QUndoCommand):
    """One change of flag, rating or audio verdict of one take."""

    def __init__(self, library: Library, take_id: int, field: str, old, new, take_name: str):
        super().__init__(_describe(field, new, take_name))
        self.library, self.take_id, self.field = library, take_id, field
        self.old, self.new = old, new
        self._first = True

    def redo(self) -> None:
        if self._first:  # already written by ReviewHistory.set before the push
            self._first = False
            return
        _write(self.library, self.take_id, self.field, self.new)

    def undo(self) -> None:
        _write(self.library, self.take_id, self.field, self.old)


class NoteRef:
    """A note's current id: re-adding a note (undo of a delete) gives it a new id, and every command
    that names the note must follow it."""

    def __init__(self, note_id: int):
        self.id = note_id


class NoteCommand(QUndoCommand):
    """A note added (adding=True) or deleted, already written when pushed; undo does the other."""

    def __init__(self, library: Library, take_id: int, note: Note, ref: NoteRef, take_name: str, *,
                 adding: bool):
        super().__init__(f"Note on {take_name}" if adding else f"Delete note on {take_name}")
        self.library, self.take_id, self.note, self.ref, self.adding = library, take_id, note, ref, adding
        self._first = True

    def _put(self, present: bool) -> None:
        if present:
            self.ref.id = self.library.add_note(self.take_id, self.note)
        else:
            self.library.delete_note(self.ref.id)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._put(self.adding)

    def undo(self) -> None:
        self._put(not self.adding)


class BatchTargetCommand(QUndoCommand):
    """A batch's delivery target. `applied(batch)` runs after every write (its takes are analysed again)."""

    def __init__(self, library: Library, batch: str, old: str | None, new: str, applied: Callable[[str], None]):
        super().__init__(f"Delivery target of {batch}")
        self.library, self.batch, self.old, self.new, self.applied = library, batch, old, new, applied
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
        else:
            self.library.set_batch_target(self.batch, self.new)
        self.applied(self.batch)

    def undo(self) -> None:
        self.library.set_batch_target(self.batch, self.old)
        self.applied(self.batch)


def _write_metadata(library: Library, field: str, take_ids: list[int], value: str) -> None:
    (library.set_model if field == "model" else library.set_prompt)(take_ids, value)


class TakeMetadataCommand(QUndoCommand):
    """A new model or prompt for some takes; undo gives each take its own old value back."""

    def __init__(self, library: Library, field: str, old: dict[int, str], new: str, text: str):
        super().__init__(text)
        self.library, self.field, self.old, self.new = library, field, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        _write_metadata(self.library, self.field, list(self.old), self.new)

    def undo(self) -> None:
        for value in set(self.old.values()):
            _write_metadata(self.library, self.field, [i for i, v in self.old.items() if v == value], value)


def _write_post_track(library: Library, take_id: int, state: tuple[PostTrack | None, str]) -> None:
    swap, verdict = state
    if swap is None:
        library.delete_swap_spec(take_id)
    else:
        library.save_swap_spec(take_id, swap.path, swap.spec)
    if library.review_state(take_id)["audio_verdict"] != verdict:
        library.set_audio_verdict(take_id, verdict)


class PostTrackCommand(QUndoCommand):
    """Post tracks attached to or detached from some takes, with their audio verdicts: each take's
    (post track, verdict) before and after."""

    def __init__(self, library: Library, before: dict, after: dict, text: str):
        super().__init__(text)
        self.library, self.before, self.after = library, before, after
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        for take_id, state in self.after.items():
            _write_post_track(self.library, take_id, state)

    def undo(self) -> None:
        for take_id, state in self.before.items():
            _write_post_track(self.library, take_id, state)


class SwapSpecCommand(QUndoCommand):
    """A new swap spec for a take's post track (a slip, a fit, a fade, a level, a bed): the same track,
    the spec before and after."""

    def __init__(self, library: Library, take_id: int, track: str, old: SwapSpec, new: SwapSpec, text: str):
        super().__init__(text)
        self.library, self.take_id, self.track, self.old, self.new = library, take_id, track, old, new
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self.library.save_swap_spec(self.take_id, self.track, self.new)

    def undo(self) -> None:
        self.library.save_swap_spec(self.take_id, self.track, self.old)


class ReviewHistory:
    """The window's review decisions: write now, remember for undo."""

    def __init__(self, library: Library, stack: QUndoStack):
        self.library = library
        self.stack = stack
        self._note_refs: dict[int, NoteRef] = {}

    def _ref(self, note_id: int) -> NoteRef:
        for ref in self._note_refs.values():
            if ref.id == note_id:
                return ref
        ref = self._note_refs[note_id] = NoteRef(note_id)
        return ref

    def set(self, take_ids: list[int], field: str, value, names: dict[int, str] | None = None) -> int:
        """Write one decision for each take (one undo step). Returns how many takes changed."""
        names = names or {}
        changes = []
        for take_id in take_ids:
            old = self.library.review_state(take_id)[field]
            if old != value:
                changes.append((take_id, old))
        if not changes:
            return 0
        if len(changes) > 1:
            self.stack.beginMacro(_describe(field, value, f"{len(changes)} takes"))
        try:
            for take_id, old in changes:
                _write(self.library, take_id, field, value)  # raises before the entry is pushed
                self.stack.push(ReviewCommand(self.library, take_id, field, old, value, names.get(take_id, "take")))
        finally:
            if len(changes) > 1:
                self.stack.endMacro()
        return len(changes)

    def add_note(self, take_id: int, note: Note, take_name: str = "take") -> int:
        note_id = self.library.add_note(take_id, note)
        self.stack.push(NoteCommand(self.library, take_id, note, self._ref(note_id), take_name, adding=True))
        return note_id

    def delete_note(self, take_id: int, note_id: int, take_name: str = "take") -> None:
        rows = [n for n in self.library.notes(take_id) if n["id"] == note_id]
        if not rows:
            return
        note = Note(rows[0]["text"], rows[0]["start"], rows[0]["end"])
        self.library.delete_note(note_id)
        self.stack.push(NoteCommand(self.library, take_id, note, self._ref(note_id), take_name, adding=False))

    def set_batch_target(self, batch: str, target: str, applied: Callable[[str], None]) -> bool:
        """Give a batch a new delivery target (one undo step). False when it already had it."""
        row = self.library.batch_named(batch)
        if row is None or row["target"] == target:
            return False
        self.library.set_batch_target(batch, target)
        self.stack.push(BatchTargetCommand(self.library, batch, row["target"], target, applied))
        return True

    def set_metadata(self, take_ids: list[int], field: str, value: str, what: str) -> int:
        """Give takes a new model or prompt ('model' / 'prompt'; one undo step). Returns how many changed."""
        old = {}
        for take_id in take_ids:
            take = self.library.take(take_id)
            if take is not None and getattr(take, field) != value:
                old[take_id] = getattr(take, field)
        if not old:
            return 0
        _write_metadata(self.library, field, list(old), value)   # raises before the entry is pushed
        label = "model" if field == "model" else "prompt group"
        self.stack.push(TakeMetadataCommand(self.library, field, old, value, f"Set {label} of {what}"))
        return len(old)

    def set_post_track(self, take_ids: list[int], track: PostTrack | None, text: str) -> int:
        """Give takes this post track (their verdict becomes replace), or none (track None; the verdict
        stays). One undo step. Returns how many takes changed."""
        before, after = {}, {}
        for take_id in take_ids:
            take = self.library.take(take_id)
            if take is None or (track is None and take.swap is None):
                continue
            before[take_id] = (take.swap, take.audio_verdict)
            after[take_id] = (track, "replace" if track is not None else take.audio_verdict)
        if not after:
            return 0
        written = []
        try:
            for take_id, state in after.items():
                _write_post_track(self.library, take_id, state)   # raises before the entry is pushed
                written.append(take_id)
        except Exception:
            for take_id in written:       # a half-made change is taken back, never left behind
                _write_post_track(self.library, take_id, before[take_id])
            raise
        self.stack.push(PostTrackCommand(self.library, before, after, text))
        return len(after)

    def set_swap_spec(self, take_id: int, spec: SwapSpec, text: str) -> bool:
        """Lay the take's post track by this spec (one undo step). False when the take has no usable
        track or already has this spec."""
        take = self.library.take(take_id)
        if take is None or take.swap is None or take.swap.problem or take.swap.spec == spec:
            return False
        self.library.save_swap_spec(take_id, take.swap.path, spec)   # raises before the entry is pushed
        self.stack.push(SwapSpecCommand(self.library, take_id, take.swap.path, take.swap.spec, spec, text))
        return True
