"""The look: Fusion with a dark palette, the style sheet from resources/style.qss, and the icons.

Fusion draws the same on Linux, Windows and macOS, so screenshots, docs and muscle memory match.
"""
from __future__ import annotations

import functools

from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from soundon.resources import resource_path

DARK = {
    QPalette.ColorRole.Window: "#202226",
    QPalette.ColorRole.WindowText: "#d6dae0",
    QPalette.ColorRole.Base: "#1b1d21",
    QPalette.ColorRole.AlternateBase: "#1f2125",
    QPalette.ColorRole.ToolTipBase: "#272a2f",
    QPalette.ColorRole.ToolTipText: "#e6e9ed",
    QPalette.ColorRole.PlaceholderText: "#6b717a",
    QPalette.ColorRole.Text: "#e6e9ed",
    QPalette.ColorRole.Button: "#33373e",
    QPalette.ColorRole.ButtonText: "#e6e9ed",
    QPalette.ColorRole.BrightText: "#ffffff",
    QPalette.ColorRole.Highlight: "#2c4a6e",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.Link: "#7fb3ee",
}


def apply_theme(app: QApplication) -> None:
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in DARK.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b717a"))
    app.setPalette(palette)
    sheet = resource_path("style.qss")
    if sheet.is_file():
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))
    app.setWindowIcon(icon("app"))


@functools.cache
def icon(name: str) -> QIcon:
    """An icon from resources/icons (an empty icon if the file is missing: never fatal)."""
    path = resource_path("icons", f"{name}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()
