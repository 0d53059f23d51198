"""At the end of a take the picture holds the last frame, and the timecode names that frame — also
when libVLC reaches the end before the playhead's guard does (the player then reopens the take on
its last frame, and the readout must follow)."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from soundon.core.timecode import format_timecode
from tests.ui.conftest import TAKES, take_named


@pytest.mark.parametrize("name", [t[0] for t in TAKES])
def test_the_timecode_at_the_end_names_the_last_frame(qtbot, window, name):
    take = take_named(window.library, name)
    window.select_take(take.id)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.path == take.path and player.length > 0
                    and player.state.value == "paused", timeout=5000)
    shown: list[float] = []
    window.deck.position_changed.connect(shown.append)
    qtbot.keyClick(window.browser.view, Qt.Key.Key_Space)
    qtbot.waitUntil(player.is_playing, timeout=5000)
    qtbot.waitUntil(lambda: not player.is_playing() and player.state.value == "paused", timeout=8000)
    last_frame = format_timecode(take.duration - 1 / 25, 25)
    assert format_timecode(player.position(), 25) == last_frame
    qtbot.waitUntil(lambda: window.transport.timecode.text() == last_frame, timeout=2000)
    assert format_timecode(shown[-1], 25) == last_frame
