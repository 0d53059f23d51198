"""A drag of the post waveform is heard while the mouse is still down: played through the app's
audio output into a PulseAudio null sink and recorded from its monitor, the post track's beep sits
where the drag has put it before the button is released, nothing is written until then, and the
release writes it as one undo step that goes on sounding the same.

The drag is made with the real pointer (xdotool) on the lane in the real window; the take's own
3 kHz click is heard in the same mix, so the beep's place is measured against it."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint

from soundon.core.swap_spec import Level, SwapSpec
from tests.e2e.lane_sound import BEEP_S, CLICK_S, click_take_and_beep_track, heard_once

pytestmark = pytest.mark.e2e

DRAG_S = 0.120        # about this far later (a whole number of pixels)


def test_a_drag_of_the_post_waveform_is_heard_before_it_is_released(qtbot, media, library, ui_settings,
                                                                    open_window, sound_server, display, tmp_path):
    track = click_take_and_beep_track(media, library, tmp_path, "drag")
    from soundon.ui.player import live_audio
    window = open_window(library, ui_settings)
    display.focus(int(window.winId()))
    player = window.deck.player
    qtbot.waitUntil(lambda: player.state.value == "paused" and player.length > 0, timeout=10000)
    take = window.current_take()
    library.save_swap_spec(take.id, track, SwapSpec(level=Level(gain=0.0), bed=0.0))
    timeline = window.post_lane.timeline
    qtbot.waitUntil(lambda: timeline.isVisible() and timeline.timing() is not None
                    and window.listening.post_available, timeout=5000)
    window.listening.set_profile("headphones")
    window.actions["hear_post"].trigger()
    window.actions["hear_post"].trigger()              # native → post → post over the native bed
    qtbot.waitUntil(lambda: window.listening.source == "mix" and window.listening.ready(), timeout=10000)
    output = live_audio.live_output()
    steps_before = window.undo_stack.count()

    # Press on the post waveform and move right with the button held.
    y = int(timeline.height() * 0.75)
    start = timeline.mapToGlobal(QPoint(timeline.width() // 3, y))
    pixels = round(DRAG_S / timeline.seconds_per_pixel())
    try:
        display.run("mousemove", "--sync", str(start.x()), str(start.y()))
        display.run("mousedown", "1")
        for step in range(1, 5):
            display.run("mousemove", "--sync", str(start.x() + pixels * step // 4), str(start.y()))
        qtbot.waitUntil(lambda: timeline.shown_offset() == pytest.approx(pixels * timeline.seconds_per_pixel(),
                                                                         abs=0.001), timeout=3000)
        dragged = timeline.shown_offset()
        during = heard_once(qtbot, sound_server, player, output, BEEP_S + DRAG_S + 0.25)
        assert library.take(take.id).swap.spec.offset == 0.0, "written before the drag ended"
        assert window.undo_stack.count() == steps_before
    finally:
        display.run("mouseup", "1")
    qtbot.waitUntil(lambda: library.take(take.id).swap.spec.offset == dragged, timeout=3000)
    assert window.undo_stack.count() == steps_before + 1
    assert window.undo_stack.undoText().startswith("Slip post track")
    try:
        after = heard_once(qtbot, sound_server, player, output, BEEP_S + DRAG_S + 0.25)
    finally:
        live_audio.close()
    print(f"\ndragged {dragged * 1000:+.1f} ms: beep after the click {during * 1000:.2f} ms while dragging, "
          f"{after * 1000:.2f} ms after the release")
    # within 3 ms, as in test_post_lane_slip_heard
    assert during == pytest.approx(BEEP_S - CLICK_S + dragged, abs=0.003)
    assert after == pytest.approx(BEEP_S - CLICK_S + dragged, abs=0.003)
