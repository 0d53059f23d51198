"""Compare: three takes of one prompt side by side, in sync, one audible at a time."""
import pytest
from PySide6.QtCore import Qt



def open_compare(qtbot, window):
    window.browser.grid.setFocus()
    qtbot.keyClick(window.browser.grid, Qt.Key.Key_C)
    assert window.in_compare()
    compare = window.compare
    qtbot.waitUntil(lambda: all(p.state.value == "paused" and p.length > 0 for p in compare.players()), timeout=8000)
    return compare


def test_one_transport_drives_all_in_sync(qtbot, window):
    compare = open_compare(qtbot, window)
    assert len(compare.players()) == 3
    compare.play()
    qtbot.waitUntil(lambda: all(p.is_playing() for p in compare.players()), timeout=5000)
    frame = 1 / 25
    # Takes start from separate libVLC players: the sync checks (every 200 ms) bring them within a
    # frame; on a loaded machine the first check may still see a start-up lag.
    qtbot.waitUntil(lambda: compare.max_drift() < frame, timeout=2000)
    # Knock one follower 300 ms off: the sync brings it back within a frame.
    follower = compare.players()[1]
    follower.seek(follower.position() + 0.3)
    qtbot.waitUntil(lambda: compare.max_drift() < frame, timeout=3000)
    compare.pause()
    qtbot.waitUntil(lambda: not compare.is_playing(), timeout=3000)
    # Paused together on the same frame (a shorter take holds its own last frame).
    lead = compare.leader().position()
    for player in compare.players():
        assert player.position() == pytest.approx(min(lead, player.length - frame), abs=1e-6)


def test_exactly_one_take_is_heard_on_the_device(qtbot, window, sound_server):
    """What reached the sound server: only the chosen take's tone (each take has its own sine)."""
    from soundon.ui.player import live_audio
    from tests.sound_server import RATE, tone_level
    from tests.ui.conftest import TAKES
    tone = {name: float(audio.split("=")[2].split(":")[0]) for name, *_, audio in TAKES if audio.startswith("sine")}
    window.listening.set_profile("headphones")   # each take's tone as it is (a phone thins 220 Hz)
    compare = open_compare(qtbot, window)
    names = [t["rel_path"] for t in compare.takes()]
    output = live_audio.live_output()

    def heard(recorder) -> str | None:
        last = recorder.samples()[-int(0.08 * RATE):, 0]
        levels = {name: tone_level(last, tone[name]) for name in names}
        loudest = max(levels, key=levels.get)
        others = [level for name, level in levels.items() if name != loudest]
        return loudest if levels[loudest] > 0.05 and max(others) < levels[loudest] / 10 else None

    with sound_server.recorder() as recorder:
        qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
        compare.play()
        qtbot.waitUntil(lambda: all(p.is_playing() for p in compare.players()), timeout=5000)
        qtbot.waitUntil(lambda: heard(recorder) == names[0], timeout=3000)
        qtbot.keyClick(window.browser.grid if window.browser.grid.hasFocus() else window, Qt.Key.Key_3)
        qtbot.waitUntil(lambda: heard(recorder) == names[2], timeout=1000)
        compare.cells[1].clicked.emit(1)   # a click on the second take
        qtbot.waitUntil(lambda: heard(recorder) == names[1], timeout=1000)
    assert window.inspector.title.text().replace("\u200b", "") == compare.audible_take()["rel_path"]


def test_compare_needs_two_takes(qtbot, window):
    order = window.proxy.take_ids()
    train = next(t for t in window.model.rows() if t["rel_path"] == "train_veo_b.mp4")
    window.select_take(train["id"])
    assert window.open_compare() is False   # alone in its prompt group
    assert not window.in_compare()
    # Two selected takes are compared whatever their groups.
    from PySide6.QtCore import QItemSelectionModel
    selection = window.browser.selection_model
    selection.select(window.proxy.index(window.proxy.row_of(order[0]), 0),
                     QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert window.open_compare() is True
    assert {t["id"] for t in window.compare.takes()} == {order[0], train["id"]}
    window.leave_compare()
    assert window.compare.players() == []


@pytest.mark.parametrize("key", [Qt.Key.Key_P, Qt.Key.Key_X])
def test_decisions_from_compare_go_to_the_audible_take(qtbot, window, key):
    compare = open_compare(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_2)
    target = compare.audible_take()["id"]
    qtbot.keyClick(window, key)
    expected = "pick" if key == Qt.Key.Key_P else "reject"
    assert window.library.take(target)["flag"] == expected
    others = [t["id"] for t in compare.takes() if t["id"] != target]
    assert all(window.library.take(i)["flag"] == "none" for i in others)
    qtbot.waitUntil(lambda: expected.capitalize() in compare.cells[1].badges.text(), timeout=2000)
