"""Quit and reopen: every decision, the batch on screen, the view and the listening profile are
where the editor left them."""
from PySide6.QtCore import Qt

from soundon.store.library import Library


def test_a_reopened_app_shows_the_same_state(qtbot, imported, ui_settings, open_window):
    window = open_window(imported, ui_settings)
    qtbot.waitUntil(lambda: window.current_take_id() is not None, timeout=3000)
    window.browser.grid.setFocus()
    for key in (Qt.Key.Key_P, Qt.Key.Key_4, Qt.Key.Key_A, Qt.Key.Key_Down, Qt.Key.Key_X, Qt.Key.Key_M,
                Qt.Key.Key_N):
        qtbot.keyClick(window.browser.grid, key)
    window.actions["toggle_grid"].setChecked(False)
    window.resize(1200, 760)
    decided = {t.rel_path: (t.flag, t.rating, t.audio_verdict) for t in imported.takes()}
    assert decided["beach_kling_a.mp4"] == ("pick", 4, "keep")
    assert decided["beach_seedance_a.mp4"][0] == "reject"
    window.close()

    reopened_library = Library(imported.path)   # a fresh connection, as after a restart
    again = open_window(reopened_library, ui_settings)
    model = again.model
    shown = {model.take_at(r).rel_path: (model.take_at(r).flag, model.take_at(r).rating,
                                            model.take_at(r).audio_verdict) for r in range(model.rowCount())}
    assert shown == decided
    assert again.windowTitle() == "Sound-On — Beach batch"
    assert again.browser.view_mode() == "list"
    assert (again.listening.profile, again.listening.noise) == ("phone-budget", "quiet-room")
    assert again.size().width() == 1200
    again.close()
    reopened_library.close()


def test_the_window_fits_a_small_laptop_screen(qtbot, imported, ui_settings, open_window):
    window = open_window(imported, ui_settings)
    assert window.minimumSizeHint().width() <= 1200
    assert window.minimumSizeHint().height() <= 700
    window.close()


def test_first_run_size_is_sensible(qtbot, imported, ui_settings, open_window):
    window = open_window(imported, ui_settings)
    screen = window.screen().availableGeometry()
    assert window.width() <= screen.width() and window.height() <= screen.height()
    assert window.width() >= min(1100, screen.width() * 0.8)
    window.close()
