"""Review keys are commands wherever focus is: a key whose action is off at the moment (Shift+A with
no post track) or a letter with no action never jumps the batch tree or the takes by type-ahead."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

K = Qt.Key
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.mark.parametrize("where", ["tree", "grid", "list"])
def test_keys_never_type_ahead(qtbot, window, where):
    if where == "list":
        window.actions["toggle_grid"].setChecked(False)
    view = {"tree": window.tree, "grid": window.browser.grid, "list": window.browser.table}[where]
    view.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is view, timeout=2000)
    if where != "tree":
        window.cursor.select_row(1)
    scope, take, title = window.tree.currentIndex().data(), window.current_take_id(), window.windowTitle()
    assert not window.actions["hear_post"].isEnabled()   # no post track: Shift+A has nothing to do
    for key, modifier in ((K.Key_A, SHIFT), (K.Key_B, SHIFT), (K.Key_T, Qt.KeyboardModifier.NoModifier),
                          (K.Key_B, Qt.KeyboardModifier.NoModifier), (K.Key_A, SHIFT)):
        qtbot.keyClick(view, key, modifier)
    assert window.tree.currentIndex().data() == scope
    assert window.current_take_id() == take
    assert window.windowTitle() == title
