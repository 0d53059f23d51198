"""Every key of the keyboard map, pressed in the real window: each one changes what is stored (the
library, the settings) or the player's real state. Keys go through Qt's shortcut machinery exactly as
typed keys do (QTest key events to the widget that has focus)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

from soundon.core.swap_spec import SwapSpec
from soundon.core.take import Take
from soundon.core.timecode import format_timecode, frame_duration
from soundon.ui.keymap import KEYMAP

K = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier, text: str | None = None):
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def current(window) -> Take:
    return window.library.take(window.current_take_id())


def state(window, field):
    return getattr(current(window), field)


def focus(qtbot, window, where: str):
    widget = {
        "grid": window.browser.grid,
        "list": window.browser.table,
        "inspector": window.inspector.prompt,
        "notes": window.inspector.notes,
        "tree": window.tree,
        "player": window.deck.surface,
    }[where]
    if where == "list":
        window.actions["toggle_grid"].setChecked(False)
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus) if where == "player" else None
    widget.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is widget, timeout=2000)


def wait_loaded(qtbot, window):
    qtbot.waitUntil(lambda: window.deck.player.state.value in ("paused", "playing"), timeout=5000)
    qtbot.waitUntil(lambda: window.deck.player.length > 0, timeout=5000)


@pytest.mark.parametrize("where", ["grid", "list", "inspector", "notes", "tree", "player"])
def test_review_keys_work_wherever_focus_is(qtbot, window, where):
    focus(qtbot, window, where)
    press(qtbot, window, K.Key_P)
    assert state(window, "flag") == "pick"
    press(qtbot, window, K.Key_X)
    assert state(window, "flag") == "reject"
    press(qtbot, window, K.Key_U)
    assert state(window, "flag") == "none"
    for n, key in enumerate((K.Key_0, K.Key_1, K.Key_2, K.Key_3, K.Key_4, K.Key_5)):
        if n == 0:
            press(qtbot, window, K.Key_3)
        press(qtbot, window, key)
        assert state(window, "rating") == n
    press(qtbot, window, K.Key_A)
    assert state(window, "audio_verdict") == "keep"
    press(qtbot, window, K.Key_A)
    assert state(window, "audio_verdict") == "replace"
    press(qtbot, window, K.Key_A)
    assert state(window, "audio_verdict") == "keep"


def test_ctrl_digits_rate_too(qtbot, window):
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_4, CTRL)
    assert state(window, "rating") == 4


def test_keys_are_typing_while_in_a_text_field(qtbot, window):
    field = window.inspector.note_field
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    before = current(window)
    for key in (K.Key_P, K.Key_X, K.Key_3, K.Key_A, K.Key_Space, K.Key_Down):
        qtbot.keyClick(field, key)
    qtbot.keyClicks(field, "ok")
    after = current(window)
    assert (after.flag, after.rating, after.audio_verdict) == (before.flag, before.rating, before.audio_verdict)
    assert after.id == before.id  # Down did not move to the next take
    assert field.text() == "px3a ok"
    # Ctrl+Z undoes typing there, not a review decision; Escape gives the keys back.
    qtbot.keyClick(field, K.Key_Escape)
    assert field.text() == ""
    assert QApplication.focusWidget() is not field
    press(qtbot, window, K.Key_P)
    assert state(window, "flag") == "pick"


def test_up_down_move_between_takes_even_when_the_grid_has_focus(qtbot, window):
    focus(qtbot, window, "grid")
    order = window.model.take_ids()
    assert window.current_take_id() == order[0]
    press(qtbot, window, K.Key_Down)
    assert window.current_take_id() == order[1]
    press(qtbot, window, K.Key_Down)
    assert window.current_take_id() == order[2]
    press(qtbot, window, K.Key_Up)
    assert window.current_take_id() == order[1]
    # The next take starts at once.
    qtbot.waitUntil(lambda: window.deck.player.is_playing(), timeout=5000)
    assert window.deck.take_id == order[1]


def test_left_right_step_frames_and_shift_steps_seconds_without_moving_the_selection(qtbot, window):
    wait_loaded(qtbot, window)
    player = window.deck.player
    frame = frame_duration(player.fps)
    focus(qtbot, window, "grid")
    selected = window.current_take_id()
    press(qtbot, window, K.Key_Right)
    press(qtbot, window, K.Key_Right)
    assert window.current_take_id() == selected
    assert player.position() == pytest.approx(2 * frame, abs=1e-6)
    press(qtbot, window, K.Key_Left)
    assert player.position() == pytest.approx(frame, abs=1e-6)
    press(qtbot, window, K.Key_Right, SHIFT)
    assert player.position() == pytest.approx(1.0 + frame, abs=1e-6)
    press(qtbot, window, K.Key_Left, SHIFT)
    assert player.position() == pytest.approx(frame, abs=1e-6)
    assert window.current_take_id() == selected
    # libVLC itself lands on that frame.
    qtbot.waitUntil(lambda: abs(player.reported_time() - frame) < frame, timeout=3000)


@pytest.mark.parametrize("where", ["grid", "list", "tree"])
def test_home_and_end_go_to_the_first_and_last_frame(qtbot, window, where):
    wait_loaded(qtbot, window)
    player = window.deck.player
    take = current(window)
    focus(qtbot, window, where)
    selected = window.current_take_id()
    press(qtbot, window, K.Key_End)
    last = take.duration - frame_duration(take.fps)
    assert player.position() == pytest.approx(last, abs=1e-6)
    assert window.transport.timecode.text() == format_timecode(last, take.fps)
    qtbot.waitUntil(lambda: abs(player.reported_time() - last) < frame_duration(take.fps), timeout=3000)
    press(qtbot, window, K.Key_Home)
    assert player.position() == 0.0
    assert window.transport.timecode.text() == "00:00:00:00"
    assert window.current_take_id() == selected   # the views' own Home/End do not move the selection


def test_space_and_jkl(qtbot, window):
    wait_loaded(qtbot, window)
    player = window.deck.player
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=5000)
    press(qtbot, window, K.Key_Space)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=3000)
    press(qtbot, window, K.Key_L)
    qtbot.waitUntil(player.is_playing, timeout=3000)
    assert player.rate == 1.0
    press(qtbot, window, K.Key_L)
    assert player.rate == 2.0 and window.deck.group.shuttle.speed == 2.0
    press(qtbot, window, K.Key_K)
    qtbot.waitUntil(lambda: not player.is_playing(), timeout=3000)
    assert player.rate == 1.0 and window.deck.group.shuttle.speed == 0.0
    player.seek(1.0)
    press(qtbot, window, K.Key_J)
    assert window.deck.group.shuttle.speed == -1.0
    qtbot.waitUntil(lambda: player.position() < 0.8, timeout=3000)
    press(qtbot, window, K.Key_K)
    assert window.deck.group.shuttle.speed == 0.0


def test_marks_and_a_note_at_a_time_range(qtbot, window):
    wait_loaded(qtbot, window)
    player = window.deck.player
    focus(qtbot, window, "grid")
    player.seek(0.4)
    press(qtbot, window, K.Key_I)
    player.seek(0.8)
    press(qtbot, window, K.Key_O)
    assert window.session.marks() == (pytest.approx(0.4), pytest.approx(0.8))
    assert window.transport.marks.text() == "In 00:00:00:10  Out 00:00:00:20"
    press(qtbot, window, K.Key_Return)
    field = window.inspector.note_field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    qtbot.keyClicks(field, "gull too loud here")
    qtbot.keyClick(field, K.Key_Return)
    notes = window.library.notes(window.current_take_id())
    assert [(n["text"], n["start"], n["end"]) for n in notes] == [("gull too loud here", pytest.approx(0.4), pytest.approx(0.8))]
    spans = window.transport.scrub_bar.notes()
    assert len(spans) == 1 and spans[0].text == "gull too loud here"
    assert window.session.marks() == (None, None)
    assert window.inspector.notes.count() == 1
    # Ctrl+Shift+X clears marks.
    press(qtbot, window, K.Key_I)
    press(qtbot, window, K.Key_X, CTRL | SHIFT)
    assert window.session.marks() == (None, None)
    # Undo removes the note.
    press(qtbot, window, K.Key_Z, CTRL)
    assert window.library.notes(window.current_take_id()) == []


def test_listening_keys_cycle_and_are_remembered(qtbot, window, ui_settings):
    focus(qtbot, window, "grid")
    assert window.listening.profile == "phone"
    press(qtbot, window, K.Key_M)
    assert window.listening.profile == "phone-budget"
    assert ui_settings.value("listening/profile") == "phone-budget"
    assert window.listening_switch.full_text().startswith("Budget phone")
    press(qtbot, window, K.Key_N)
    assert window.listening.noise == "quiet-room"
    assert ui_settings.value("listening/noise") == "quiet-room"
    assert "Quiet room 40 dBA" in window.listening_switch.full_text()
    # The live graph plays every setting at once: the switch never has to own up to the original audio.
    assert "original audio" not in window.listening_switch.full_text()
    for _ in range(3):
        press(qtbot, window, K.Key_M)
    assert window.listening.profile == "headphones"
    assert window.listening_switch.full_text() == "Headphones"  # the original audio *is* the reference


def test_phone_volume_match_loudness_and_post_track_keys(qtbot, window, ui_settings, tmp_path):
    import wave

    import numpy as np
    focus(qtbot, window, "grid")
    listening = window.listening
    press(qtbot, window, K.Key_BracketLeft)
    assert listening.volume_db == -6.0 and float(ui_settings.value("listening/volume")) == -6.0
    assert window.phone_volume.value.text() == "−6 dB"
    press(qtbot, window, K.Key_BracketLeft)
    press(qtbot, window, K.Key_BracketRight)
    assert listening.volume_db == -6.0
    press(qtbot, window, K.Key_M, SHIFT)
    assert listening.match_loudness and window.actions["match_loudness"].isChecked()
    assert "matched" in window.listening_switch.full_text()
    # No post track on this take: Shift+A has nothing to switch to.
    assert not window.actions["hear_post"].isEnabled()
    take = current(window)
    track = tmp_path / "post.wav"
    with wave.open(str(track), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(np.zeros((48000, 2), "<i2").tobytes())
    window.library.save_swap_spec(take.id, track, SwapSpec(fit="trim"))
    press(qtbot, window, K.Key_Down)
    press(qtbot, window, K.Key_Up)
    qtbot.waitUntil(lambda: window.actions["hear_post"].isEnabled(), timeout=5000)
    press(qtbot, window, K.Key_A, SHIFT)
    assert listening.post
    assert window.listening_switch.full_text().startswith("Post track")
    assert state(window, "audio_verdict") == "undecided"   # Shift+A listens; A alone decides


def test_compare_key_opens_the_prompt_group_and_digits_choose_the_audible_take(qtbot, window):
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_C)
    assert window.in_compare()
    compared = [t.rel_path for t in window.compare.takes()]
    assert sorted(compared) == ["beach_kling_a.mp4", "beach_seedance_a.mp4", "beach_veo_a.mp4"]
    assert window.compare.audible_index() == 0
    press(qtbot, window, K.Key_2)
    assert window.compare.audible_index() == 1
    heard = window.compare.audible_take()
    rating_before = window.library.take(heard.id).rating
    press(qtbot, window, K.Key_P)
    assert window.library.take(heard.id).flag == "pick"
    press(qtbot, window, K.Key_3, CTRL)
    assert window.library.take(heard.id).rating == 3 != rating_before
    press(qtbot, window, K.Key_Down)
    assert window.compare.audible_index() == 2
    press(qtbot, window, K.Key_Escape)
    assert not window.in_compare()
    # Back in the browser, digits rate again.
    press(qtbot, window, K.Key_2)
    assert state(window, "rating") == 2


def test_ctrl_e_exports_the_picks(qtbot, inline_jobs, window, tmp_path):
    from soundon.ui.controllers.export import ExportDialog
    from soundon.media.probe import probe
    destination = tmp_path / "deliver"
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_P)  # the current take is a pick (audio verdict undecided → native audio)
    picked = window.library.take(window.current_take().id)
    assert picked.flag == "pick"

    def fill_in():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ExportDialog):
            dialog.folder.setText(str(destination))
            dialog.picked_only.setChecked(True)
            dialog.accept()
        else:
            QTimer.singleShot(20, fill_in)

    QTimer.singleShot(20, fill_in)
    press(qtbot, window, K.Key_E, CTRL)    # the export runs inline: it is done when the key is
    [written] = destination.glob("*.mp4")
    assert written.name == Path(picked.rel_path).name
    assert probe(written).duration == pytest.approx(picked.duration, abs=0.1)
    assert [f.suffix for f in sorted(destination.glob("*-export-*"))] == [".csv", ".json"]
    # the dialog's NLE files (all four by default), for the delivered file
    assert sorted(f.suffix for f in destination.glob("*-selects.*")) == [".edl", ".fcpxml", ".otio", ".xml"]
    assert written.name in next(destination.glob("*.edl")).read_text(encoding="utf-8")
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Exported 1 take(s) to {destination}.") and "NLE files:" in message


def test_ctrl_z_undoes_and_ctrl_shift_z_redoes_decisions(qtbot, window):
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_P)
    press(qtbot, window, K.Key_4)
    assert (state(window, "flag"), state(window, "rating")) == ("pick", 4)
    press(qtbot, window, K.Key_Z, CTRL)
    assert (state(window, "flag"), state(window, "rating")) == ("pick", 0)
    press(qtbot, window, K.Key_Z, CTRL)
    assert state(window, "flag") == "none"
    press(qtbot, window, K.Key_Z, CTRL | SHIFT)
    assert state(window, "flag") == "pick"
    assert window.actions["undo"].text() == "&Undo Pick beach_kling_a.mp4"


def test_ctrl_g_ctrl_l_and_ctrl_q(qtbot, window):
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_G, CTRL)
    assert window.browser.view_mode() == "list"
    press(qtbot, window, K.Key_G, CTRL)
    assert window.browser.view_mode() == "grid"
    press(qtbot, window, K.Key_L, CTRL)
    assert window.deck.player.loop is True
    press(qtbot, window, K.Key_Q, CTRL)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert window.settings.value("window/view") == "grid"


def test_ctrl_o_opens_a_batch_folder(qtbot, inline_jobs, window, media, tmp_path):
    more = tmp_path / "Night batch"
    media.clip("night_kling.mp4", folder=more, duration=1.0, size="160x90")

    def choose():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            dialog.setDirectory(str(more))   # a folder dialog returns the folder it is in
            dialog.accept()
            QTimer.singleShot(2000, dialog, lambda: dialog.isVisible() and dialog.reject())  # never hang the suite
        else:
            QTimer.singleShot(50, choose)

    QTimer.singleShot(50, choose)
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_O, CTRL)
    assert window.windowTitle() == "Sound-On — Night batch"
    assert [t.rel_path for t in window.library.takes("Night batch")] == ["night_kling.mp4"]


def test_ctrl_f_searches_and_esc_clears(qtbot, window):
    focus(qtbot, window, "grid")
    press(qtbot, window, K.Key_F, CTRL)
    search = window.browser.search
    qtbot.waitUntil(search.hasFocus, timeout=2000)
    qtbot.keyClicks(search, "seed")          # letters go to the field, not to the review keys
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    assert window.model.take_at(0).rel_path == "beach_seedance_a.mp4"
    assert window.library.review_state(window.model.take_at(0).id)["flag"] == "none"   # "e" is not a key here
    assert window.browser.count.text() == "1 of 4 takes"
    qtbot.keyClick(search, K.Key_Escape)
    assert window.model.rowCount() == 4 and search.text() == ""
    assert not window.in_compare() and not search.hasFocus()


def test_every_key_in_the_map_is_covered():
    """The keys above cover the whole map (a new key needs a test here)."""
    tested = {"open_batch", "export_picks", "quit", "undo", "redo", "play_pause", "shuttle_back", "shuttle_stop",
              "shuttle_forward", "frame_back", "frame_forward", "second_back", "second_forward", "loop", "mark_in",
              "mark_out", "clear_marks", "add_note", "first_frame", "last_frame", "previous_take", "next_take", "pick", "reject", "unflag",
              *(f"rate_{n}" for n in range(6)), "audio_verdict", "cycle_profile", "cycle_noise", "volume_down",
              "volume_up", "match_loudness", "hear_post", "compare",
              "audible_1", "audible_2", "audible_3", "audible_4", "leave_compare", "toggle_grid", "find_takes",
              "attach_post_track", "detach_post_track",   # these two: tests/ui/test_attach_post_track.py
              # these: tests/ui/test_post_lane.py
              "slip_earlier_frame", "slip_later_frame", "slip_earlier_10ms", "slip_later_10ms", "align_to_native"}
    assert {b.name for b in KEYMAP} == tested


def test_file_open_manifest(qtbot, inline_jobs, window, media, tmp_path):
    import json as _json
    folder = tmp_path / "Manifested"
    media.clip("shot_a.mp4", folder=folder, duration=1.0, size="160x90", audio="sine=frequency=350")
    (folder / "takes.json").write_text(_json.dumps([{"file": "shot_a.mp4", "model": "Bach", "prompt": "A harbour"}]))

    def choose():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            # Typed into the file name box, as an editor can (the folder view fills in asynchronously).
            dialog.findChild(QLineEdit, "fileNameEdit").setText(str(folder / "takes.json"))
            dialog.accept()
            QTimer.singleShot(2000, dialog, lambda: dialog.isVisible() and dialog.reject())  # never hang the suite
        else:
            QTimer.singleShot(50, choose)

    QTimer.singleShot(50, choose)
    window.open_manifest_action.trigger()
    assert [(t.rel_path, t.model) for t in window.library.takes("Manifested")] == [("shot_a.mp4", "Bach")]


def test_p_picks_every_take_picked_out_with_ctrl_click_in_the_grid(qtbot, window):
    """Click a card, Ctrl+click two more, press P: all three are picked, the fourth is not."""
    grid, order = window.browser.grid, window.model.take_ids()

    def centre(take_id):
        return grid.visualRect(window.model.index(window.model.row_of(take_id), 0)).center()

    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=centre(order[0]))
    for take_id in order[1:3]:
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, CTRL, centre(take_id))
    qtbot.waitUntil(lambda: len(window.browser.selection_model.selectedRows()) == 3, timeout=2000)
    qtbot.keyClick(grid, Qt.Key.Key_P)
    assert [window.library.take(i).flag for i in order] == ["pick", "pick", "pick", "none"]
