"""Driving the window's menus and modal dialogs with the mouse and keys, as an editor does."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QInputDialog, QLineEdit, QMenu, QMessageBox
from pytestqt.qtbot import QtBot


def click_menu_entry(qtbot: QtBot, menu: QMenu, text: str) -> None:
    action = next(a for a in menu.actions() if a.text().replace("&", "") == text)
    qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=menu.actionGeometry(action).center())


def choose_from_menu_bar(qtbot: QtBot, window, title: str, entry: str) -> None:
    bar = window.menuBar()
    menu_action = next(a for a in bar.actions() if a.text().replace("&", "") == title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.actionGeometry(menu_action).center())
    menu = menu_action.menu()
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    click_menu_entry(qtbot, menu, entry)


def context_menu(qtbot: QtBot, view, index) -> QMenu:
    """A right-click on an item of a view: its context menu, open."""
    point = view.visualRect(index).center()
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: isinstance(QApplication.activePopupWidget(), QMenu), timeout=2000)
    return QApplication.activePopupWidget()


def answer_dialogs(qtbot: QtBot, seen: list, *answers: dict) -> None:
    """Answer the next modal dialogs in turn: {"text": ...} types into an input dialog and presses
    Enter, {"button": ...} clicks that button. Each dialog's kind and message go into `seen`. A dialog
    still open 5 s after its answer is closed (a test never hangs on one)."""
    pending = list(answers)

    def act():
        dialog = QApplication.activeModalWidget()
        if dialog is None or any(d is dialog for d in answered):
            QTimer.singleShot(20, act)
            return
        answered.append(dialog)
        answer = pending.pop(0)
        seen.append((type(dialog).__name__, dialog.text() if isinstance(dialog, QMessageBox) else dialog.labelText()))
        if pending:
            QTimer.singleShot(20, act)   # a dialog this one leads to (a refusal after a rename)
        QTimer.singleShot(5000, dialog, lambda: dialog.isVisible() and dialog.reject())
        if isinstance(dialog, QInputDialog):
            field = dialog.findChild(QComboBox)
            edit = field.lineEdit() if field is not None and field.isVisible() else dialog.findChild(QLineEdit)
            edit.selectAll()
            qtbot.keyClick(edit, Qt.Key.Key_Backspace)
            if answer.get("text"):
                qtbot.keyClicks(edit, answer["text"])
            qtbot.keyClick(edit, Qt.Key.Key_Return)
        else:
            target = next(b for b in dialog.findChildren(QAbstractButton)
                          if b.text().replace("&", "") == answer["button"])
            qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(target.width() // 2, target.height() // 2))

    answered: list = []
    QTimer.singleShot(20, act)


def back_to_window(qtbot: QtBot, window) -> None:
    """After a dialog: the window is active again (without a window manager, Xvfb may leave no window
    active), so its keys reach it — as the editor clicking back into it."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
