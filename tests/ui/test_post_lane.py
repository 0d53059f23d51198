"""The post lane under the picture: the take's post track slipped by key, by dragging and by a typed
offset, fitted, faded, levelled and bedded; each change written to the library's swap spec at once,
one undo step, and shown in the lane's readout. Align to Native applies a found offset only when the
editor accepts it, and refuses a low-confidence match."""
from __future__ import annotations

import json
import sqlite3

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractSlider, QToolButton

from soundon.jobs.importer import Importer
from soundon.media.dsp.decode import decode
from tests.signals import cut_from, write_wav
from tests.ui.dialogs import answer_dialogs, back_to_window, choose_from_menu_bar
from tests.unit.test_align import TAKE_AUDIO

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
FRAME = 1 / 25


def stored_spec(window, take_id: int) -> dict:
    """The swap spec as the library file holds it (read with a connection of its own)."""
    with sqlite3.connect(window.library.path) as db:
        row = db.execute("SELECT spec FROM swap_specs WHERE take_id = ?", [take_id]).fetchone()
    return json.loads(row[0]) if row else {}


def attach(qtbot, window, track) -> int:
    take_id = window.current_take_id()
    assert window.post_track.attach([take_id], track)
    qtbot.waitUntil(lambda: window.post_lane.isVisible(), timeout=3000)
    qtbot.waitUntil(lambda: window.post_lane.timeline.timing() is not None, timeout=10000)   # its waveform
    back_to_window(qtbot, window)
    return take_id


@pytest.fixture
def track(media, tmp_path):
    return media.clip("post_mix.wav", folder=tmp_path / "post", duration=2.0, video="")


def test_the_lane_shows_only_for_a_take_with_a_post_track(qtbot, window, track):
    assert not window.post_lane.isVisible()
    assert not window.actions["slip_later_frame"].isEnabled()
    attach(qtbot, window, track)
    assert window.post_lane.readout_text() == "+0.0 ms · +0.00 frames"
    assert "Alt+Right" in window.actions["slip_later_frame"].shortcut().toString()
    window.undo_stack.undo()     # detached again: the lane goes
    qtbot.waitUntil(lambda: not window.post_lane.isVisible(), timeout=3000)


def test_alt_arrows_slip_by_a_frame_and_alt_shift_arrows_by_10_ms(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    keys = window.browser.view
    qtbot.keyClick(keys, Qt.Key.Key_Right, ALT)
    assert stored_spec(window, take_id)["offset"] == pytest.approx(FRAME)
    assert window.post_lane.readout_text() == "+40.0 ms · +1.00 frames"
    qtbot.keyClick(keys, Qt.Key.Key_Right, ALT | SHIFT)
    qtbot.keyClick(keys, Qt.Key.Key_Right, ALT | SHIFT)
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.060)
    qtbot.keyClick(keys, Qt.Key.Key_Left, ALT)
    qtbot.keyClick(keys, Qt.Key.Key_Left, ALT | SHIFT)
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.010)
    assert window.post_lane.readout_text() == "+10.0 ms · +0.25 frames"
    assert window.current_take().swap.spec.offset == pytest.approx(0.010)   # what live listening is given

    window.undo_stack.undo()
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.020)
    assert window.post_lane.readout_text() == "+20.0 ms · +0.50 frames"
    window.undo_stack.redo()
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.010)
    for _ in range(5):
        window.undo_stack.undo()
    assert stored_spec(window, take_id)["offset"] == 0.0
    assert window.post_lane.readout_text() == "+0.0 ms · +0.00 frames"


