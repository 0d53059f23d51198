"""The mouse wheel scrolls what is under it: a combo box, slider or spin box the editor has not
clicked into never turns with it (scrolling the inspector once changed a batch's delivery target).

One application event filter covers every such control, in every panel and dialog. A scroll bar is
a slider too, and never has the focus; a scroll area scrolls by handing the wheel to it, so it is
let through (guarded, no scroll area in the app turned with the wheel).
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox, QScrollBar

_TURNED_BY_THE_WHEEL = (QComboBox, QAbstractSlider, QAbstractSpinBox)


class WheelGuard(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if (event.type() == QEvent.Type.Wheel and isinstance(watched, _TURNED_BY_THE_WHEEL)
                and not isinstance(watched, QScrollBar) and not watched.hasFocus()):
            event.ignore()   # handled here, not accepted: Qt passes it on to the scroll area beneath
            return True
        return False
