"""Marking In and Out, shuttling and changing takes never change the transport's width, so the side
panels keep their size; and a squeezed layout is never what the next start opens with."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


K = Qt.Key


def loaded(qtbot, window) -> None:
    qtbot.waitUntil(lambda: window.deck.player.length > 0, timeout=5000)


def widths(window) -> tuple[int, int, int]:
    return window.batches_dock.width(), window.inspector_dock.width(), window.transport.minimumSizeHint().width()


def test_marking_in_and_out_keeps_the_side_panels(qtbot, window):
    loaded(qtbot, window)
    qtbot.waitUntil(lambda: window.batches_dock.width() == 230, timeout=3000)   # the first-run layout
    before = widths(window)
    window.seek(1.2)
    qtbot.waitUntil(lambda: window.position() > 1.0, timeout=3000)
    qtbot.keyClick(window.browser.view, K.Key_I)
    window.seek(1.8)
    qtbot.waitUntil(lambda: window.position() > 1.6, timeout=3000)
    qtbot.keyClick(window.browser.view, K.Key_O)
    assert window.transport.marks.text().startswith("In 00:00:01:")
    qtbot.keyClick(window.browser.view, K.Key_J)   # shuttle back: the speed readout appears
    qtbot.keyClick(window.browser.view, K.Key_J)
    qtbot.waitUntil(lambda: window.transport.speed.text() != "", timeout=3000)
    QApplication.sendPostedEvents()   # the layout requests the readout posted, carried out (it must not change)
    QApplication.processEvents()
    assert widths(window) == before


def test_a_squeezed_layout_is_never_saved(qtbot, window, imported, ui_settings, open_window):
    loaded(qtbot, window)
    window.seek(1.2)
    qtbot.keyClick(window.browser.view, K.Key_I)
    window.resize(1100, 800)   # narrower than the panels need: squeezed…
    qtbot.waitUntil(lambda: window.batches_dock.width() < 120, timeout=3000)
    window.resize(1440, 800)   # …and wide again: Qt gives the room to the player, the panels stay squeezed
    qtbot.waitUntil(lambda: window.width() == 1440, timeout=3000)
    window.close()
    again = open_window(imported, ui_settings)
    qtbot.waitUntil(lambda: again.current_take_id() is not None, timeout=3000)
    qtbot.waitUntil(lambda: again.batches_dock.width() >= 150, timeout=3000)
    assert again.inspector_dock.width() >= 260
    again.close()