def test_the_slip_keys_sit_in_the_review_menu(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    choose_from_menu_bar(qtbot, window, "Review", "Slip Post Track Later (10 ms)")
    qtbot.waitUntil(lambda: stored_spec(window, take_id)["offset"] == pytest.approx(0.010), timeout=3000)


def test_dragging_the_post_waveform_slips_it_by_the_dragged_time(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    timeline = window.post_lane.timeline
    y = int(timeline.height() * 0.75)            # the post row
    start, moved = QPoint(timeline.width() // 3, y), 120
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 7):
        qtbot.mouseMove(timeline, QPoint(start.x() + moved * step // 6, y))
    assert window.post_lane.readout_text().startswith("+")       # the readout follows the mouse
    assert stored_spec(window, take_id)["offset"] == 0.0         # written once, where the drag ends
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + moved, y))
    dragged = moved * timeline.seconds_per_pixel()
    assert stored_spec(window, take_id)["offset"] == pytest.approx(dragged, abs=FRAME)
    assert window.undo_stack.undoText().startswith("Slip post track")
    window.undo_stack.undo()
    assert stored_spec(window, take_id)["offset"] == 0.0


def test_a_drag_goes_on_when_the_take_is_refreshed_under_it(qtbot, window, track):
    """The library says the take changed while the mouse is down (its analysis finished, a rating
    came from the CLI): the drag is not lost, and its release is written."""
    take_id = attach(qtbot, window, track)
    timeline = window.post_lane.timeline
    y = int(timeline.height() * 0.75)
    start, moved = QPoint(timeline.width() // 3, y), 90
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, QPoint(start.x() + moved // 2, y))
    window.library.set_rating(take_id, 4)          # the take comes back from the library, as it holds it
    qtbot.waitUntil(lambda: window.current_take().rating == 4, timeout=3000)
    qtbot.mouseMove(timeline, QPoint(start.x() + moved, y))
    assert timeline.shown_offset() == pytest.approx(moved * timeline.seconds_per_pixel(), abs=0.001)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + moved, y))
    assert stored_spec(window, take_id)["offset"] == pytest.approx(moved * timeline.seconds_per_pixel(), abs=0.001)


def test_a_drag_ends_unwritten_when_another_take_comes_on_screen(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    other = next(t.id for t in window.library.takes() if t.id != take_id)
    window.post_track.attach([other], track)
    timeline = window.post_lane.timeline
    y = int(timeline.height() * 0.75)
    start = QPoint(timeline.width() // 3, y)
    qtbot.mousePress(timeline, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(timeline, QPoint(start.x() + 60, y))
    assert timeline.shown_offset() > 0
    window.select_take(other)
    qtbot.waitUntil(lambda: window.current_take_id() == other, timeout=3000)
    qtbot.mouseRelease(timeline, Qt.MouseButton.LeftButton, pos=QPoint(start.x() + 60, y))
    assert stored_spec(window, take_id)["offset"] == 0.0
    assert stored_spec(window, other)["offset"] == 0.0
    assert window.post_lane.readout_text() == "+0.0 ms · +0.00 frames"


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, 5):
        qtbot.mouseMove(widget, start + (end - start) * step / 4)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


def test_the_fade_handles_set_the_fades_as_the_fields_do(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    lane, timeline = window.post_lane, window.post_lane.timeline
    handles = timeline.fade_handles()
    at_in, at_out = handles["fade_in"].toPoint(), handles["fade_out"].toPoint()
    assert at_in.x() == 0 and at_out.x() == timeline.width() - 1   # no fades: at the track's top corners
    spp = timeline.seconds_per_pixel()

    drag(qtbot, timeline, at_in, at_in + QPoint(40, 0))            # the fade-in's corner, dragged right
    assert stored_spec(window, take_id)["fade_in"] == pytest.approx(40 * spp, abs=0.001)
    assert lane.fade_in.value() == pytest.approx(round(40 * spp, 3) * 1000)
    assert window.undo_stack.undoText().startswith("Fade-in")
    assert timeline.fade_handles()["fade_in"].x() == pytest.approx(40, abs=1)   # the handle sits at its end

    drag(qtbot, timeline, at_out, at_out - QPoint(60, 0))          # the fade-out's corner, dragged left
    assert stored_spec(window, take_id)["fade_out"] == pytest.approx(60 * spp, abs=0.001)
    assert lane.fade_out.value() == pytest.approx(round(60 * spp, 3) * 1000)
    assert stored_spec(window, take_id)["offset"] == 0.0           # a handle's drag is not a slip

    drag(qtbot, timeline, at_out - QPoint(60, 0), QPoint(0, at_out.y()))   # no longer than the track leaves
    fades = stored_spec(window, take_id)
    assert fades["fade_in"] + fades["fade_out"] <= 2.0 + 1e-6

    window.undo_stack.undo()
    window.undo_stack.undo()
    window.undo_stack.undo()
    assert stored_spec(window, take_id)["fade_in"] is None and stored_spec(window, take_id)["fade_out"] is None
    assert lane.fade_in.text() == "auto"


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_a_typed_offset_is_written_and_undoable(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    type_into(qtbot, window.post_lane.offset, "120")
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.120)
    assert window.post_lane.readout_text() == "+120.0 ms · +3.00 frames"
    window.undo_stack.undo()
    assert stored_spec(window, take_id)["offset"] == 0.0
    assert window.post_lane.offset.value() == 0.0


def choose_in_combo(qtbot, combo, text: str) -> None:
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible, timeout=2000)
    index = next(view.model().index(i, 0) for i in range(combo.count()) if combo.itemText(i) == text)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=2000)


def test_fit_fades_level_and_bed_are_written_and_each_undone(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    lane = window.post_lane
    steps = [
        (lambda: choose_in_combo(qtbot, lane.fit, "Loop"), "fit", "loop"),
        (lambda: type_into(qtbot, lane.fade_in, "200"), "fade_in", 0.2),
        (lambda: type_into(qtbot, lane.fade_out, "350"), "fade_out", 0.35),
        (lambda: choose_in_combo(qtbot, lane.level, "Gain (dB)"), "level", {"gain": 0.0}),
        (lambda: type_into(qtbot, lane.level_value, "-3"), "level", {"gain": -3.0}),
        (lambda: choose_in_combo(qtbot, lane.level, "EBU R128 (−23 LUFS)"), "level", {"target": "ebu-r128"}),
        (lambda: lane.bed.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd), "bed", -55.0),
    ]
    history = []
    for act, field, value in steps:
        before = stored_spec(window, take_id)
        act()
        after = stored_spec(window, take_id)
        assert after[field] == value, field
        history.append((before, after))
    assert lane.bed_label.text() == "Bed −55 dB"
    assert window.current_take().swap.spec.bed == -55.0
    for before, after in reversed(history):
        window.undo_stack.undo()
        assert stored_spec(window, take_id) == before
    assert lane.fit.currentText() == "Trim + pad" and lane.fade_in.text() == "auto"
    for before, after in history:
        window.undo_stack.redo()
        assert stored_spec(window, take_id) == after
    assert lane.level.currentText() == "EBU R128 (−23 LUFS)" and lane.bed_label.text() == "Bed −55 dB"


def test_a_spec_the_track_cannot_take_is_refused_and_nothing_changes(qtbot, window, media, tmp_path):
    short = media.clip("short.wav", folder=tmp_path / "post", duration=0.5, video="")
    take_id = attach(qtbot, window, short)   # the take lasts 2 s
    choose_in_combo(qtbot, window.post_lane.fit, "Trim")
    assert "--fit pad" in window.statusBar().currentMessage()
    assert stored_spec(window, take_id)["fit"] == "trim+pad"
    assert window.post_lane.fit.currentText() == "Trim + pad"


@pytest.fixture
def shoot(qtbot, media, library, ui_settings, open_window, tmp_path):
    """A window on one 6 s take (25 fps) whose audio has a rhythm."""
    media.clip("kling_a.mp4", duration=6, folder=tmp_path / "batch", size="160x90", **TAKE_AUDIO)
    Importer(library).run([tmp_path / "batch"])
    window = open_window(library, ui_settings)
    qtbot.waitUntil(lambda: window.current_take_id() is not None, timeout=3000)
    return window


def test_align_applies_the_found_offset_only_when_the_editor_accepts(qtbot, shoot, tmp_path):
    window = shoot
    samples = cut_from(decode(window.current_take().path, 2), 0.1234, 4.0, gain_db=-9, noise_dbfs=-45)
    take_id = attach(qtbot, window, write_wav(tmp_path / "mix.wav", samples))
    seen = []
    answer_dialogs(qtbot, seen, {"button": "Cancel"})
    choose_from_menu_bar(qtbot, window, "Review", "Align Post Track to Native…")
    qtbot.waitUntil(lambda: len(seen) == 1 and window.statusBar().currentMessage().startswith("Alignment not"),
                    timeout=30000)
    assert "at +123.4 ms · +3.08 frames, confidence 0." in seen[0][1]   # 123.4 ms at 25 fps
    assert stored_spec(window, take_id)["offset"] == 0.0

    back_to_window(qtbot, window)
    answer_dialogs(qtbot, seen, {"button": "Apply Offset"})
    button = next(b for b in window.post_lane.findChildren(QToolButton)
                  if b.defaultAction() is window.actions["align_to_native"])
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stored_spec(window, take_id)["offset"] != 0.0, timeout=30000)
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.1234, abs=0.001)
    assert window.post_lane.readout_text().startswith("+123.")
    window.undo_stack.undo()
    assert stored_spec(window, take_id)["offset"] == 0.0


def test_align_refuses_a_low_confidence_match_and_changes_nothing(qtbot, shoot, media, tmp_path):
    window = shoot
    unrelated = media.clip("other.wav", video="", duration=4, folder=tmp_path / "tracks",
                           audio="anoisesrc=color=pink:seed=99:amplitude=0.4:sample_rate=48000",
                           audio_filter="tremolo=f=4:d=0.9")
    take_id = attach(qtbot, window, unrelated)
    type_into(qtbot, window.post_lane.offset, "40")
    back_to_window(qtbot, window)
    seen = []
    answer_dialogs(qtbot, seen, {"button": "OK"})
    window.actions["align_to_native"].trigger()
    qtbot.waitUntil(lambda: len(seen) == 1, timeout=30000)
    assert seen[0][1].startswith("No reliable match (confidence 0.")
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.040)
    assert window.undo_stack.undoText().startswith("Slip post track")


