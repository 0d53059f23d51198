"""The app starts on Qt's offscreen platform (no window system to draw into, as on a build server or
a remote shell): the first-run demo batch is imported whole and its first take opens in libVLC,
with no crash. libVLC can't embed its picture where there is no native window, so it decodes into
a window-less output there."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from soundon.store.library import Library

pytestmark = pytest.mark.e2e

FIRST_START = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from soundon.store.library import Library
    from soundon.ui.app import create_application, run_app

    def opened_take():
        for widget in QApplication.topLevelWidgets():
            deck = getattr(widget, "deck", None)
            if deck is None or widget.importer.is_running():
                continue
            if deck.player.length > 0 and deck.player.state.value in ("paused", "playing"):
                return deck.player
        return None

    def watch():
        player = opened_take()
        if player is not None:
            print("opened", round(player.length, 2), flush=True)
            QApplication.quit()

    create_application()
    timer = QTimer(interval=50)
    timer.timeout.connect(watch)
    timer.start()
    sys.exit(run_app(Library(sys.argv[1]), []))
""")


def test_first_start_on_the_offscreen_platform_opens_the_demo_take(tmp_path):
    library = tmp_path / "lib.sqlite"
    env = {k: v for k, v in os.environ.items() if k not in ("SOUNDON_VIDEO_OUTPUT", "SOUNDON_AUDIO_OUTPUT")}
    env.update(QT_QPA_PLATFORM="offscreen", SOUNDON_AUDIO_OUTPUT="adummy")
    proc = subprocess.run([sys.executable, "-c", FIRST_START, str(library)], env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    assert proc.stdout.startswith("opened"), proc.stdout
    assert float(proc.stdout.split()[1]) > 1.0   # a real take's length, as libVLC measured it
    lib = Library(library)
    try:
        assert len(lib.batches()) == 1
        assert len(lib.takes()) >= 3, "the demo batch was imported whole"
    finally:
        lib.close()
