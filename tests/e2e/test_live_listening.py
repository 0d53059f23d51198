"""The app's live audio, as heard on a real device (a PulseAudio null sink's monitor): the first take
shown is heard through the phone profile from its first block, with nothing rendered beforehand,
and a profile switch during playback is heard at once."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from soundon.jobs.importer import Importer
from tests.sound_server import RATE, tone_level, typical_tone_level

pytestmark = pytest.mark.e2e

TONES = "aevalsrc=0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t)|0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t):s=48000:d={d}"
WINDOW = int(0.04 * RATE)   # 40 ms: four periods of 100 Hz


def heard_part(samples: np.ndarray) -> np.ndarray:
    loud = np.flatnonzero(np.abs(samples) > 0.01)
    return samples[loud[0]:loud[-1]] if len(loud) else samples[:0]


INPUT_DB = 20 * np.log10(0.3 / 0.1)   # the take's 100 Hz tone against its 1 kHz tone


def relative_db(x: np.ndarray) -> float:
    """The response at 100 Hz relative to 1 kHz, as heard (0 dB: untouched)."""
    return 20 * np.log10(max(tone_level(x, 100), 1e-9) / max(tone_level(x, 1000), 1e-9)) - INPUT_DB


def typical_relative_db(x: np.ndarray) -> float:
    """relative_db from the tones' typical levels over 40 ms windows: a gap an underrun leaves in
    the recording cancels a tone in one DFT over the whole stretch."""
    return 20 * np.log10(max(typical_tone_level(x, 100), 1e-9) / max(typical_tone_level(x, 1000), 1e-9)) - INPUT_DB


@pytest.fixture
def tone_take_window(qtbot, media, library, ui_settings, open_window, sound_server):
    folder = media.folder / "Tones"
    media.clip("tones_kling.mp4", folder=folder, duration=3.0, size="64x36", fps="25", audio=TONES.format(d=3.0))
    Importer(library).run([folder])
    from soundon.ui.player import live_audio
    window = open_window(library, ui_settings)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    output = live_audio.live_output()
    yield window, output
    live_audio.close()


def test_first_take_is_heard_through_the_phone_from_its_first_block(qtbot, tone_take_window, sound_server):
    window, output = tone_take_window
    assert window.listening.profile == "phone"
    with sound_server.recorder() as recorder:
        qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
        window.deck.player.play()
        qtbot.waitUntil(lambda: not window.deck.player.is_playing() and window.deck.player.position() > 2.5, timeout=15000)
        qtbot.waitUntil(lambda: recorder.seconds() > 0.5 and np.abs(recorder.samples()[-int(0.3 * RATE):, 0]).max() < 0.005,
                        timeout=5000)
        heard = heard_part(recorder.samples()[:, 0])
    assert len(heard) / RATE == pytest.approx(3.0, abs=0.15)
    first = heard[:WINDOW]
    assert relative_db(first) < -30, "the first block was not heard through the phone profile"
    assert typical_relative_db(heard) < -30
    assert window.listening.ready() and window.listening.label() == "Phone"


def test_a_profile_switch_during_playback_is_heard(qtbot, tone_take_window, sound_server):
    window, output = tone_take_window
    with sound_server.recorder() as recorder:
        qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
        window.deck.player.play()
        qtbot.waitUntil(lambda: window.deck.player.position() > 1.0, timeout=10000)
        window.listening.set_profile("headphones")
        qtbot.waitUntil(lambda: not window.deck.player.is_playing() and window.deck.player.position() > 2.5, timeout=15000)
        qtbot.waitUntil(lambda: np.abs(recorder.samples()[-int(0.3 * RATE):, 0]).max() < 0.005, timeout=5000)
        heard = heard_part(recorder.samples()[:, 0])
    assert typical_relative_db(heard[:WINDOW * 10]) < -30            # phone before the switch
    assert typical_relative_db(heard[-WINDOW * 10:]) == pytest.approx(0.0, abs=0.5)   # headphones: untouched
