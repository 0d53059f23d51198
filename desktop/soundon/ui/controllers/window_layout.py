"""When the side panels' layout is saved: never while a panel is squeezed below the width it needs
to be read (a window narrower than the panels and the player need, on a small screen), so the next
start opens with the last layout that fitted, or the first-run one."""
from __future__ import annotations

from PySide6.QtWidgets import QDockWidget

# The narrowest each panel is still readable at (the inspector's own content needs 260 pixels).
DOCK_MIN_WIDTHS = {"batchesDock": 120, "inspectorDock": 260}


def layout_fits(docks: tuple[QDockWidget, ...]) -> bool:
    """True when every docked, visible panel is at least its minimum width."""
    return all(dock.isHidden() or dock.isFloating() or dock.width() >= DOCK_MIN_WIDTHS.get(dock.objectName(), 0)
               for dock in docks)
