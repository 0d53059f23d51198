"""Audio faults in the real app (each in its own process, with its own sound server or none): with no
sound server the picture plays and the switch says "no audio output"; a sound server that goes away
mid-playback is a message, and playback goes on silent."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.sound_server import SoundServer

pytestmark = pytest.mark.e2e

APP = textwrap.dedent("""
    import sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    from soundon.jobs.importer import Importer
    from soundon.store.library import Library
    from soundon.ui.app import create_application
    from soundon.ui.main_window import MainWindow

    library = Library(sys.argv[1])
    Importer(library).run([sys.argv[2]])
    create_application()
    window = MainWindow(library)
    window.show()
    player = window.deck.player
    seen = {"said": ""}
    window.statusBar().messageChanged.connect(lambda text: seen.__setitem__("said", seen["said"] + text + "\\n"))
    state = {"step": "open"}

    def watch():
        if state["step"] == "open" and player.state.value == "paused" and player.length > 0:
            player.play()
            state["step"] = "playing"
        elif state["step"] == "playing" and player.position() > 0.5:
            print("playing", flush=True)
            state["step"] = "listening"
            state["from"] = player.position()
        elif state["step"] == "listening" and "no audio output" in window.listening_switch.full_text() \\
                and player.is_playing() and player.position() > state["from"] + 0.5:
            print("label:", window.listening_switch.full_text(), flush=True)
            print("said:", seen["said"].replace("\\n", " | "), flush=True)
            QApplication.quit()

    timer = QTimer(interval=20)
    timer.timeout.connect(watch)
    timer.start()
    QApplication.instance().exec()
""")


def run_app(tmp_path, media, env, during=None):
    take = media.clip("long_veo.mp4", folder=tmp_path / "batch", duration=6.0, size="64x36", fps="25",
                      audio="sine=frequency=1000:sample_rate=48000")
    proc = subprocess.Popen([sys.executable, "-c", APP, str(tmp_path / "lib.sqlite"), str(take.parent)],
                            env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "playing"
        if during:
            during()
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "Traceback" not in err, err
    return out


def test_no_sound_server_the_picture_plays_and_the_switch_says_so(tmp_path, media):
    out = run_app(tmp_path, media, {"PULSE_SERVER": f"unix:{tmp_path / 'nobody-here'}"})
    assert "label: Phone — no audio output" in out


def test_a_sound_server_that_goes_away_is_said_and_playback_goes_on(tmp_path, media):
    server = SoundServer(tmp_path / "pulse")
    (tmp_path / "pulse").mkdir()
    server.start()
    try:
        out = run_app(tmp_path, media, server.env, during=server.stop)
    finally:
        server.stop()
    assert "no audio output" in out
    assert "went away" in out and "the picture plays on without sound" in out
