"""The menu bar and the toolbar: where each action of the keyboard map is shown (with its key)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from soundon.ui.keymap import COMPARE_DIGITS

PLAYBACK = ("play_pause", "shuttle_back", "shuttle_stop", "shuttle_forward", None, "frame_back", "frame_forward",
            "second_back", "second_forward", "first_frame", "last_frame", None, "loop", None, "mark_in", "mark_out",
            "clear_marks", "add_note")
REVIEW = ("previous_take", "next_take", None, "pick", "reject", "unflag", None, *(f"rate_{n}" for n in range(6)),
          None, "audio_verdict", "attach_post_track", "detach_post_track", None, "slip_earlier_frame",
          "slip_later_frame", "slip_earlier_10ms", "slip_later_10ms", "align_to_native")
VIEW = ("compare", *(f"audible_{n}" for n in COMPARE_DIGITS), "leave_compare", None, "toggle_grid", "find_takes")
TOOLBAR = ("open_batch", "export_picks", None, "pick", "reject", "unflag", "audio_verdict", None, "compare", None, "undo")


def _fill(menu: QMenu | QToolBar, actions: dict[str, QAction], names) -> None:
    for name in names:
        menu.addSeparator() if name is None else menu.addAction(actions[name])


def build_menus(window: QMainWindow, actions: dict[str, QAction], *, open_manifest: QAction,
                batch_actions: tuple[QAction, ...], take_actions: tuple[QAction, ...],
                docks, keyboard_help, about) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    _fill(file_menu, actions, ("open_batch",))
    file_menu.addAction(open_manifest)
    file_menu.addSeparator()
    file_menu.addActions(list(batch_actions))
    file_menu.addSeparator()
    _fill(file_menu, actions, ("export_picks", None, "quit"))
    _fill(bar.addMenu("&Edit"), actions, ("undo", "redo"))
    _fill(bar.addMenu("&Playback"), actions, PLAYBACK)
    review = bar.addMenu("&Review")
    _fill(review, actions, REVIEW)
    review.addSeparator()
    review.addActions(list(take_actions))
    _fill(bar.addMenu("&Listening"), actions, ("cycle_profile", "cycle_noise", "volume_down", "volume_up",
                                                        "match_loudness", "hear_post"))
    view = bar.addMenu("&View")
    _fill(view, actions, VIEW)
    view.addSeparator()
    for dock in docks:
        view.addAction(dock.toggleViewAction())
    help_menu = bar.addMenu("&Help")
    help_menu.addAction("Keyboard Shortcuts", keyboard_help)
    help_menu.addAction("About Sound-On", about)


def build_toolbar(window: QMainWindow, actions: dict[str, QAction]) -> QToolBar:
    toolbar = QToolBar("Main", window)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    _fill(toolbar, actions, TOOLBAR)
    window.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)
    return toolbar
