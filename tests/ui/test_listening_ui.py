"""Listening in the app: a listening change never moves the picture, and the translation report
is made in the background, shown in the inspector and on the cards — real libVLC on the virtual
display, real ffmpeg, a real library. (What is heard is asserted on a real device in tests/e2e.)
"""
from __future__ import annotations

import os

import pytest

os.environ.setdefault("SOUNDON_VIDEO_OUTPUT", "xcb_x11")
os.environ.setdefault("SOUNDON_AUDIO_OUTPUT", "adummy")


@pytest.fixture
def listening_settings(tmp_path):
    from PySide6.QtCore import QSettings
    return QSettings(str(tmp_path / "listening-settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def listening_library(library, media, tmp_path):
    from soundon.jobs.importer import Importer
    folder = tmp_path / "Shoot"
    media.clip("kling_take.mp4", folder=folder, duration=2.0, size="160x90",
               audio="aevalsrc=0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t):s=48000")
    media.clip("veo_take.mp4", folder=folder, duration=1.5, size="160x90", audio="sine=frequency=60:sample_rate=48000")
    result = Importer(library).run([folder], name="Shoot")
    assert len(result.added) == 2
    return library


@pytest.fixture
def window(qtbot, listening_library, listening_settings):
    from soundon.ui.app import create_application
    from soundon.ui.main_window import MainWindow
    create_application()
    win = MainWindow(listening_library, settings=listening_settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.current_take_id() is not None, timeout=5000)
    yield win
    win.close()


def test_switching_while_paused_keeps_the_frame(qtbot, window):
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused", timeout=5000)
    player.seek(1.0)
    qtbot.waitUntil(lambda: abs(player.reported_time() - 1.0) < 1 / 25, timeout=5000)
    for action in ("cycle_profile", "cycle_noise", "volume_down", "match_loudness", "hear_post"):
        window.actions[action].trigger()
        assert player.state.value == "paused" and player.position() == 1.0, action
    assert abs(player.reported_time() - 1.0) < 1 / 25   # libVLC was not sent anywhere either


def test_takes_get_a_translation_report_in_the_background(qtbot, window):
    model = window.model
    qtbot.waitUntil(lambda: all(t["analysis_flags"] is not None for t in model.rows()), timeout=30000)
    bass = next(t for t in model.rows() if t["rel_path"] == "veo_take.mp4")
    assert "bass_dependent" in bass["analysis_flags"]
    window.select_take(bass["id"])
    panel = window.inspector.translation
    qtbot.waitUntil(lambda: "Won't translate" in panel.badge.text(), timeout=5000)
    assert panel.values["low_freq_share"].text().endswith("%")
    # A new delivery target for the batch: analysed again against it, in the background.
    panel.target_chosen.emit("Shoot", "ebu-r128")
    qtbot.waitUntil(lambda: all(window.library.take(t["id"])["analysis_target"] == "ebu-r128"
                                for t in model.rows()), timeout=30000)
    qtbot.waitUntil(lambda: "EBU R128" in panel.badge.text(), timeout=5000)
