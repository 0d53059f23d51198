"""Listening in the app: a listening change never moves the picture, and the translation report
is made in the background, shown in the inspector and on the cards — real libVLC on the virtual
display, real ffmpeg, a real library. (What is heard is asserted on a real device in tests/e2e.)
"""
from __future__ import annotations

import pytest

# A take of tones for the listening, and one of 60 Hz only (bass a phone can't play).
SHOOT = [("kling_take.mp4", "Kling 3.0", "A beach at dusk.", 2.0, "aevalsrc=0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t):s=48000"),
         ("veo_take.mp4", "Veo 3.1", "A beach at dusk.", 1.5, "sine=frequency=60:sample_rate=48000")]
pytestmark = pytest.mark.parametrize("batch_folder", [SHOOT], indirect=True)


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
    takes = lambda: [model.take(i) for i in model.take_ids()]  # noqa: E731
    qtbot.waitUntil(lambda: all(t.analysis_flags is not None for t in takes()), timeout=30000)
    bass = next(t for t in takes() if t.rel_path == "veo_take.mp4")
    assert "bass_dependent" in bass.analysis_flags
    window.select_take(bass.id)
    panel = window.inspector.translation
    qtbot.waitUntil(lambda: "Won't translate" in panel.badge.text(), timeout=5000)
    assert panel.values["low_freq_share"].text().endswith("%")
    # A new delivery target for the batch: analysed again against it, in the background.
    panel.target_chosen.emit("Beach batch", "ebu-r128")
    qtbot.waitUntil(lambda: all(window.library.take(t.id).analysis_target == "ebu-r128"
                                for t in takes()), timeout=30000)
    qtbot.waitUntil(lambda: "EBU R128" in panel.badge.text(), timeout=5000)
