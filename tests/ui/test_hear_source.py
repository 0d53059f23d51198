"""Shift+A cycles what of the take is heard, native → post track → post over the native bed, each
through the current listening profile; the listening switch names it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from soundon.core.swap_spec import SwapSpec
from tests.signals import write_wav

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_shift_a_cycles_native_post_and_mix_and_the_switch_names_it(qtbot, window, tmp_path):
    switch = window.listening_switch
    take = window.current_take()
    t = np.arange(48000 * 2) / 48000
    track = write_wav(tmp_path / "post.wav", np.column_stack([0.2 * np.sin(2 * np.pi * 500 * t)] * 2))
    window.library.save_swap_spec(take.id, track, SwapSpec(fit="trim", bed=-20.0))
    qtbot.waitUntil(lambda: window.listening.post_available, timeout=5000)
    qtbot.waitUntil(lambda: switch.full_text() == "Native audio · Phone", timeout=5000)

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    heard = []
    for _ in range(3):
        qtbot.keyClick(window.browser.view, Qt.Key.Key_A, SHIFT)
        qtbot.waitUntil(lambda: window.listening.ready(), timeout=10000)
        heard.append(switch.full_text())
    assert heard == ["Post track · Phone", "Post over native bed · Phone", "Native audio · Phone"]

    window.actions["cycle_profile"].trigger()   # each through the current profile
    window.actions["hear_post"].trigger()
    assert switch.full_text() == "Post track · " + window.listening.setup.label()
    assert window.library.take(take.id).audio_verdict == "undecided"   # Shift+A listens, it decides nothing
