"""The ffmpeg side of listening: the input options every decode of a source for listening uses,
and the error a listening render or measurement reports.

What the editor hears, and what `soundon preview` renders, is computed by the audio graph
(media/audio_graph.py), not here; the analysis measures the device's response in this process
(media/sound_measure.py).
"""
from __future__ import annotations

import os

from soundon.core.errors import SoundOnError
from soundon.media.safety import input_options, input_url


class ListeningError(SoundOnError, RuntimeError):
    """A listening render or measurement failed; the message says why in plain words."""


# ffmpeg's filters slice-thread by default; for audio that costs more in wake-ups than it gains
# (a biquad runs 4× faster on one thread), and the job pool runs takes side by side anyway.
SINGLE_THREAD = ["-threads", "1", "-filter_complex_threads", "1"]


def source_args(path: str | os.PathLike, *, offset_s: float = 0.0, loop: bool = False) -> list[str]:
    """Input options for a source file: safe URL, and where the sound starts (post-track offset).

    A positive offset delays the sound (silence first); a negative one starts later inside it.
    """
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    if loop:
        args += ["-stream_loop", "-1"]
    if offset_s < 0:
        args += ["-ss", f"{-offset_s:.6f}"]
    return args + ["-vn", "-sn", "-dn", "-i", input_url(path)]
