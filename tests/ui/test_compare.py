"""Compare: three takes of one prompt side by side, in sync, one audible at a time."""
import pytest
from PySide6.QtCore import Qt

from soundon.core.timecode import frame_duration, snap_to_frame



def open_compare(qtbot, window):
    window.browser.grid.setFocus()
    qtbot.keyClick(window.browser.grid, Qt.Key.Key_C)
    assert window.in_compare()
    compare = window.compare
    qtbot.waitUntil(lambda: all(p.state.value == "paused" and p.length > 0 for p in compare.players()), timeout=8000)
    return compare


# Long enough that every take is still playing while the drift is measured, at three frame rates.
LONG_TAKES = [(f"long_{model.split()[0].lower()}.mp4", model, "A lighthouse in a storm.", 8.0,
               f"sine=frequency={tone}:sample_rate=48000", fps)
              for model, tone, fps in (("Kling 3.0", 440, 25), ("Veo 3.1", 660, 24), ("Seedance 2.0", 220, 30))]


def drift_while_playing(qtbot, compare, seconds: float) -> float:
    """The largest distance between a take and the audible one, sampled every 20 ms for this long,
    each take's position read in the same instant; every take must play throughout."""
    worst, samples = 0.0, 0

    def sample() -> bool:
        nonlocal worst, samples
        players = compare.players()
        assert all(p.is_playing() for p in players), "a take stopped while its drift was measured"
        lead = compare.leader().heard_position()
        worst = max(worst, *(abs(p.heard_position() - lead) for p in players))
        samples += 1
        return samples * 0.02 >= seconds

    qtbot.waitUntil(sample, timeout=int(seconds * 1000) + 5000)   # a condition polled every few ms
    return worst


@pytest.mark.parametrize("batch_folder", [LONG_TAKES], indirect=True)
def test_one_transport_drives_all_in_sync(qtbot, window):
    compare = open_compare(qtbot, window)
    assert len(compare.players()) == 3
    compare.group.play()
    qtbot.waitUntil(lambda: all(p.is_playing() for p in compare.players()), timeout=5000)
    frame = 1 / 30
    lead = compare.leader()
    # Takes start from separate libVLC players, tens of milliseconds apart: after a second the sync
    # has them within a frame, and keeps them there while they play.
    qtbot.waitUntil(lambda: lead.position() > 1.0, timeout=5000)
    assert drift_while_playing(qtbot, compare, 1.5) < frame
    # Knock one take 300 ms off: within two and a half seconds the sync has it back, and keeps it there.
    follower = compare.players()[1]
    follower.seek(follower.position() + 0.3)
    knocked_at = lead.position()
    qtbot.waitUntil(lambda: lead.position() > knocked_at + 2.5, timeout=6000)
    assert drift_while_playing(qtbot, compare, 1.0) < frame
    compare.group.pause()
    qtbot.waitUntil(lambda: not compare.group.is_playing(), timeout=3000)
    # Paused together on the same moment: every take holds its own frame (a 24, 25 or 30 fps grid)
    # of the time the lead was paused at, which lies in the lead's frame on screen.
    held = lead.position()
    held_until = held + frame_duration(lead.fps) - 1e-6
    for player in compare.players():
        assert snap_to_frame(held, player.fps) <= player.position() <= snap_to_frame(held_until, player.fps), (
            f"a {player.fps:g} fps take holds {player.position():.4f} s, the {lead.fps:g} fps lead {held:.4f} s")


@pytest.mark.parametrize("batch_folder", [LONG_TAKES], indirect=True)
def test_jkl_shuttle_every_take_together(qtbot, window):
    compare = open_compare(qtbot, window)
    players, actions = compare.players(), window.actions
    actions["shuttle_forward"].trigger()          # L: 1×
    qtbot.waitUntil(lambda: all(p.is_playing() for p in players), timeout=5000)
    actions["shuttle_forward"].trigger()          # L L: 2×, every take
    assert [p.rate for p in players] == [2.0, 2.0, 2.0] and compare.group.shuttle.speed == 2.0
    start = compare.leader().position()
    qtbot.waitUntil(lambda: compare.leader().position() - start >= 2.0, timeout=1500)   # 2 s of take in < 1.5 s
    assert drift_while_playing(qtbot, compare, 0.5) < 2 / 25   # still together at speed
    actions["shuttle_back"].trigger()             # J: paused, stepping back, silent
    qtbot.waitUntil(lambda: not compare.group.is_playing(), timeout=3000)
    back_from = compare.leader().position()
    qtbot.waitUntil(lambda: compare.leader().position() < back_from - 0.15, timeout=3000)
    assert all(abs(p.position() - compare.leader().position()) < 1 / 20 for p in players)
    actions["shuttle_stop"].trigger()             # K
    assert compare.group.shuttle.speed == 0.0 and not compare.group.is_playing()
    assert [p.rate for p in players] == [1.0, 1.0, 1.0]


