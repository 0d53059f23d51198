"""The app's one live audio output: what the editor hears, computed while it plays.

Every player's decoded audio reaches the app (ui/player/audio_route.py); the audible player's goes
through the listening graph (media/audio_graph.py) to the device (media/audio_out.py). The graph is
the app's, not a take's: the chosen profile, noise and phone volume are heard from the first block
of every take, with nothing rendered beforehand.

A device that can't be opened (no sound server) or goes away leaves the picture playing and the
switch saying "no audio output"; the device is tried again when a take is next heard, at most every
few seconds, so a sound server that comes back is heard again without a restart.
"""
from __future__ import annotations

import time

from soundon.core.listening import ListeningSetup
from soundon.media.audio_out import LiveOutput
from soundon.ui.gui_turns import share_the_interpreter

RETRY_S = 3.0
# The device is opened this long after it is first wanted: opening it loads the DSP libraries (up to
# a second on a cold start), which must not hold up the window's first paint; a take opened with the
# window waits, paused, for play anyway.
OPEN_AFTER_MS = 200

_output: LiveOutput | None = None
_climbed = 0   # the latency rung the device has climbed to: a device opened again starts there
_opened_at = 0.0
_listeners: list = []
_waiting: list = []
_soon = None   # the QTimer that opens the device for the waiting


def live_output() -> LiveOutput:
    """The process's audio output, opened on first use (its device stays open: a sound server may
    take a second to start a stream, and that second must not fall on a take's first block)."""
    global _output
    if _output is not None and _output.problem and time.monotonic() - _opened_at > RETRY_S:
        lost, _output = _output, None
        _keep_rung(lost)
        lost.close()
        _open(lost.graph, lost.feed)
    if _output is None:
        from soundon.media.audio_graph import AudioGraph  # noqa: PLC0415 — the audio graph on first use
        _open(AudioGraph(), None)
        _tell_the_waiting()
    return _output


def _open(graph, feed) -> None:
    global _output, _opened_at
    from soundon.ui.player.libvlc import load_vlc  # noqa: PLC0415 — the clock is libVLC's

    vlc = load_vlc()
    share_the_interpreter()   # the device's callback runs Python: it must not wait 5 ms for a turn
    _output = LiveOutput(graph, lambda: float(vlc.libvlc_clock()), on_problem=_tell, rung=_climbed)
    _output.listen_to(feed)
    _opened_at = time.monotonic()


def _keep_rung(output: LiveOutput) -> None:
    """The device never climbs down while the app runs (media/audio_out.py LATENCY_RUNGS)."""
    global _climbed
    _climbed = max(_climbed, output.rung)


def is_open() -> bool:
    """The device has been opened (it may have a problem since)."""
    return _output is not None


def meter():
    """The playback meter of the delivered mix (media/dsp/meter.py), or None while no device is open."""
    return _output.graph.meter if _output is not None else None


def when_open(callback) -> None:
    """callback() now if the device is open, else once it is (opened a moment from now)."""
    if _output is not None:
        callback()
        return
    global _soon
    _waiting.append(callback)
    if _soon is None:
        from PySide6.QtCore import QTimer  # noqa: PLC0415 — the CLI's preview has no event loop
        _soon = QTimer(singleShot=True, interval=OPEN_AFTER_MS)
        _soon.timeout.connect(_open_for_the_waiting)
    if not _soon.isActive():
        _soon.start()


def _open_for_the_waiting() -> None:
    if _waiting:   # (nobody waits any more once the app has closed the device)
        live_output()


def _tell_the_waiting() -> None:
    waiting, _waiting[:] = list(_waiting), []
    for callback in waiting:
        try:
            callback()
        except RuntimeError:
            pass   # its window closed meanwhile


def stop_hearing(feed) -> None:
    """This feed is no longer the one heard (nothing to do when it wasn't, or no device is open)."""
    if _output is not None and _output.feed is feed:
        _output.listen_to(None)


def hear(setup: ListeningSetup, *, match_gain_db: float = 0.0) -> None:
    """What the editor chose to hear, from the next block on."""
    live_output().graph.set_setup(setup, match_gain_db=match_gain_db)


def watch(listener) -> None:
    """listener(message) is called, from any thread, when the device can't be opened or goes away."""
    _listeners.append(listener)


def unwatch(listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def _tell(problem: str) -> None:
    for listener in list(_listeners):
        try:
            listener(problem)
        except RuntimeError:
            unwatch(listener)   # its window has gone


def output_problem() -> str | None:
    """None while the device plays; else what the switch says instead ("no audio output …")."""
    if _output is None:
        return None
    return _output.problem


def close() -> None:
    """The device stops; nobody waits for it any more (a closed window's players and settings)."""
    global _output
    _waiting.clear()
    if _soon is not None:
        _soon.stop()
    if _output is not None:
        _keep_rung(_output)
        _output.close()
        _output = None
