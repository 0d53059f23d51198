"""The scrub bar: waveform, playhead, marks and notes; clicking seeks."""
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor

from soundon.ui.player.scrub_bar import PLAYHEAD, NoteSpan, ScrubBar


@pytest.fixture
def bar(qtbot):
    widget = ScrubBar()
    widget.resize(401, 60)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_time_and_x_map_both_ways(bar):
    bar.set_take(4.0, 25, None)
    assert bar.x_for(0) == 0 and bar.x_for(4.0) == 400 and bar.x_for(2.0) == 200
    assert bar.time_at(100) == pytest.approx(1.0)
    assert bar.time_at(-5) == 0 and bar.time_at(1000) == 4.0


def test_a_click_and_a_drag_ask_for_seeks(qtbot, bar):
    bar.set_take(4.0, 25, None)
    with qtbot.waitSignal(bar.seek_requested) as seek:
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(300, 30))
    assert seek.args[0] == pytest.approx(3.0)


def test_the_waveform_is_drawn_from_the_peaks(qtbot, bar):
    peaks = np.concatenate([np.zeros(200), np.ones(200)]).astype(np.float32)  # silence, then full scale
    bar.set_take(4.0, 25, peaks)
    bar.set_position(0.0)
    image = bar.grab().toImage()
    middle = 33
    quiet, loud = image.pixelColor(100, 12), image.pixelColor(300, 12)
    assert loud.blue() > 150 and quiet.blue() < 60          # bars only where there is sound
    assert image.pixelColor(300, middle).blue() > 150
    assert image.pixelColor(0, middle) == QColor(PLAYHEAD) or image.pixelColor(1, middle) == QColor(PLAYHEAD)


def test_notes_are_ranges_over_the_waveform(qtbot, bar):
    bar.set_take(4.0, 25, None)
    bar.set_notes([NoteSpan(1.0, 2.0, "gull too loud"), NoteSpan(3.0, None, "cut here")])
    assert bar.note_at(1.5).text == "gull too loud"
    assert bar.note_at(3.0).text == "cut here"
    assert bar.note_at(2.5) is None
    image = bar.grab().toImage()
    inside, outside = image.pixelColor(150, 2), image.pixelColor(50, 2)
    assert inside.red() > 200 and outside.red() < 60        # the note lane is lit over 1–2 s only
