"""The window's actions, made from the keyboard map: one QAction per binding, with its keys, icon,
tooltip (naming the key) and an application-wide shortcut context, so the key works whichever
widget of the window has focus (a modal dialog still blocks them)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from soundon.ui.keymap import KEYMAP, KeyBinding, tooltip
from soundon.ui.theme import icon


def build_actions(owner: QWidget) -> dict[str, QAction]:
    actions: dict[str, QAction] = {}
    for binding in KEYMAP:
        actions[binding.name] = make_action(owner, binding)
    return actions


def make_action(owner: QWidget, binding: KeyBinding) -> QAction:
    action = QAction(binding.text, owner)
    action.setObjectName(binding.name)
    action.setShortcuts([QKeySequence(k) for k in binding.keys])
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.setToolTip(tooltip(binding))
    action.setStatusTip(tooltip(binding))
    action.setCheckable(binding.checkable)
    if binding.icon:
        action.setIcon(icon(binding.icon))
    # Menus show the key; icons stay out of menus except where they say something (pick/reject).
    action.setIconVisibleInMenu(binding.name in ("pick", "reject", "unflag"))
    owner.addAction(action)  # shortcuts live even for actions not shown in any menu
    return action
