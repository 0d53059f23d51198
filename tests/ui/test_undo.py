"""Undo and redo of review decisions: every step writes to the library."""
from PySide6.QtGui import QUndoStack

from soundon.core.review import Note
from soundon.ui.controllers.review_history import ReviewHistory
from tests.ui.conftest import take_named


def review(library, take_id):
    state = library.review_state(take_id)
    return state["flag"], state["rating"], state["audio_verdict"]


def test_each_decision_is_one_undo_step(qtbot, imported):
    stack = QUndoStack()
    history = ReviewHistory(imported, stack)
    take = take_named(imported, "beach_veo_a.mp4").id
    assert history.set([take], "flag", "pick") == 1
    assert history.set([take], "rating", 4) == 1
    assert history.set([take], "audio_verdict", "replace") == 1
    assert history.set([take], "flag", "pick") == 0  # no change, no undo step
    assert stack.count() == 3
    assert review(imported, take) == ("pick", 4, "replace")
    stack.undo()
    assert review(imported, take) == ("pick", 4, "undecided")
    stack.undo()
    stack.undo()
    assert review(imported, take) == ("none", 0, "undecided")
    assert not stack.canUndo()
    stack.redo()
    stack.redo()
    assert review(imported, take) == ("pick", 4, "undecided")
    # A new decision after undoing drops the redo branch, as everywhere.
    history.set([take], "flag", "reject")
    assert not stack.canRedo()
    assert review(imported, take) == ("reject", 4, "undecided")


def test_a_decision_on_several_takes_undoes_at_once(qtbot, imported):
    stack = QUndoStack()
    history = ReviewHistory(imported, stack)
    ids = [t.id for t in imported.takes()]
    imported.set_flag(ids[0], "reject")
    assert history.set(ids, "flag", "pick") == len(ids)
    assert stack.count() == 1
    assert {review(imported, i)[0] for i in ids} == {"pick"}
    stack.undo()
    assert [review(imported, i)[0] for i in ids] == ["reject", "none", "none", "none"]


def test_notes_undo_and_redo_keep_track_of_the_note(qtbot, imported):
    stack = QUndoStack()
    history = ReviewHistory(imported, stack)
    take = take_named(imported, "beach_kling_a.mp4").id
    note_id = history.add_note(take, Note("hiss at the start", 0.0, 0.5))
    history.delete_note(take, note_id)
    assert imported.notes(take) == []
    stack.undo()   # the note is back (under a new id)
    assert [n["text"] for n in imported.notes(take)] == ["hiss at the start"]
    stack.undo()   # and undoing its creation removes it, whatever its id is now
    assert imported.notes(take) == []
    stack.redo()
    stack.redo()
    assert imported.notes(take) == []
    stack.undo()
    assert [(n["text"], n["start"], n["end"]) for n in imported.notes(take)] == [("hiss at the start", 0.0, 0.5)]


def test_a_failed_write_leaves_no_undo_step(qtbot, imported):
    import pytest

    from soundon.store.library import LibraryError
    stack = QUndoStack()
    history = ReviewHistory(imported, stack)
    with pytest.raises(LibraryError):
        history.set([999999], "flag", "pick")
    assert stack.count() == 0
