"""What the post-lane tests hear: a take whose own audio is a 3 kHz click, a post track that is a
1 kHz beep, and one play of it recorded from the test sound server's monitor, measured as the time
from the click to the beep."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from soundon.jobs.importer import Importer
from tests.e2e.device_skips import PLAYS, skips
from tests.signals import write_wav
from tests.sound_server import RATE

SECONDS = 1.5
CLICK_S, BEEP_S = 0.2, 0.8      # the take's 3 kHz click; the post track's 1 kHz beep, 0.1 s long


def click_take_and_beep_track(media, library, tmp_path: Path, name: str) -> Path:
    """Import a take (in a batch of its own) whose audio is the click; return the beep's WAV file."""
    folder = media.folder / f"{name} heard"
    click = f"0.3*sin(2*PI*3000*t)*gte(t\\,{CLICK_S})*lt(t\\,{CLICK_S + 0.02})"
    media.clip(f"{name}_veo.mov", folder=folder, duration=SECONDS, size="64x36", fps="25",
               audio=f"aevalsrc={click}|{click}:s={RATE}:d={SECONDS}", extra=["-c:a", "pcm_s16le"])
    Importer(library).run([folder])
    t = np.arange(int(SECONDS * RATE)) / RATE
    beep = 0.3 * np.sin(2 * np.pi * 1000 * t) * ((t >= BEEP_S) & (t < BEEP_S + 0.1))
    return write_wav(tmp_path / "post.wav", np.column_stack([beep, beep]))


def heard_once(qtbot, sound_server, player, output, until_s: float) -> float:
    """Play the take from its start to `until_s` (paused before its end: the next play starts from a
    seek, as the editor's does) and return the click-to-beep time heard at the device.

    A play in which the device ran dry or its sound jumped to meet the clock again (a starved
    machine) is played again: the sound skipped a few ms between the click and the beep there,
    which is the device's, not the lane's (seen once in CI: 4.04 ms short)."""
    for _ in range(PLAYS):
        glitches = skips(output)
        heard = _play(qtbot, sound_server, player, output, until_s)
        if skips(output) == glitches:
            return heard
    raise AssertionError(f"the device skipped in each of {PLAYS} plays ({output.underruns} underruns, "
                         f"{output.jumps} jumps, {output.restarts} restarts): the machine is too busy to measure the lane")


def _play(qtbot, sound_server, player, output, until_s: float) -> float:
    with sound_server.recorder() as recorder:
        qtbot.waitUntil(lambda: output.running() and recorder.seconds() > 0.1, timeout=15000)
        player.seek(0.0)
        qtbot.waitUntil(lambda: player.position() < 0.05, timeout=5000)
        player.play()
        qtbot.waitUntil(lambda: player.is_playing(), timeout=5000)
        qtbot.waitUntil(lambda: player.position() > until_s, timeout=15000)
        player.pause()
        qtbot.waitUntil(lambda: np.abs(recorder.samples()[-int(0.3 * RATE):, 0]).max() < 1e-4, timeout=5000)
        return beep_after_click(recorder.samples()[:, 0].astype(np.float64))


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
