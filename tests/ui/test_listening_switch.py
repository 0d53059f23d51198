"""The listening switch always says what the editor hears: a setting is heard from the next block
(nothing to wait for), and what a take still lacks, its post track being loaded or unplayable, is
said beside the setting."""
from __future__ import annotations

import numpy as np

from soundon.core.swap_spec import SwapSpec

from tests.signals import write_wav


def test_every_setting_is_named_at_once_with_nothing_to_wait_for(qtbot, window):
    switch = window.listening_switch
    qtbot.waitUntil(lambda: window.deck.player.state.value == "paused", timeout=5000)
    assert window.listening.profile == "phone"
    assert switch.full_text() == "Phone" and window.listening.ready()
    for action in ("cycle_profile", "cycle_noise", "volume_down"):
        window.actions[action].trigger()
        assert switch.full_text() == window.listening.setup.label(), action   # within the key press
    assert "approximation" in switch.toolTip()


def test_a_post_track_is_said_while_it_loads_and_when_it_cannot_play(qtbot, window, tmp_path):
    switch = window.listening_switch
    take = window.current_take()
    broken = tmp_path / "broken post.wav"
    broken.write_bytes(b"RIFF not really a wave file" * 100)
    window.library.save_swap_spec(take.id, broken, SwapSpec(fit="trim"))
    other = window.model.take(next(i for i in window.model.take_ids() if i != take.id))
    window.select_take(other.id)
    window.select_take(take.id)
    qtbot.waitUntil(lambda: window.listening.post_available, timeout=5000)
    with qtbot.waitSignal(window.live_listening.problem, timeout=10000) as said:
        window.actions["hear_post"].trigger()
    assert "broken post.wav" in said.args[0]
    assert switch.full_text() == "Post track · Phone — original audio: the post track can't be played"
    assert not window.listening.ready()

    t = np.arange(48000 * 2) / 48000
    track = write_wav(tmp_path / "post.wav", np.column_stack([0.2 * np.sin(2 * np.pi * 500 * t)] * 2))
    window.library.save_swap_spec(take.id, track, SwapSpec(fit="trim"))
    window.select_take(other.id)
    window.select_take(take.id)
    qtbot.waitUntil(lambda: switch.full_text() == "Post track · Phone", timeout=10000)
    window.actions["cycle_profile"].trigger()
    assert switch.full_text() == "Post track · " + window.listening.setup.label()   # instant


def test_the_phone_volume_is_continuous_and_the_keys_go_to_the_marks(qtbot, window, ui_settings):
    from PySide6.QtWidgets import QAbstractSlider
    slider = window.phone_volume.slider
    assert window.listening.volume_db == 0.0
    for _ in range(3):
        slider.triggerAction(QAbstractSlider.SliderAction.SliderSingleStepSub)   # a wheel notch or arrow
    assert window.listening.volume_db == -1.5
    assert window.phone_volume.value.text() == "−1.5 dB"
    assert window.listening_switch.full_text() == "Phone · −1.5 dB"
    assert float(ui_settings.value("listening/volume")) == -1.5
    window.actions["volume_down"].trigger()      # [ : the next mark down
    assert window.listening.volume_db == -6.0
    window.actions["volume_up"].trigger()        # ] : the next mark up
    assert window.listening.volume_db == 0.0
    assert slider.value() == slider.maximum()
