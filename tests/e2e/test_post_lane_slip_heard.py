"""A slip made on the post lane with the keys is heard: played through the app's audio output into
a PulseAudio null sink and recorded from its monitor, the post track's beep sits 120 ms later after
Alt+Shift+→ twelve times, measured against the take's own click heard in the same mix."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.importer import Importer
from tests.signals import write_wav
from tests.sound_server import RATE

pytestmark = pytest.mark.e2e

SECONDS = 1.5
CLICK_S, BEEP_S = 0.2, 0.8      # the take's 3 kHz click; the post track's 1 kHz beep, 0.1 s long
SLIP_S = 0.120


def sounds(recording: np.ndarray) -> list[tuple[float, int]]:
    """Each sound heard: (its onset in seconds, its frequency rounded to 1 kHz), from the zero crossings."""
    loud = np.flatnonzero(np.abs(recording) > 0.02)
    if not len(loud):
        return []
    starts = np.concatenate([[0], np.flatnonzero(np.diff(loud) > int(0.02 * RATE)) + 1])
    ends = np.concatenate([starts[1:], [len(loud)]])
    found = []
    for a, b in zip(starts, ends):
        part = recording[loud[a]:loud[b - 1] + 1]
        crossings = np.count_nonzero(np.diff(np.signbit(part)))
        found.append((loud[a] / RATE, round(crossings / 2 / (len(part) / RATE) / 1000)))
    return found


def beep_after_click(recording: np.ndarray) -> float:
    """Seconds from the take's 3 kHz click to the post track's 1 kHz beep that follows it, as heard."""
    heard = sounds(recording)
    pairs = [(b[0] - a[0]) for a, b in zip(heard, heard[1:]) if a[1] == 3 and b[1] == 1]
    assert len(pairs) == 1, f"one click then one beep should be heard, not {heard}"
    return pairs[0]


def test_a_slip_by_the_keys_moves_the_beep_that_is_heard(qtbot, media, library, ui_settings, open_window,
                                                         sound_server, tmp_path):
    folder = media.folder / "Slip heard"
    click = f"0.3*sin(2*PI*3000*t)*gte(t\\,{CLICK_S})*lt(t\\,{CLICK_S + 0.02})"
    media.clip("slip_veo.mov", folder=folder, duration=SECONDS, size="64x36", fps="25",
               audio=f"aevalsrc={click}|{click}:s={RATE}:d={SECONDS}", extra=["-c:a", "pcm_s16le"])
    Importer(library).run([folder])
    t = np.arange(int(SECONDS * RATE)) / RATE
    beep = 0.3 * np.sin(2 * np.pi * 1000 * t) * ((t >= BEEP_S) & (t < BEEP_S + 0.1))
    track = write_wav(tmp_path / "post.wav", np.column_stack([beep, beep]))
    from soundon.ui.player import live_audio
    window = open_window(library, ui_settings)
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    take = window.current_take()
    # the track at its own level, the take's audio under it at full level: both are heard
    library.save_swap_spec(take.id, track, SwapSpec(level=Level(gain=0.0), bed=0.0))
    qtbot.waitUntil(lambda: window.post_lane.isVisible() and window.listening.post_available, timeout=5000)
    window.listening.set_profile("headphones")
    keys = window.browser.view
    for _ in range(2):                                  # native → post → post over the native bed
        qtbot.keyClick(keys, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.listening.source == "mix" and window.listening.ready(), timeout=10000)
    output = live_audio.live_output()

    def heard_once() -> float:
        with sound_server.recorder() as recorder:
            qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
            player.seek(0.0)
            qtbot.waitUntil(lambda: player.position() < 0.05, timeout=5000)
            player.play()
            qtbot.waitUntil(lambda: player.is_playing(), timeout=5000)
            qtbot.waitUntil(lambda: player.position() > BEEP_S + SLIP_S + 0.25, timeout=15000)
            player.pause()   # before the end: the next play starts from a seek, like the editor's
            qtbot.waitUntil(lambda: np.abs(recorder.samples()[-int(0.3 * RATE):, 0]).max() < 1e-4, timeout=5000)
            return beep_after_click(recorder.samples()[:, 0].astype(np.float64))

    try:
        before = heard_once()
        for _ in range(12):
            qtbot.keyClick(keys, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
        assert window.post_lane.readout_text() == "+120.0 ms · +3.00 frames"
        after = heard_once()
    finally:
        live_audio.close()
    print(f"\nbeep after the click: {before * 1000:.2f} ms, after the slip {after * 1000:.2f} ms")
    # Within 3 ms: a device underrun on a busy machine puts a gap into the recording between the two
    # sounds (seen: 3 ms once in six runs); a slip missed or one key press too few is 10 ms or more.
    assert before == pytest.approx(BEEP_S - CLICK_S, abs=0.003)
    assert after - before == pytest.approx(SLIP_S, abs=0.003)
