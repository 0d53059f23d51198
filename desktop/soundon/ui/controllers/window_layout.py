"""The side panels' sizes: each dock has a minimum width it is never squeezed below, and a layout
where one is narrower anyway (a window on a screen too small for it) is not saved, so the next start
opens with the last layout that fitted."""
from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

# Narrow enough for a 1280-pixel laptop screen with both panels open; wide enough to read them.
DOCK_MIN_WIDTHS = {"batchesDock": 160, "inspectorDock": 280}


def set_dock_minimums(docks: tuple[QDockWidget, ...]) -> None:
    for dock in docks:
        width = DOCK_MIN_WIDTHS.get(dock.objectName())
        if width:
            dock.setMinimumWidth(width)


def layout_fits(docks: tuple[QDockWidget, ...]) -> bool:
    """True when every docked, visible panel is at least its minimum width."""
    return all(dock.isHidden() or dock.isFloating() or dock.width() >= DOCK_MIN_WIDTHS.get(dock.objectName(), 0)
               for dock in docks)
