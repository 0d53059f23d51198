"""Picture and sound agree as the editor meets them: on the screen and at the device.

A take flashes white for one frame each second (frame 12 of every 25, at 0.48 s) with a 10 ms click
at the same take time. The app's player plays it in a window with the live audio on the test sound
server. The screen is recorded with x11grab and the server's monitor with ffmpeg's PulseAudio input,
both stamped with the system's real-time clock, so the flash as shown and the click as played into
the sink are set side by side. The output compensates the device's latency (media/audio_out.py):
the click must land within one frame of the flash.
"""
from __future__ import annotations

import numpy as np

from tests.monitor_clock import StampedMonitor
from tests.screen_grab import ScreenGrab

FPS = 25
FRAME_S = 1 / FPS
SECONDS = 6.0


def rising_edges(times: np.ndarray, on: np.ndarray, quiet_s: float) -> np.ndarray:
    """Times where `on` becomes true after at least quiet_s of false."""
    edges, last_on = [], -np.inf
    for t in times[on]:
        if t - last_on > quiet_s:
            edges.append(t)
        last_on = t
    return np.array(edges)


def sound_minus_picture(qtbot, media, sound_server) -> np.ndarray:
    """For each flash seen on the screen, the click's time at the sink less the flash's (seconds)."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QWidget

    from soundon.core.listening import ListeningSetup
    from soundon.ui.app import create_application
    from soundon.ui.player import live_audio
    from soundon.ui.player.vlc_player import VlcPlayer

    click = "0.5*sin(2*PI*1000*t)*between(mod(t\\,1)\\,0.48\\,0.49)"
    take = media.clip("flash.mkv", duration=SECONDS, size="320x180", fps=str(FPS), video="color",
                      audio=f"aevalsrc={click}:s=48000:c=stereo",
                      extra=["-vf", "geq=lum=if(eq(mod(N\\,25)\\,12)\\,235\\,16):cb=128:cr=128", "-c:a", "pcm_s16le"])
    create_application()
    surface = QWidget()
    surface.resize(320, 180)
    surface.show()
    qtbot.waitExposed(surface)
    player = VlcPlayer()
    player.bind(surface)
    output = live_audio.live_output()
    live_audio.hear(ListeningSetup("headphones"))
    player.set_audible(True)
    corner = surface.mapToGlobal(QPoint(0, 0))
    try:
        qtbot.waitUntil(lambda: output.running(), timeout=15000)
        with ScreenGrab(corner.x() + 120, corner.y() + 60, 80, 60, fps=100) as grab, \
                StampedMonitor(sound_server.env) as monitor:
            qtbot.waitUntil(lambda: grab.count() > 20 and monitor.seconds() > 0.3, timeout=15000)
            player.load(take, FPS, autoplay=True)
            qtbot.waitUntil(lambda: not player.is_playing() and player.position() > SECONDS - 0.5, timeout=20000)
            qtbot.waitUntil(lambda: grab.count() > 0 and monitor.seconds() > 0, timeout=1000)
            shown_at, frames = grab.frames()
            heard_at, heard = monitor.recording()
    finally:
        player.release()
        surface.close()

    brightness = np.array([frame.mean() for frame in frames])
    flashes = rising_edges(shown_at, brightness > 125, 0.5)
    clicks = rising_edges(heard_at, np.abs(heard) > 0.1, 0.5)
    assert len(flashes) >= SECONDS - 1, f"{len(flashes)} flashes seen on the screen"
    assert len(clicks) >= SECONDS - 1, f"{len(clicks)} clicks heard"
    return np.array([clicks[np.argmin(np.abs(clicks - flash))] - flash for flash in flashes])


def test_the_click_is_heard_within_a_frame_of_the_flash(qtbot, media, sound_server):
    offsets = sound_minus_picture(qtbot, media, sound_server)
    # The grab sees a flash up to one grab (10 ms) after it was drawn: it is on the screen for that
    # long before the stamp, so the picture is, if anything, earlier than measured.
    assert np.all(np.abs(offsets) <= FRAME_S), f"sound − picture (ms): {np.round(offsets * 1000, 1)}"
    print(f"sound − picture: median {np.median(offsets) * 1000:+.1f} ms, "
          f"range {offsets.min() * 1000:+.1f} … {offsets.max() * 1000:+.1f} ms over {len(offsets)} flashes")
