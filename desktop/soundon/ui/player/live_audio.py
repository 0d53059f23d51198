"""The app's one live audio output: what the editor hears, computed while it plays.

Every player's decoded audio reaches the app (ui/player/audio_route.py); the audible player's goes
through the listening graph (media/audio_graph.py) to the device (media/audio_out.py). The graph is
the app's, not a take's: the chosen profile, noise and phone volume are heard from the first block
of every take, with nothing rendered beforehand.

SOUNDON_LIVE_AUDIO=1 turns it on. It is off by default until it replaces the listening renders
everywhere (Compare, the post track, match loudness) and a defect is found: in a test run, after
another window's players had come and gone, the device heard only silence though the take's audio
was queued (tests/e2e/test_live_listening.py passes on its own). Off, libVLC's own audio output
plays, with the listening renders.
"""
from __future__ import annotations

import os

from soundon.core.listening import ListeningSetup
from soundon.media.audio_out import LiveOutput

_output: LiveOutput | None = None


def live_audio_enabled() -> bool:
    return os.environ.get("SOUNDON_LIVE_AUDIO", "0") == "1"


def live_output() -> LiveOutput:
    """The process's audio output, opened on first use (its device stays open: a sound server may
    take a second to start a stream, and that second must not fall on a take's first block)."""
    global _output
    if _output is None:
        from soundon.media.audio_graph import AudioGraph  # noqa: PLC0415 — scipy/pedalboard on first use
        from soundon.ui.player.vlc_player import _load_vlc  # noqa: PLC0415 — the clock is libVLC's

        vlc = _load_vlc()
        _output = LiveOutput(AudioGraph(), lambda: float(vlc.libvlc_clock()))
    return _output


def hear(setup: ListeningSetup, *, match_gain_db: float = 0.0) -> None:
    """What the editor chose to hear, from the next block on."""
    live_output().graph.set_setup(setup, match_gain_db=match_gain_db)


def output_problem() -> str | None:
    """None while the device plays; else what the switch says instead ("no audio output …")."""
    if _output is None:
        return None
    return _output.problem


def close() -> None:
    global _output
    if _output is not None:
        _output.close()
        _output = None
