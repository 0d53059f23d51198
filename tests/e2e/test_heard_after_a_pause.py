"""A take opened in a player whose last take was left paused is heard.

libVLC tells the app's audio route of a pause and of the resume that ends it, but a new take opens a
new audio output, and the pause of the last one never gets its resume: the route's queue stayed
paused and the next take played its picture in silence (seen when a take played to its end, where
the player holds it paused on its last frame, and the editor played it, or another, again).
"""
from __future__ import annotations

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from tests.e2e.vlc_audio import take_audio_expression
from tests.sound_server import RATE, tone_level

pytestmark = pytest.mark.e2e


def _heard_1khz(recorder) -> bool:
    recent = recorder.samples()[-int(0.2 * RATE):, 0]
    return len(recent) > 0 and tone_level(recent, 1000) > 0.03


@pytest.mark.parametrize("again", ["the same take", "another take"])
def test_a_take_opened_after_a_pause_is_heard(qtbot, media, sound_server, again):
    from soundon.ui.app import create_application
    from soundon.ui.player import live_audio
    from soundon.ui.player.vlc_player import VlcPlayer
    first = media.clip("paused_first.mp4", duration=4.0, size="64x36", fps="25", audio=take_audio_expression(4.0))
    second = first if again == "the same take" else media.clip(
        "paused_second.mp4", duration=4.0, size="64x36", fps="25", audio=take_audio_expression(4.0))
    create_application()
    player = VlcPlayer()
    output = live_audio.live_output()
    live_audio.hear(ListeningSetup("headphones"))
    player.set_audible(True)
    try:
        with sound_server.recorder() as recorder:
            qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
            player.load(first, 25, autoplay=True)
            qtbot.waitUntil(lambda: _heard_1khz(recorder), timeout=15000)
            player.pause()
            qtbot.waitUntil(lambda: output.feed is not None and output.feed.paused, timeout=5000)
            qtbot.waitUntil(lambda: np.abs(recorder.samples()[-int(0.2 * RATE):, 0]).max() < 1e-3, timeout=5000)
            player.load(second, 25, autoplay=True)
            qtbot.waitUntil(lambda: player.is_playing() and player.position() > 1.0, timeout=15000)
            heard = recorder.samples()[-int(0.5 * RATE):, 0]
    finally:
        player.release()
    assert tone_level(heard, 1000) > 0.03, "the take played in silence"
