"""Attaching a post track in the app: Review › Attach Post Track… (Ctrl+Shift+A) for the target takes,
a file dropped on the player or on a card, Detach; each one undo step, with the verdict replace."""
from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from soundon.ui.controllers import post_track
from tests.ui.conftest import take_named
from tests.ui.dialogs import choose_from_menu_bar

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _chooser(monkeypatch, path):
    chosen = []

    def choose(parent):
        chosen.append(parent)
        return str(path) if path else None
    monkeypatch.setattr(post_track, "choose_post_track", choose)
    return chosen


def _state(library, take_id):
    take = library.take(take_id)
    return (take.swap.path if take.swap else None, take.audio_verdict)


def test_attach_gives_every_selected_take_one_track_in_one_undo_step(qtbot, window, media, tmp_path, monkeypatch):
    track = media.clip("post_mix.wav", folder=tmp_path / "post", duration=2.0, video="")
    chosen = _chooser(monkeypatch, track)
    window.browser.grid.selectAll()
    ids = window.view.target_ids()
    assert len(ids) == 4
    before = {i: _state(window.library, i) for i in ids}

    choose_from_menu_bar(qtbot, window, "Review", "Attach Post Track…")
    qtbot.waitUntil(lambda: all(_state(window.library, i) == (str(track), "replace") for i in ids), timeout=3000)
    assert len(chosen) == 1
    assert "Ctrl+Shift+A" in window.actions["attach_post_track"].shortcut().toString()

    window.undo_stack.undo()
    assert {i: _state(window.library, i) for i in ids} == before
    window.undo_stack.redo()
    assert all(_state(window.library, i) == (str(track), "replace") for i in ids)


def test_ctrl_shift_a_attaches_a_video_and_detach_is_undoable(qtbot, window, media, tmp_path, monkeypatch):
    video = media.clip("post_edit.mp4", folder=tmp_path / "post", duration=2.0, size="160x90",
                       audio="sine=frequency=330:sample_rate=48000")
    take_id = window.current_take_id()
    window.library.set_audio_verdict(take_id, "keep")
    _chooser(monkeypatch, video)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_A, CTRL | SHIFT)
    qtbot.waitUntil(lambda: _state(window.library, take_id) == (str(video), "replace"), timeout=3000)

    choose_from_menu_bar(qtbot, window, "Review", "Detach Post Track")
    qtbot.waitUntil(lambda: window.library.take(take_id).swap is None, timeout=3000)
    assert QApplication.activeModalWidget() is None      # it asks nothing
    assert window.library.take(take_id).audio_verdict == "replace"
    window.undo_stack.undo()
    assert _state(window.library, take_id) == (str(video), "replace")
    window.undo_stack.undo()
    assert _state(window.library, take_id) == (None, "keep")


def test_a_cancelled_dialog_changes_nothing(qtbot, window, monkeypatch):
    _chooser(monkeypatch, None)
    take_id = window.current_take_id()
    window.post_track.attach_selected()
    assert _state(window.library, take_id) == (None, "undecided")
    assert not window.undo_stack.canUndo()


def _drop(widget, pos: QPoint, *paths: Path) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    assert drop.isAccepted()
    return drop


def test_an_audio_file_dropped_on_the_player_goes_to_the_take_on_screen(qtbot, window, media, tmp_path):
    track = media.clip("dropped.flac", folder=tmp_path / "post", duration=1.5, video="")
    take_id = window.current_take_id()
    _drop(window.player_panel, window.player_panel.rect().center(), track)
    qtbot.waitUntil(lambda: _state(window.library, take_id) == (str(track), "replace"), timeout=3000)
    others = [t for t in window.library.takes() if t.id != take_id]
    assert all(t.swap is None for t in others)
    window.undo_stack.undo()
    assert _state(window.library, take_id) == (None, "undecided")


def test_a_video_dropped_on_a_card_goes_to_that_cards_take(qtbot, window, media, tmp_path):
    video = media.clip("dropped_post.mov", folder=tmp_path / "post", duration=1.5, size="160x90")
    grid = window.browser.grid
    index = window.model.index(2, 0)
    card_take = index.data(post_track.TakeRole.TAKE_ID)
    assert card_take != window.current_take_id()
    _drop(grid.viewport(), grid.visualRect(index).center(), video)
    qtbot.waitUntil(lambda: _state(window.library, card_take) == (str(video), "replace"), timeout=3000)
    assert window.library.take(window.current_take_id()).swap is None


def test_a_folder_dropped_on_a_card_still_imports(qtbot, window, media, tmp_path):
    folder = tmp_path / "Dropped"
    media.clip("dropped_seedance.mp4", folder=folder, duration=1.0, size="160x90")
    grid = window.browser.grid
    with qtbot.waitSignal(window.importer.finished, timeout=30000) as finished:
        _drop(grid.viewport(), grid.visualRect(window.model.index(0, 0)).center(), folder)
    assert [t.rel_path for t in finished.args[0].added] == ["dropped_seedance.mp4"]


def test_a_track_inside_the_batch_follows_a_relinked_batch(qtbot, window, media, batch_folder, tmp_path):
    track = media.clip("post/final_mix.wav", folder=batch_folder, duration=2.0, video="")
    take_id = take_named(window.library, "beach_veo_a.mp4").id
    assert window.post_track.attach([take_id], track)
    outside = media.clip("elsewhere.wav", folder=tmp_path / "post", duration=2.0, video="")
    other_id = take_named(window.library, "train_veo_b.mp4").id
    assert window.post_track.attach([other_id], outside)

    moved = tmp_path / "Moved batch"
    shutil.move(str(batch_folder), str(moved))
    window.library.relink_batch("Beach batch", moved)
    assert window.library.take(take_id).swap.path == str(moved / "post" / "final_mix.wav")
    assert Path(window.library.take(take_id).swap.path).is_file()
    assert window.library.take(other_id).swap.path == str(outside)
