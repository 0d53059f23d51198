"""Flipping Headphones ↔ Phone while a take plays, heard through libVLC's audio callback.

Real libVLC (the app's options), a real take, real renders from the render cache, muxed the way the
player attaches them; the switch is libVLC's audio track selection. What is checked is what comes
out: the 100 Hz tone (gone on a phone) falls, the 1 kHz tone stays, and the 3 kHz time marks every
0.5 s keep their place on libVLC's clock across the switch (the position did not jump).
"""
from __future__ import annotations

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.media.fingerprint import fingerprint
from soundon.media.listening_renders import RenderCache, RenderSource
from soundon.media.preview_tracks import mux_audio_tracks
from tests.e2e.vlc_audio import CapturingPlayer, burst_onsets, first_due_with, goertzel_level, level_around, \
    take_audio_expression

pytestmark = pytest.mark.e2e
FRAME_S = 1 / 25


@pytest.fixture
def switchable_take(media, tmp_path):
    take = media.clip("take.mp4", duration=8, size="160x90", audio=take_audio_expression(8))
    cache = RenderCache(tmp_path / "cache")
    source = RenderSource(str(take), fingerprint(take), 2)
    renders = [cache.ensure(source, ListeningSetup(name)) for name in ("headphones", "phone")]
    return mux_audio_tracks(take, renders, tmp_path / "preview")


@pytest.fixture
def player():
    capture = CapturingPlayer()
    yield capture
    capture.release()


def test_switching_to_the_phone_while_playing_changes_the_sound_not_the_position(player, switchable_take):
    player.open(switchable_take)
    native, headphones, phone = player.audio_tracks()[:3]
    start = player.switch(headphones)
    player.wait_until_heard(start + 2.4)
    before_time = player.player.get_time()
    assert level_around(player, start + 1.0, start + 1.5, 100) > 0.2      # the 100 Hz tone is there

    switched = player.switch(phone)
    player.wait_until_heard(switched + 2.6)
    after_time = player.player.get_time()
    assert level_around(player, switched + 1.0, switched + 1.5, 100) < 0.02   # ~ −39 dB on a phone
    assert level_around(player, switched + 1.0, switched + 1.5, 1000) > 0.05  # the voice band stays

    # When the phone is heard (how long after the key press is measured by `make bench`).
    heard_at = first_due_with(player, switched, lambda x: goertzel_level(x, 100) < 0.05)
    assert heard_at is not None and heard_at - switched < 1.0

    # No jump: libVLC's time advanced with the clock, and the time marks stay on the 0.5 s grid.
    elapsed_ms = (player.now() - switched) * 1000
    assert abs((after_time - before_time) - elapsed_ms) < 600   # get_time() itself moves in steps
    times, samples = player.timeline()
    marks = burst_onsets(times, samples)

    def phase(at):
        return (at + 0.25) % 0.5 - 0.25

    before = marks[(marks > switched - 1.9) & (marks < switched - 0.05)]
    after = marks[(marks > heard_at + 0.05) & (marks < heard_at + 1.9)]
    assert len(before) >= 2 and len(after) >= 2
    reference = np.median(phase(before))
    drift = np.abs((phase(np.concatenate([before, after])) - reference + 0.25) % 0.5 - 0.25)
    assert np.all(drift < FRAME_S), drift


def test_switching_while_paused_keeps_the_frame(player, switchable_take):
    player.open(switchable_take)
    native, headphones, phone = player.audio_tracks()[:3]
    player.switch(headphones)
    player.wait_until_heard(player.now() + 0.8)
    player.player.set_pause(1)
    player.wait_for(lambda: player.player.get_state().value == 4)  # Paused
    paused_at = player.player.get_time()
    player.switch(phone)
    player.wait_for(lambda: player.player.audio_get_track() == phone)
    assert player.player.get_time() == paused_at
    resumed = player.now()
    player.player.set_pause(0)
    player.wait_until_heard(resumed + 1.4)
    assert level_around(player, resumed + 0.9, resumed + 1.3, 100) < 0.02
    assert abs(player.player.get_time() - paused_at - (player.now() - resumed) * 1000) < 600