def test_the_lane_never_makes_the_player_wider_than_its_transport(qtbot, window, track):
    """A wider player would squeeze the side panels (tests/ui/test_transport_layout.py)."""
    attach(qtbot, window, track)
    window.post_lane.set_track("a very long post track name for the final mix v12.wav", window.post_lane.spec())
    assert window.post_lane.minimumSizeHint().width() <= window.transport.minimumSizeHint().width()


def test_the_in_out_range_loops_on_while_the_track_is_slipped(qtbot, window, track):
    take_id = attach(qtbot, window, track)
    player, keys = window.deck.player, window.browser.view
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    player.seek(0.4)
    qtbot.keyClick(keys, Qt.Key.Key_I)
    player.seek(1.2)
    qtbot.keyClick(keys, Qt.Key.Key_O)
    loop = next(b for b in window.post_lane.findChildren(QToolButton) if b.defaultAction() is window.actions["loop"])
    qtbot.mouseClick(loop, Qt.MouseButton.LeftButton)        # the lane's loop button is Playback › Loop
    assert player.loop
    positions = []
    window.deck.position_changed.connect(positions.append)
    qtbot.keyClick(keys, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state.value == "playing" and player.position() > 0.8, timeout=10000)
    for _ in range(3):
        qtbot.keyClick(keys, Qt.Key.Key_Right, ALT | SHIFT)
    assert stored_spec(window, take_id)["offset"] == pytest.approx(0.030)
    slipped = len(positions)
    # Played on to Out and round again from In, still playing: slipping neither stops nor moves it.
    qtbot.waitUntil(lambda: any(b < a - 0.3 for a, b in zip(positions[slipped:], positions[slipped + 1:])),
                    timeout=10000)
    assert player.state.value == "playing" and player.loop
    assert window.session.marks() == (pytest.approx(0.4), pytest.approx(1.2))
    assert all(0.35 <= p <= 1.3 for p in positions[slipped:])
    qtbot.keyClick(keys, Qt.Key.Key_Space)