def test_exactly_one_take_is_heard_on_the_device(qtbot, window, sound_server):
    """What reached the sound server: only the chosen take's tone (each take has its own sine)."""
    from soundon.ui.player import live_audio
    from tests.sound_server import RATE, tone_level
    from tests.ui.conftest import TAKES
    tone = {name: float(audio.split("=")[2].split(":")[0]) for name, *_, audio in TAKES if audio.startswith("sine")}
    window.listening.set_profile("headphones")   # each take's tone as it is (a phone thins 220 Hz)
    compare = open_compare(qtbot, window)
    names = [t.rel_path for t in compare.takes()]
    output = live_audio.live_output()

    def heard(recorder) -> str | None:
        last = recorder.samples()[-int(0.08 * RATE):, 0]
        levels = {name: tone_level(last, tone[name]) for name in names}
        loudest = max(levels, key=levels.get)
        others = [level for name, level in levels.items() if name != loudest]
        return loudest if levels[loudest] > 0.05 and max(others) < levels[loudest] / 10 else None

    with sound_server.recorder() as recorder:
        qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
        compare.group.play()
        qtbot.waitUntil(lambda: all(p.is_playing() for p in compare.players()), timeout=5000)
        qtbot.waitUntil(lambda: heard(recorder) == names[0], timeout=3000)
        qtbot.keyClick(window.browser.grid if window.browser.grid.hasFocus() else window, Qt.Key.Key_3)
        qtbot.waitUntil(lambda: heard(recorder) == names[2], timeout=1000)
        compare.cells[1].clicked.emit(1)   # a click on the second take
        qtbot.waitUntil(lambda: heard(recorder) == names[1], timeout=1000)
    assert window.inspector.title.text().replace("\u200b", "") == compare.audible_take().rel_path


def test_compare_needs_two_takes(qtbot, window):
    order = window.model.take_ids()
    train = next(window.model.take(i) for i in order if window.model.take(i).rel_path == "train_veo_b.mp4")
    window.select_take(train.id)
    assert window.open_compare() is False   # alone in its prompt group
    assert not window.in_compare()
    # Two selected takes are compared whatever their groups.
    from PySide6.QtCore import QItemSelectionModel
    selection = window.browser.selection_model
    selection.select(window.model.index(window.model.row_of(order[0]), 0),
                     QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert window.open_compare() is True
    assert {t.id for t in window.compare.takes()} == {order[0], train.id}
    window.leave_compare()
    assert window.compare.players() == []


@pytest.mark.parametrize("key", [Qt.Key.Key_P, Qt.Key.Key_X])
def test_decisions_from_compare_go_to_the_audible_take(qtbot, window, key):
    compare = open_compare(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2)
    target = compare.audible_take().id
    qtbot.keyClick(window, key)
    expected = "pick" if key == Qt.Key.Key_P else "reject"
    assert window.library.take(target).flag == expected
    others = [t.id for t in compare.takes() if t.id != target]
    assert all(window.library.take(i).flag == "none" for i in others)
    qtbot.waitUntil(lambda: expected.capitalize() in compare.cells[1].badges.text(), timeout=2000)


def test_c_compares_the_two_takes_picked_out_with_ctrl_click(qtbot, window):
    """As an editor does it: click one card, Ctrl+click another (of another prompt), press C."""
    from PySide6.QtCore import QPoint
    grid, order = window.browser.grid, window.model.take_ids()
    first = next(i for i in order if window.model.take(i).rel_path == "beach_veo_a.mp4")
    second = next(i for i in order if window.model.take(i).rel_path == "train_veo_b.mp4")

    def centre(take_id) -> QPoint:
        return grid.visualRect(window.model.index(window.model.row_of(take_id), 0)).center()

    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=centre(first))
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ControlModifier, centre(second))
    qtbot.waitUntil(lambda: len(window.browser.selection_model.selectedRows()) == 2, timeout=2000)
    grid.setFocus()
    qtbot.keyClick(grid, Qt.Key.Key_C)
    assert window.in_compare()
    assert [t.id for t in window.compare.takes()] == [first, second]
