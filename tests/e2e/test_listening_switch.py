"""Flipping Headphones ↔ Phone while a take plays, heard through the app's own player.

Real libVLC (the app's options, the app's VlcPlayer with its render followers), a real take, real
renders from the render cache. Every libVLC player the VlcPlayer makes is tapped (audio callbacks
plus the volume callback, which receives the mute flips as a sound server's mixer would); what is
heard is the blocks of the players unmuted at their due time. What is checked is what comes out:
the 100 Hz tone (gone on a phone) falls, the 1 kHz tone stays, the switch is heard within the 50 ms
budget, and the 3 kHz time marks every 0.5 s keep their place on libVLC's clock across the switch
and line up with the take's own audio within a frame (also after a seek while playing).
"""
from __future__ import annotations

import numpy as np
import pytest

from soundon.ui.player.video_surface import VideoSurface
from soundon.ui.player.vlc_player import NATIVE_AUDIO, VlcPlayer
from tests.e2e.vlc_audio import AppAudioTap, burst_onsets, take_with_profile_renders

pytestmark = pytest.mark.e2e
FRAME_S = 1 / 25


@pytest.fixture
def take_with_renders(media, tmp_path):
    return take_with_profile_renders(media, tmp_path / "cache", 8, "160x90")


@pytest.fixture
def tapped(qtbot):
    surface = VideoSurface()
    surface.resize(160, 90)
    qtbot.addWidget(surface)
    surface.show()
    qtbot.waitExposed(surface)
    tap = AppAudioTap()
    player = VlcPlayer(audio_tap=tap.attach)
    player.bind(surface)
    yield player, tap
    player.release()


def _phase(at):
    return (np.asarray(at) + 0.25) % 0.5 - 0.25


def _marks(tap, name, start, stop):
    return burst_onsets(*tap.taps[name].timeline(start, stop))


def _render_vs_take_ms(tap, render, start, stop) -> float:
    """Worst offset between the render's time marks and the take's own (muted) audio's."""
    ours, take = _marks(tap, render, start, stop), _marks(tap, NATIVE_AUDIO, start, stop)
    assert len(take) >= 2
    ours = ours[(ours > take.min() - 0.1) & (ours < take.max() + 0.1)]   # where both were captured
    assert len(ours) >= 2
    return max(float(np.min(np.abs(take - m))) for m in ours) * 1000


def test_switching_to_the_phone_while_playing_is_heard_at_once_and_keeps_the_position(
        qtbot, tapped, take_with_renders):
    player, tap = tapped
    take, renders = take_with_renders
    player.load(take, 25, autoplay=True)
    qtbot.waitUntil(player.is_playing, timeout=5000)
    with qtbot.waitSignal(player.audio_renders_ready, timeout=20000):
        player.set_audio_renders(renders)
    player.select_audio("headphones")
    assert player.current_audio() == "headphones"
    start = tap.now()
    qtbot.waitUntil(lambda: tap.delivered_until(start + 1.6), timeout=8000)
    assert tap.heard_level(start + 1.0, start + 1.5, 100) > 0.2      # the 100 Hz tone is there

    pressed = tap.now()
    player.select_audio("phone")
    qtbot.waitUntil(lambda: tap.delivered_until(pressed + 1.6), timeout=8000)
    assert player.current_audio() == "phone" and player.is_playing()
    # The switch is heard when both flips have reached the mixer.
    heard_at = max(tap.taps["phone"].last_mute_change(), tap.taps["headphones"].last_mute_change())
    assert not tap.taps["phone"].muted_at(heard_at) and tap.taps["headphones"].muted_at(heard_at)
    assert heard_at - pressed < 0.05
    assert tap.heard_level(heard_at, heard_at + 0.5, 100) < 0.02         # ~ −39 dB on a phone
    assert tap.heard_level(heard_at, heard_at + 0.5, 1000) > 0.05        # the voice band stays
    assert tap.heard_level(heard_at - 0.5, pressed, 100) > 0.2           # nothing cut before the press

    # No jump: the heard time marks stay on the 0.5 s grid across the switch …
    heard = tap.heard_blocks(pressed - 1.5, pressed + 1.5)
    times = np.concatenate([b.due + np.arange(len(b.left)) / 48000 for b in heard])
    marks = burst_onsets(times, np.concatenate([b.left for b in heard]))
    # (from `start` on: attaching the renders paused the take a moment, which shifts the grid)
    before = marks[(marks > start + 0.2) & (marks < pressed - 0.05)]
    after = marks[marks > heard_at + 0.05]
    assert len(before) >= 2 and len(after) >= 2
    reference = np.median(_phase(before))
    drift = np.abs((_phase(np.concatenate([before, after])) - reference + 0.25) % 0.5 - 0.25)
    assert np.all(drift < FRAME_S), drift
    # … and the render plays in step with the take's own audio (so with its picture).
    assert _render_vs_take_ms(tap, "phone", pressed - 1.5, pressed + 1.5) < FRAME_S * 1000

    # A seek while playing moves every player together.
    sought = tap.now()
    player.seek(2.0)
    qtbot.waitUntil(lambda: player.is_playing() and tap.delivered_until(sought + 2.0), timeout=8000)
    assert _render_vs_take_ms(tap, "phone", sought + 0.6, sought + 2.0) < FRAME_S * 1000
    assert player.reported_time() == pytest.approx(2.0 + (tap.now() - sought), abs=0.6)


def test_switching_while_paused_and_back_to_the_original_audio(qtbot, tapped, take_with_renders):
    player, tap = tapped
    take, renders = take_with_renders
    player.load(take, 25, autoplay=False)   # opened paused, waiting for play
    with qtbot.waitSignal(player.audio_renders_ready, timeout=20000):
        player.set_audio_renders(renders)
    paused_at = player.position()
    player.select_audio("phone")
    assert player.position() == paused_at and player._unmuted() == ["phone"]
    player.play()
    qtbot.waitUntil(player.is_playing, timeout=5000)
    started = tap.now()
    qtbot.waitUntil(lambda: tap.delivered_until(started + 1.2), timeout=8000)
    assert tap.heard_level(started + 0.7, started + 1.1, 100) < 0.02    # the phone
    assert tap.heard_level(started + 0.7, started + 1.1, 1000) > 0.05
    assert _render_vs_take_ms(tap, "phone", started, started + 1.2) < FRAME_S * 1000
    player.pause()
    paused_at = player.position()
    player.select_audio(NATIVE_AUDIO)
    assert player.position() == paused_at and player._unmuted() == [NATIVE_AUDIO]
    player.play()
    resumed = tap.now()
    qtbot.waitUntil(lambda: tap.delivered_until(resumed + 1.2), timeout=8000)
    assert tap.heard_level(resumed + 0.7, resumed + 1.1, 100) > 0.2      # the take's own audio again
