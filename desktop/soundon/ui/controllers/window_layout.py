"""The window's layout between sessions: its size and place, the side panels, the player/browser
split, grid or list, and the batch in view.

The side panels' layout is never saved while a panel is squeezed below the width it needs to be
read (a window narrower than the panels and the player need, on a small screen), so the next start
opens with the last layout that fitted, or the first-run one.
"""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QTimer, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget

from soundon.ui.models.batch_tree import ALL_TAKES

FIRST_RUN_SIZE = (1440, 900)
SCOPE_KEY = "window/scope"

# The narrowest each panel is still readable at (the inspector's own content needs 260 pixels).
DOCK_MIN_WIDTHS = {"batchesDock": 120, "inspectorDock": 260}


def layout_fits(docks: tuple[QDockWidget, ...]) -> bool:
    """True when every docked, visible panel is at least its minimum width."""
    return all(dock.isHidden() or dock.isFloating() or dock.width() >= DOCK_MIN_WIDTHS.get(dock.objectName(), 0)
               for dock in docks)


def _restored(value) -> QByteArray | None:
    return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def restore_layout(window, settings, batch_names: list[str]) -> None:
    """The last session's layout, or the first-run one; and the batch the editor was in."""
    geometry = _restored(settings.value("window/geometry"))
    if geometry is None or not window.restoreGeometry(geometry):
        _first_run_size(window)
    state = _restored(settings.value("window/state"))
    if state is not None and window.restoreState(state):
        window.import_dock.hide()  # it opens when an import has something to say
    else:
        # Dock sizes only take once the window is laid out (after show): from the event loop.
        QTimer.singleShot(0, lambda: window.resizeDocks([window.batches_dock, window.inspector_dock], [230, 360],
                                                        Qt.Orientation.Horizontal))
    splitter = _restored(settings.value("window/splitter"))
    if splitter is not None:
        window.splitter.restoreState(splitter)
    else:
        window.splitter.setSizes([560, 300])
    grid = str(settings.value("window/view", "grid")) == "grid"
    window.actions["toggle_grid"].setChecked(grid)
    window.browser.set_view_mode("grid" if grid else "list")
    scope = settings.value(SCOPE_KEY)
    if isinstance(scope, str) and scope in batch_names:
        window.scope.select((scope, None))
    elif len(batch_names) == 1:
        window.scope.select((batch_names[0], None))
    else:
        window.scope.select(ALL_TAKES)


def save_layout(window, settings) -> None:
    settings.setValue("window/geometry", window.saveGeometry())
    if layout_fits((window.batches_dock, window.inspector_dock)):
        settings.setValue("window/state", window.saveState())
    settings.setValue("window/splitter", window.splitter.saveState())
    settings.setValue("window/view", window.browser.view_mode())
    batch = window.scope.scope()[0]
    if batch:
        settings.setValue(SCOPE_KEY, batch)
    settings.sync()


def _first_run_size(window) -> None:
    width, height = FIRST_RUN_SIZE
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        window.resize(width, height)
        return
    area = screen.availableGeometry()
    window.resize(min(width, int(area.width() * 0.92)), min(height, int(area.height() * 0.92)))
    frame = window.frameGeometry()
    frame.moveCenter(area.center())
    window.move(frame.topLeft())
