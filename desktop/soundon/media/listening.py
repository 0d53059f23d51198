"""The ffmpeg side of the listening profiles: the device's response as a filter graph, for the
analysis (one decode measures the phone loss beside the loudness), and the input options every
listening decode uses.

What the editor hears, and what `soundon preview` renders, is computed by the audio graph
(media/audio_graph.py), not here. The analysis measures the device's response only (the profile's
mono sum and EQ, without its dynamics), which ffmpeg computes in the same decode as the loudness;
tests/unit/test_analysis.py holds its phone loss to the profile's figures.
"""
from __future__ import annotations

import os

from soundon.core.errors import SoundOnError
from soundon.core.listening import ListeningProfile
from soundon.media.loudness import k_weighting
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


def _stereo(channels: int) -> str:
    if channels == 1:
        return "pan=stereo|c0=c0|c1=c0"
    if channels == 2:
        return "aformat=channel_layouts=stereo"
    return "aformat=channel_layouts=stereo"  # ffmpeg's standard downmix (ITU coefficients)


def _band(band, rate: int) -> str | None:
    if band.frequency >= 0.45 * rate:
        return None  # above what this sample rate carries: nothing there to shape
    f, g, q = band.frequency, band.gain_db, band.q
    if band.kind == "highpass":
        return f"highpass=f={f:g}:p={band.poles}:t=q:w={q:g}"
    if band.kind == "lowpass":
        return f"lowpass=f={f:g}:p={band.poles}:t=q:w={q:g}"
    if band.kind == "peak":
        return f"equalizer=f={f:g}:t=q:w={q:g}:g={g:g}"
    if band.kind == "highshelf":
        return f"highshelf=f={f:g}:t=q:w={q:g}:g={g:g}"
    if band.kind == "lowshelf":
        return f"lowshelf=f={f:g}:t=q:w={q:g}:g={g:g}"
    raise ValueError(f"unknown EQ band kind {band.kind!r}")


def device_response_graph(profile: ListeningProfile, *, channels: int, rate: int, source: str,
                          output: str) -> str:
    """The device's response (mono sum or crossfeed, then its EQ) as filter_complex text, from the
    take's channels at its own rate: a mono device gives its one channel, a stereo one two."""
    chain = ["aformat=sample_fmts=dblp", _stereo(channels)]
    if profile.mono:
        chain.append("pan=mono|c0=0.5*c0+0.5*c1")
    elif profile.crossfeed:
        x = profile.crossfeed
        chain.append(f"pan=stereo|c0={1 - x:g}*c0+{x:g}*c1|c1={x:g}*c0+{1 - x:g}*c1")
    chain += [f for f in (_band(b, rate) for b in profile.eq) if f]
    return f"[{source}]" + ",".join(chain) + f"[{output}]"


def k_weighting_chain(rate: int, layout: str | None = None) -> str:
    """ffmpeg filters applying the BS.1770 K-weighting, in double precision.

    layout pins the channel layout after the filters: amerge refuses (or drops channels of) a
    branch that arrives without one, and the biquads don't always carry it through.
    """
    stages = []
    for (b0, b1, b2), (a0, a1, a2) in k_weighting(rate):
        stages.append(f"biquad=b0={b0!r}:b1={b1!r}:b2={b2!r}:a0={a0!r}:a1={a1!r}:a2={a2!r}:precision=f64")
    pin = f",aformat=channel_layouts={layout}" if layout else ""
    return "aformat=sample_fmts=dblp," + ",".join(stages) + pin
