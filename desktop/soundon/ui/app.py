"""Starting the app: QApplication, the theme, the check for ffmpeg and libVLC, the first window.

The window opens at once; batches named on the command line (and, on first run, the generated
demo batch) are imported in the background while it shows. One app runs per library: a second start
on the same library hands its paths to the running window and exits. A missing native part is explained in
one dialog that says what to install: without ffmpeg/ffprobe the app can't read takes and stops
there; without libVLC it still opens, for culling without playback.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from soundon import APP_NAME, __version__
from soundon.core.logs import log_uncaught_exceptions, start_logging
from soundon.jobs.first_run import demo_batch, demo_batch_name
from soundon.media.tools import ToolMissing, ffmpeg, ffprobe
from soundon.store.library import Library
from soundon.ui.controllers.single_instance import InstanceServer, OpenRequests, hand_over
from soundon.ui.gui_turns import freeze_what_the_start_made, share_the_interpreter
from soundon.ui.keymap import ShortcutGuard
from soundon.ui.theme import apply_theme
from soundon.ui.views.wheel_guard import WheelGuard


def use_x11_on_wayland() -> None:
    """libVLC embeds through an X11 window id on Linux; under Wayland, Qt runs through XWayland."""
    if sys.platform.startswith("linux") and os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "xcb"


def create_application() -> QApplication:
    use_x11_on_wayland()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    apply_theme(app)
    share_the_interpreter()
    if not hasattr(app, "_soundon_guard"):
        freeze_what_the_start_made()
        guard = ShortcutGuard(app)
        app.installEventFilter(guard)
        app._soundon_guard = guard  # lives as long as the application
        wheel_guard = WheelGuard(app)
        app.installEventFilter(wheel_guard)
        app._soundon_wheel_guard = wheel_guard
    return app


def missing_tools() -> tuple[list[str], str | None]:
    """(problems that stop the app, the playback problem or None)."""
    fatal = []
    for find in (ffmpeg, ffprobe):
        try:
            find()
        except ToolMissing as exc:
            fatal.append(str(exc))
    from soundon.ui.player.libvlc import playback_problem  # noqa: PLC0415 — loads libVLC
    return fatal, playback_problem()


def tools_dialog(fatal: list[str], playback: str | None) -> QMessageBox:
    box = QMessageBox()
    box.setWindowTitle(APP_NAME)
    box.setIcon(QMessageBox.Icon.Critical if fatal else QMessageBox.Icon.Warning)
    if fatal:
        box.setText(f"{APP_NAME} can't start: a part it needs is missing.")
    else:
        box.setText(f"{APP_NAME} will open without playback.")
    box.setInformativeText("\n\n".join([*fatal, *([playback] if playback else [])]))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    return box


def run_app(library: Library, paths: list[Path]) -> int:
    start_logging()   # already started when the app came from the `soundon` command
    log_uncaught_exceptions()   # an exception in a slot is written to the log with its traceback
    app = create_application()
    if hand_over(library.path, paths):
        print(f"{APP_NAME} is already open on this library"
              + ("; the batches were handed to it." if paths else "; it was brought to the front."), file=sys.stderr)
        return 0
    fatal, playback = missing_tools()
    if fatal or playback:
        tools_dialog(fatal, playback).exec()
        if fatal:
            return 1
    from soundon.ui.main_window import MainWindow  # noqa: PLC0415 — after the tool check

    window = MainWindow(library, playback_problem=playback)
    OpenRequests(InstanceServer(library.path, window), window)   # later `soundon open` calls come here
    window.show()
    if paths:
        window.import_paths(paths)
    elif not library.batches():
        window.importer.start([], name=demo_batch_name(), prepare=demo_batch)
    code = app.exec()
    from soundon.ui.player import live_audio  # noqa: PLC0415
    live_audio.close()   # the device stream stops before the interpreter tears its threads down
    return code
