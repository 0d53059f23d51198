"""What the inspector's plots draw, measured once by the analysis and stored with its report:

- the short-term loudness (3 s windows, one every 100 ms, floored at −70 LUFS; each value is
  placed at its window's end, the first at 3 s or at the end of a shorter take), and
- the native audio's long-term spectrum in third-octave bands (25 Hz to 16 kHz, Welch average of
  8192-point Hann frames, both channels summed), dB relative to full scale.

The same spectrum through a listening profile is the stored one plus the profile's EQ response at
each band's centre (`through_profile`): it shows what the speaker's response takes away, without a
second decode. (Its level-dependent compressor is left out, as in the phone loss figure.)
"""
from __future__ import annotations

import numpy as np

from soundon.core.listening import profile_named
from soundon.media.dsp import biquads
from soundon.media.dsp.spectrum import power_spectrum, sos_response

FLOOR_LUFS = -70.0
BANDS_HZ = tuple(round(1000 * 2 ** (k / 3), 1) for k in range(-16, 13))   # 25 Hz … 16 kHz


def loudness_series(short_term_power: np.ndarray, to_lufs) -> list[float]:
    """Short-term loudness per 100 ms as LUFS, one decimal, floored."""
    if not len(short_term_power):
        return []
    with np.errstate(divide="ignore"):
        values = np.maximum(to_lufs(np.maximum(short_term_power, 1e-20)), FLOOR_LUFS)
    return [round(float(v), 1) for v in values]


def spectrum(native: np.ndarray, rate: int) -> dict:
    """Third-octave band levels (dBFS) of the (n, 2) native audio."""
    mono = native.mean(axis=1) if native.ndim == 2 else native
    if len(mono) < 2048:
        return {"frequencies": list(BANDS_HZ), "native_db": [None] * len(BANDS_HZ)}
    freqs, power = power_spectrum(mono, rate, min(8192, len(mono)))
    levels = []
    for centre in BANDS_HZ:
        low, high = centre / 2 ** (1 / 6), centre * 2 ** (1 / 6)
        inside = (freqs >= low) & (freqs < high)
        total = float(power[inside].sum()) if inside.any() else 0.0
        levels.append(round(float(10 * np.log10(total)), 1) if total > 1e-14 else None)
    return {"frequencies": list(BANDS_HZ), "native_db": levels}


def profile_response_db(profile: str, frequencies, rate: int = 48000) -> list[float]:
    """The profile's EQ response (dB) at each frequency."""
    sos = biquads.sections(profile_named(profile).eq, rate)
    if not len(sos):
        return [0.0] * len(frequencies)
    h = sos_response(sos, frequencies, rate)
    return [float(v) for v in 20 * np.log10(np.maximum(np.abs(h), 1e-10))]


def through_profile(stored: dict, profile: str) -> list[float | None]:
    response = profile_response_db(profile, stored["frequencies"])
    return [None if level is None else round(level + gain, 1) for level, gain in zip(stored["native_db"], response)]


def speech_segments(mask: np.ndarray, rate: int) -> list[list[float]]:
    """Runs of speech as [start, end] seconds."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return [[round(s / rate, 2), round(e / rate, 2)]
            for s, e in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))]
