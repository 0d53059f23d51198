import pytest
"""The listening switch always says what the editor hears."""
import numpy as np
import wave

# The pre-rendered listening files and follower players (SOUNDON_LIVE_AUDIO=0).
pytestmark = pytest.mark.usefixtures("legacy_audio")


def tone(path, frequency):
    rate = 48000
    t = np.arange(int(2.5 * rate)) / rate
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((0.3 * np.sin(2 * np.pi * frequency * t) * 32767).astype("<i2").tobytes())
    return str(path)


def test_the_label_follows_what_the_player_plays(qtbot, window, tmp_path):
    switch = window.listening_switch
    window.renders.show_take(None)   # this test hands the player renders of its own
    assert window.listening.profile == "phone"
    qtbot.waitUntil(lambda: window.deck.player.state.value == "paused", timeout=5000)
    assert switch.full_text() == "Phone — original audio (no render yet)"
    take_id = window.current_take_id()
    with qtbot.waitSignal(window.deck.audio_renders_ready, timeout=20000):
        window.deck.set_audio_renders(take_id, {"phone": tone(tmp_path / "phone.wav", 1000),
                                                "laptop": tone(tmp_path / "laptop.wav", 2000)})
    qtbot.waitUntil(lambda: switch.full_text() == "Phone", timeout=5000)
    assert window.deck.player.current_audio() == "phone"
    window.listening.cycle_profile()   # budget phone: no render
    qtbot.waitUntil(lambda: "original audio" in switch.full_text(), timeout=3000)
    window.listening.set_profile("laptop")
    qtbot.waitUntil(lambda: switch.full_text() == "Laptop", timeout=3000)
    assert window.deck.player.current_audio() == "laptop"
    assert "approximation" in switch.toolTip()
