"""libVLC's decoded audio through the app's route to a real device: a PulseAudio null sink whose
monitor is recorded. What is asserted is what reached the device."""
from __future__ import annotations

import numpy as np
import pytest

from soundon.media.audio_out import LiveOutput
from soundon.ui.player.audio_route import AudioRoute
from tests.e2e.vlc_audio import burst_onsets, take_audio_expression
from tests.sound_server import RATE, tone_level

pytestmark = pytest.mark.e2e


class Untouched:
    """The identity graph: what libVLC decoded is what the device gets."""

    def process(self, native, media_time_s):
        return native

    def reset(self):
        pass


@pytest.fixture
def libvlc():
    from soundon.ui.player import libvlc
    return libvlc.load_vlc(), libvlc.engine()


def test_decoded_audio_reaches_the_device_in_time_order(libvlc, media, sound_server):
    vlc, instance = libvlc
    take = media.clip("marks.mp4", duration=3.0, size="64x36", audio=take_audio_expression(3.0))
    output = LiveOutput(Untouched(), lambda: float(vlc.libvlc_clock()))
    assert output.working, output.problem
    player = instance.media_player_new()
    route = AudioRoute(vlc, player)
    output.listen_to(route.feed)
    try:
        with sound_server.recorder() as recorder:
            recorder.wait_for(lambda r: output.running() and r.seconds() > 0.1, timeout=15)
            route.expect(0.0)
            player.set_media(instance.media_new_path(str(take)))
            player.play()
            recorder.wait_for(lambda r: r.seconds() > 0.5 and tone_level(r.samples()[-int(0.2 * RATE):, 0], 1000) > 0.05,
                              timeout=15)
            recorder.wait_for(lambda r: player.get_state() == vlc.State.Ended, timeout=15)
            # the last blocks are due a little after libVLC says it ended: until the device is quiet
            recorder.wait_for(lambda r: np.abs(r.samples()[-int(0.3 * RATE):, 0]).max() < 0.01, timeout=5)
        heard = recorder.samples()[:, 0]
    finally:
        player.stop()
        player.release()
        output.close()
    loud = np.flatnonzero(np.abs(heard) > 0.05)
    assert len(loud), "nothing reached the device"
    played = heard[loud[0]:loud[-1]]
    assert abs(len(played) / RATE - 3.0) < 0.1        # the whole take, once
    assert tone_level(played, 1000) == pytest.approx(0.1, rel=0.1)
    assert tone_level(played, 100) == pytest.approx(0.3, rel=0.1)
    marks = burst_onsets(np.arange(len(played)) / RATE, played)
    assert len(marks) >= 5
    spacing = np.diff(marks)
    # every 3 kHz mark 0.5 s after the last, to the millisecond: nothing dropped, nothing repeated
    assert np.all(np.abs(spacing - 0.5) < 0.001), spacing
    assert output.graph_errors == 0