def test_with_no_post_track_the_slip_keys_nudge_a_kept_takes_native_audio(qtbot, window):
    take_id = window.current_take_id()
    keys = window.browser.view
    later = window.actions["slip_later_10ms"]
    assert not later.isEnabled()                       # undecided: nothing to slip, nothing to nudge
    window.library.set_audio_verdict(take_id, "keep")
    qtbot.waitUntil(lambda: later.isEnabled(), timeout=3000)
    assert later.text() == "Nudge Native Audio Later (10 ms)"
    assert not window.post_lane.isVisible()
    for _ in range(8):
        qtbot.keyClick(keys, Qt.Key.Key_Right, ALT | SHIFT)
    qtbot.keyClick(keys, Qt.Key.Key_Left, ALT)
    assert window.library.take(take_id).nudge_ms == pytest.approx(80 - 1000 * FRAME)
    qtbot.waitUntil(lambda: window.inspector.sync.nudge.value() == 40, timeout=3000)
    window.undo_stack.undo()
    assert window.library.take(take_id).nudge_ms == pytest.approx(80)
    window.library.set_audio_verdict(take_id, "replace")
    qtbot.waitUntil(lambda: not later.isEnabled(), timeout=3000)
    assert later.text() == "Slip Post Track Later (10 ms)"
