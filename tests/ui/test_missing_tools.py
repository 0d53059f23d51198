"""Missing libVLC or ffmpeg: a dialog that says what to install, never a crash."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from soundon.media import tools
from soundon.ui.app import missing_tools, tools_dialog

NO_LIBVLC = textwrap.dedent("""
    import json, os, sys
    from soundon.ui.app import create_application, missing_tools, tools_dialog
    from soundon.ui.main_window import MainWindow
    from soundon.store.library import Library
    from PySide6.QtCore import QSettings
    from soundon.ui.player.video_surface import VideoSurface
    fatal, playback = missing_tools()
    app = create_application()
    box = tools_dialog(fatal, playback)
    library = Library(sys.argv[1])
    window = MainWindow(library, settings=QSettings(sys.argv[2], QSettings.Format.IniFormat), playback_problem=playback)
    window.show()
    app.processEvents()
    print(json.dumps({"fatal": fatal, "playback": playback, "dialog": box.text(), "detail": box.informativeText(),
                      "player_message": window.player_panel.findChildren(VideoSurface)[0].message(),
                      "compare": window.open_compare([]), "deck": window.deck is None}))
    window.close()
""")


def test_without_libvlc_the_app_opens_without_playback_and_says_what_to_install(tmp_path):
    env = {**os.environ, "PYTHON_VLC_LIB_PATH": str(tmp_path / "no-libvlc.so")}
    proc = subprocess.run([sys.executable, "-c", NO_LIBVLC, str(tmp_path / "lib.sqlite"), str(tmp_path / "s.ini")],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["fatal"] == []
    assert "libVLC" in report["playback"] and "apt-get install vlc" in report["playback"]
    assert report["dialog"] == "Sound-On will open without playback."
    assert "libVLC" in report["detail"]
    assert report["deck"] is True and report["compare"] is False
    assert "libVLC" in report["player_message"]   # the picture area says why there is no picture
    assert "Traceback" not in proc.stderr


def test_without_ffmpeg_the_dialog_says_how_to_install_it(qtbot, monkeypatch, tmp_path):
    monkeypatch.setenv("SOUNDON_FFMPEG", str(tmp_path / "no-ffmpeg"))
    tools.reset_cache()
    try:
        fatal, playback = missing_tools()
    finally:
        monkeypatch.delenv("SOUNDON_FFMPEG")
        tools.reset_cache()
    assert playback is None
    assert len(fatal) == 1 and "SOUNDON_FFMPEG" in fatal[0]
    box = tools_dialog(fatal, playback)
    assert box.text() == "Sound-On can't start: a part it needs is missing."
    assert "no-ffmpeg" in box.informativeText()


def test_an_ffmpeg_that_is_not_found_names_the_package(qtbot, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    tools.reset_cache()
    try:
        fatal, _playback = missing_tools()
    finally:
        monkeypatch.undo()
        tools.reset_cache()
    assert any("sudo apt-get install ffmpeg" in line for line in fatal)
