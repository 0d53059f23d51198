"""The small questions the window asks: a name or a value (with the known ones to choose from), and
a yes/no before something that cannot be undone. Each returns None or False when the editor cancels."""
from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

from soundon import APP_NAME


def ask_text(parent: QWidget, title: str, label: str, current: str, choices: list[str] | None = None) -> str | None:
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    if choices:
        dialog.setComboBoxItems(choices)
        dialog.setComboBoxEditable(True)   # one of these, or a new one typed in
    else:
        dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    dialog.setTextValue(current)
    return dialog.textValue() if dialog.exec() == QInputDialog.DialogCode.Accepted else None


def confirm(parent: QWidget, question: str, detail: str, action: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, question, parent=parent)
    box.setInformativeText(detail)
    yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is yes
