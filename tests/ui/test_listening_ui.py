"""Listening in the app: renders made and attached on take selection, M / N / volume / match /
post switching the audible track at once, the translation report in the inspector and on the
cards, and analysis after import — real libVLC on the virtual display, real ffmpeg, a real library.
"""
from __future__ import annotations

import os

import numpy as np
import pytest

from tests.signals import write_wav

# The pre-rendered listening files and follower players (SOUNDON_LIVE_AUDIO=0).
pytestmark = pytest.mark.usefixtures("legacy_audio")

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


def attached(win) -> dict:
    return win.deck.player.audio_renders()


def test_profiles_switch_at_once_once_the_renders_are_attached(qtbot, window):
    state = window.listening
    qtbot.waitUntil(lambda: state.render_key in attached(window), timeout=30000)
    qtbot.waitUntil(lambda: window.deck.player.current_audio() == state.render_key, timeout=10000)
    assert "original audio" not in window.listening_switch.full_text()
    # M, N and the volume land on renders that are already attached: the track switches within
    # the key press, with nothing to render or re-open.
    # (volume and match after a noise change may need one more render set: they are waited for.)
    for action, check, instant in (("cycle_profile", lambda: state.profile == "phone-budget", True),
                                   ("cycle_noise", lambda: state.noise == "quiet-room", True),
                                   ("volume_down", lambda: state.volume_db == -6.0, False),
                                   ("match_loudness", lambda: state.match_loudness, False)):
        before = dict(attached(window))
        window.actions[action].trigger()
        assert check()
        assert not instant or state.render_key in before, action
        if state.render_key in before:
            assert window.deck.player.current_audio() == state.render_key
            assert attached(window) == before
        qtbot.waitUntil(lambda: window.deck.player.current_audio() == state.render_key, timeout=30000)
        assert window.listening_switch.full_text().startswith(state.setup.label())


def test_switching_while_paused_keeps_the_frame(qtbot, window):
    state = window.listening
    qtbot.waitUntil(lambda: state.render_key in attached(window), timeout=30000)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value in ("paused", "playing"), timeout=5000)
    player.pause()
    player.seek(1.0)
    qtbot.waitUntil(lambda: abs(player.position() - 1.0) < 0.05, timeout=5000)
    window.actions["cycle_profile"].trigger()
    assert player.current_audio() == state.render_key
    assert abs(player.position() - 1.0) < 1 / 25


def test_post_track_can_be_heard_through_each_profile(qtbot, window, tmp_path):
    take = window.current_take()
    t = np.arange(48000 * 2) / 48000
    track = write_wav(tmp_path / "post.wav", np.column_stack([0.2 * np.sin(2 * np.pi * 500 * t)] * 2))
    window.library.save_swap_spec(take["id"], str(track), {"offset": 0.0, "fit": "trim"})
    other = next(t for t in window.model.rows() if t["id"] != take["id"])
    window.select_take(other["id"])
    window.select_take(take["id"])
    qtbot.waitUntil(lambda: window.listening.post_available, timeout=5000)
    window.actions["hear_post"].trigger()
    key = window.listening.render_key
    assert key.startswith("post:")
    qtbot.waitUntil(lambda: window.deck.player.current_audio() == key, timeout=30000)
    window.actions["cycle_profile"].trigger()
    assert window.deck.player.current_audio() == window.listening.render_key   # still instant
    assert window.listening_switch.full_text().startswith("Post track · ")


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
