"""What is heard is what `soundon preview` renders: the device's recording of a take played through the
phone profile, held against the offline render of the same setup through the same graph."""
from __future__ import annotations

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.media.audio_graph import render
from soundon.media.dsp.decode import decode
from tests.e2e.vlc_audio import take_audio_expression
from tests.sound_server import RATE

pytestmark = pytest.mark.e2e


def aligned_residual_db(heard: np.ndarray, rendered: np.ndarray) -> tuple[float, int]:
    """Best alignment of heard against rendered (by cross-correlation), and the residual's level
    relative to the render, in dB, over the part both hold."""
    spectrum = np.fft.rfft(heard, 2 * len(heard)) * np.conj(np.fft.rfft(rendered, 2 * len(heard)))
    lag = int(np.argmax(np.fft.irfft(spectrum)[:len(heard)]))
    n = min(len(heard) - lag, len(rendered))
    edge = int(0.05 * RATE)   # the device's first and last buffers may be partial
    a, b = heard[lag + edge:lag + n - edge], rendered[edge:n - edge]
    return 20 * np.log10(np.sqrt(np.mean((a - b) ** 2)) / np.sqrt(np.mean(b ** 2))), lag


@pytest.mark.xfail(reason="measured -40 dB, not -60: the device's first 50-100 ms of the take differ (its first "
                          "block is late and dropped) and the 3 kHz bursts differ by -37..-52 dB; between them the "
                          "two agree to -77 dB (16-bit)", strict=False)
def test_the_phone_as_heard_equals_its_preview_render(qtbot, media, tmp_path, sound_server):
    from soundon.ui.app import create_application
    from soundon.ui.player import live_audio
    from soundon.ui.player.vlc_player import VlcPlayer
    take = media.clip("marks_seedance.mp4", duration=3.0, size="64x36", fps="25", audio=take_audio_expression(3.0))
    setup = ListeningSetup("phone")
    create_application()
    player = VlcPlayer()
    output = live_audio.live_output()
    live_audio.hear(setup)
    player.set_audible(True)
    try:
        with sound_server.recorder() as recorder:
            qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
            player.load(take, 25, autoplay=True)
            qtbot.waitUntil(lambda: not player.is_playing() and player.position() > 2.5, timeout=15000)
            qtbot.waitUntil(lambda: np.abs(recorder.samples()[-int(0.3 * RATE):, 0]).max() < 1e-4, timeout=5000)
            heard = recorder.samples()[:, 0].astype(np.float64)
    finally:
        player.release()
    rendered = decode(render(take, tmp_path / "phone.wav", setup, sample_format="f32"), 2)[:, 0]
    residual, lag = aligned_residual_db(heard, rendered)
    assert residual < -60, f"residual {residual:.1f} dB at lag {lag}"
