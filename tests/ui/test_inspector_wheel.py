"""The mouse wheel over the inspector scrolls it: it never changes a combo box or a slider the editor
has not clicked into, and a batch setting that does change (the delivery target) is one undo step."""
from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from soundon.core.targets import DEFAULT_TARGET

CTRL = Qt.KeyboardModifier.ControlModifier


def wheel(widget, steps: int = -1) -> None:
    """A real wheel notch (or several) over the middle of the widget, as the mouse sends it."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def batch_target(window) -> str:
    take = window.library.take(window.current_take_id())
    return window.library.batch_named(take.batch)["target"] or DEFAULT_TARGET


def test_wheel_over_the_delivery_target_leaves_it_alone(qtbot, window):
    combo = window.inspector.translation.target
    before = batch_target(window)
    for steps in (-1, -1, 1, -3):
        wheel(combo, steps)
    assert batch_target(window) == before
    assert combo.currentData() == before


def test_wheel_over_the_phone_volume_and_the_filters_leaves_them_alone(qtbot, window):
    window.listening.cycle_profile()   # a phone profile: the volume slider is enabled
    while not window.phone_volume.isEnabled():
        window.listening.cycle_profile()
    volume = window.listening.volume_db
    wheel(window.phone_volume.slider, -2)
    assert window.listening.volume_db == volume
    flag_filter = window.browser.flag_filter
    wheel(flag_filter, -1)
    assert flag_filter.currentIndex() == 0
    assert window.model.rowCount() == 4


def test_a_new_delivery_target_is_undone_with_ctrl_z(qtbot, window):
    combo = window.inspector.translation.target
    before = batch_target(window)
    other = next(combo.itemData(i) for i in range(combo.count()) if combo.itemData(i) != before)
    combo.activated.emit(combo.findData(other))   # the editor picks it from the open list
    assert batch_target(window) == other
    qtbot.waitUntil(lambda: combo.currentData() == other, timeout=3000)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL)
    assert batch_target(window) == before
    qtbot.waitUntil(lambda: combo.currentData() == before, timeout=3000)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert batch_target(window) == other


def test_the_wheel_scrolls_the_takes_grid_and_the_inspector(qtbot, window):
    """What the guard lets through: a scroll area under the pointer scrolls (its scroll bar is a
    slider too, and it never has the focus)."""
    window.show()
    window.resize(700, 700)
    grid, inspector = window.browser.grid, window.inspector
    qtbot.waitUntil(lambda: grid.verticalScrollBar().maximum() > 0 and inspector.verticalScrollBar().maximum() > 0,
                    timeout=3000)
    for area in (grid, inspector):
        bar = area.verticalScrollBar()
        bar.setValue(0)
        wheel(area.viewport(), -1)
        assert bar.value() > 0, f"{type(area).__name__} did not scroll"
        wheel(area.viewport(), 1)
        assert bar.value() == 0
