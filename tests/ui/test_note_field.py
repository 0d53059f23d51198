"""Enter opens the note field where the editor can see it: the inspector scrolls it into view."""
from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication


def shown_in_inspector(window) -> bool:
    field, viewport = window.inspector.note_field, window.inspector.viewport()
    top_left = field.mapTo(viewport, field.rect().topLeft())
    return viewport.rect().contains(QRect(top_left, field.size()))


def test_enter_opens_the_note_field_in_view(qtbot, window):
    window.resize(window.width(), 700)   # a laptop screen: the inspector is taller than its dock
    qtbot.waitUntil(lambda: window.inspector.verticalScrollBar().maximum() > 0, timeout=3000)
    window.inspector.verticalScrollBar().setValue(0)
    assert not shown_in_inspector(window)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Return)
    field = window.inspector.note_field
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=2000)
    qtbot.waitUntil(lambda: shown_in_inspector(window), timeout=2000)
    assert window.inspector.note_range.visibleRegion().boundingRect().height() > 0   # and what it is for
    qtbot.keyClicks(field, "hiss at the start")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert [n["text"] for n in window.library.notes(window.current_take_id())] == ["hiss at the start"]
