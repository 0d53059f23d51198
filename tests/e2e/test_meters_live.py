"""During playback the window's meters read the delivered mix before the listening profile: for a
replace take, its post track (here 10 dB under the native audio), even while the editor hears the
native audio through the phone profile."""
from __future__ import annotations

import numpy as np
import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.importer import Importer
from soundon.media.dsp.measure import integrated_lufs
from soundon.ui.views.loudness_meters import LoudnessMeters
from tests.signals import write_wav
from tests.sound_server import RATE

pytestmark = pytest.mark.e2e


def figure(label: str) -> float | None:
    value = label.split()[-1].replace("−", "-")
    return None if value == "—" else float(value)


def test_the_meters_read_the_post_mix_before_the_profile(qtbot, media, library, ui_settings, open_window,
                                                        sound_server, tmp_path):
    seconds = 5.0
    folder = media.folder / "Meter"
    media.clip("meter_kling.mp4", folder=folder, duration=seconds, size="64x36", fps="25",
               audio="sine=frequency=1000:sample_rate=48000", audio_filter="volume=6dB")
    Importer(library).run([folder])
    t = np.arange(int(seconds * RATE)) / RATE
    tone = 0.0316 * np.sin(2 * np.pi * 1000 * t)           # 10 dB under the native's 0.25
    track = write_wav(tmp_path / "post.wav", np.column_stack([tone, tone]))
    expected = integrated_lufs(np.column_stack([tone, tone]), RATE)
    from soundon.ui.player import live_audio
    window = open_window(library, ui_settings)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    take = window.current_take()
    library.save_swap_spec(take.id, track, SwapSpec(level=Level(gain=0.0)))
    library.set_audio_verdict(take.id, "replace")
    qtbot.waitUntil(lambda: window.listening.post_available, timeout=5000)
    window.listening.set_profile("phone")                   # heard: the native audio, through the phone
    [meters] = window.statusBar().findChildren(LoudnessMeters)
    assert "pre-profile" in meters.title.text()
    try:
        qtbot.waitUntil(lambda: live_audio.is_open() and live_audio.live_output().running(), timeout=15000)
        player.play()
        qtbot.waitUntil(lambda: player.position() > 2.0, timeout=10000)
        qtbot.waitUntil(lambda: figure(meters.short_term.text()) is not None, timeout=5000)
        assert figure(meters.short_term.text()) == pytest.approx(expected, abs=1.0)
        assert figure(meters.momentary.text()) == pytest.approx(expected, abs=1.0)
        assert figure(meters.peak.text()) == pytest.approx(-30.0, abs=0.5)
    finally:
        player.pause()
        live_audio.close()
