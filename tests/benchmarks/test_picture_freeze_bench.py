"""make bench: does the picture freeze on play or seek? Measured on the screen, not in the player.

The app's player (live audio heard through the phone profile on the test sound server) plays a
testsrc2 take, whose moving pattern changes every frame, in a window on the virtual display; ffmpeg's
x11grab records that window at 100 grabs a second, with the wall-clock time of each grab. A new
picture is a grab that differs from the one before. libVLC's own video callbacks would say when a
frame was decoded, not when it reached the window the app shows, so the screen is what is read.

- while playing: the longest gap between new pictures, the first second after each operation left
  out (those are the next two figures);
- play from pause: the wait from asking to the first new picture;
- seek while playing: the longest gap between new pictures from just before the seek to the
  settled playback after it (the last old picture to the first new one, and what follows).

Budget (issue 10): no freeze, the longest gap ≤ 2 frame durations. The grab's own step (10 ms) is
inside each figure. Where the grab itself stalled (a busy machine: two grabs over 25 ms apart) the
gap can't be told from a missed frame; such gaps are left out and counted beside the figure, and the
row below says how many new pictures a second were seen in all.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from tests.benchmarks.conftest import budget, report
from tests.screen_grab import ScreenGrab, picture_changes

pytestmark = pytest.mark.bench

FPS = 25
FRAME_MS = 1000 / FPS
BUDGET_MS = 2 * FRAME_MS
GRAB_FPS = 100
GRAB_HOLE_S = 2.5 / GRAB_FPS


def _gap_ms(changes: np.ndarray, grabs: np.ndarray, start: float, end: float) -> tuple[float, int]:
    """The longest time without a new picture between start and end (wall clock), over the stretches
    the grab kept its pace through (no step between grabs over GRAB_HOLE_S: a grab that itself
    stalled, the machine being busy, can't tell a frozen picture from one it missed); and how many
    stretches were left out for that."""
    inside = changes[(changes > start) & (changes < end)]
    edges = np.concatenate(([start], inside, [end]))
    steps = np.diff(grabs)
    longest, unmeasured = 0.0, 0
    for a, b in zip(edges[:-1], edges[1:]):
        within = (grabs[1:] > a) & (grabs[:-1] < b)
        if np.any(steps[within] > GRAB_HOLE_S):
            unmeasured += 1
            continue
        longest = max(longest, b - a)
    return longest * 1000, unmeasured


def _verdict(ms: float, unmeasured: int = 0) -> str:
    held = f"   ({unmeasured} left out: the grab stalled)" if unmeasured else ""
    return f"{ms:.0f} ms   budget {BUDGET_MS:.0f} ms (2 frames)   {'pass' if ms <= BUDGET_MS else 'FAIL'}{held}"


def test_picture_freeze_on_play_and_seek(qtbot, media, sound_server):
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QWidget

    from soundon.core.listening import ListeningSetup
    from soundon.ui.app import create_application
    from soundon.ui.player import live_audio
    from soundon.ui.player.vlc_player import VlcPlayer

    take = media.clip("freeze.mp4", duration=12.0, size="320x180", fps=str(FPS))
    create_application()
    surface = QWidget()
    surface.setWindowTitle("picture freeze bench")
    surface.resize(320, 180)
    surface.show()
    qtbot.waitExposed(surface)
    player = VlcPlayer()
    player.bind(surface)
    output = live_audio.live_output()
    live_audio.hear(ListeningSetup("phone", "cafe"))
    player.set_audible(True)
    corner = surface.mapToGlobal(QPoint(0, 0))
    # The middle of the picture: libVLC fits the take inside the window, with bars at the edges.
    region = (corner.x() + 80, corner.y() + 45, 160, 90)
    marks: dict[str, float] = {}
    try:
        qtbot.waitUntil(lambda: output.running(), timeout=15000)
        with ScreenGrab(*region, fps=GRAB_FPS) as grab:
            qtbot.waitUntil(lambda: grab.count() > 20, timeout=10000)
            player.load(take, FPS, autoplay=True)
            qtbot.waitUntil(lambda: player.is_playing() and player.position() > 1.5, timeout=15000)
            marks["seek forward"] = time.time()
            player.seek(6.0)
            qtbot.waitUntil(lambda: player.position() > 7.5, timeout=15000)
            marks["seek back"] = time.time()
            player.seek(3.0)
            qtbot.waitUntil(lambda: 4.5 < player.position() < 6.0, timeout=15000)
            marks["pause"] = time.time()
            player.pause()
            qtbot.waitUntil(lambda: not player.is_playing(), timeout=5000)
            settled = grab.count() + 50               # half a second of the paused picture
            qtbot.waitUntil(lambda: grab.count() > settled, timeout=10000)
            marks["play"] = time.time()
            player.play()
            qtbot.waitUntil(lambda: player.position() > 6.5, timeout=15000)
            marks["end"] = time.time()
            times, frames = grab.frames()
    finally:
        player.release()
        surface.close()

    changes = picture_changes(times, frames)
    first = changes[0]
    new_per_s = len(changes[(changes > first + 0.2) & (changes < marks["seek forward"])]) / (
        marks["seek forward"] - first - 0.2)
    assert new_per_s > 0.8 * FPS, f"{new_per_s:.1f} new pictures a second grabbed, the take has {FPS}"
    steady = [(first + 0.2, marks["seek forward"]), (marks["seek forward"] + 1.0, marks["seek back"]),
              (marks["seek back"] + 1.0, marks["pause"]), (marks["play"] + 1.0, marks["end"])]
    playing = [_gap_ms(changes, times, start, end) for start, end in steady if end > start]
    seeks = [_gap_ms(changes, times, marks[name] - 0.1, marks[name] + 1.0) for name in ("seek forward", "seek back")]
    after = changes[changes > marks["play"]]
    resume = float((after[0] - marks["play"]) * 1000) if len(after) else float("inf")
    grabbed = times[(times > first) & (times < marks["end"])]
    grab_step = float(np.max(np.diff(grabbed)) * 1000)
    report("picture on the screen (x11grab of the player's window, 100 grabs/s)", [
        ("longest gap between new pictures while playing",
         _verdict(max(g for g, _ in playing), sum(n for _, n in playing))),
        ("play from pause: wait for the first new picture", _verdict(resume)),
        ("seek while playing: longest gap between new pictures",
         _verdict(max(g for g, _ in seeks), sum(n for _, n in seeks))),
        ("new pictures a second / longest step between grabs", f"{new_per_s:.1f} (take {FPS})   {grab_step:.0f} ms"),
    ])
    budget("picture_freeze", max(g for g, _ in playing))


OFFSET_BUDGET_MS = FRAME_MS


def test_picture_to_sound_offset(qtbot, media, sound_server):
    """A one-frame flash and a click at the same take time, each second: the click at the sink less
    the flash on the screen, both on the real-time clock (tests/e2e/test_picture_sound_agree.py)."""
    from tests.e2e.test_picture_sound_agree import sound_minus_picture

    offsets = sound_minus_picture(qtbot, media, sound_server) * 1000
    worst = float(np.max(np.abs(offsets)))
    report("picture and sound (x11grab of the window, the sink's monitor; one clock)", [
        ("sound − picture (median / range)",
         f"{np.median(offsets):+.1f} / {offsets.min():+.1f} … {offsets.max():+.1f} ms   "
         f"budget ±{OFFSET_BUDGET_MS:.0f} ms (1 frame)   {'pass' if worst <= OFFSET_BUDGET_MS else 'FAIL'}"),
    ])
