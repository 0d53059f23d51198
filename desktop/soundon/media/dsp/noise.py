"""The environments' noise beds, made once per process and looped.

Each bed is built in the frequency domain over exactly one loop length, so it is periodic: the loop
joins without a seam. Pink noise band-limited 80 Hz–8 kHz (the same 2-pole high- and low-pass as
the ffmpeg graph had, applied as their magnitude response); street and train add brown-noise rumble
(30 Hz–8 kHz) of the same K-weighted loudness as the pink part. Each channel has its own fixed seed
(decorrelated, reproducible). The bed is then scaled with the loudness meter to the calibrated
level of its environment, −18 − (75 − E) LUFS.
"""
from __future__ import annotations

import functools

import numpy as np

from soundon.core.listening import EqBand, noise_bed_lufs, noise_named
from soundon.media.dsp import biquads
from soundon.media.dsp.measure import integrated_lufs
from soundon.media.dsp.spectrum import sos_response

RATE = 48000
LOOP_S = 10.0
PINK_SEEDS = (1009, 2017)
BROWN_SEEDS = (3041, 4049)
PINK_BAND = (EqBand("highpass", 80), EqBand("lowpass", 8000))
RUMBLE_BAND = (EqBand("highpass", 30), EqBand("lowpass", 8000))


def _shaped(seed: int, n: int, slope: float, band) -> np.ndarray:
    """One loop of noise whose power falls as 1/f**slope, through the band's magnitude response."""
    rng = np.random.default_rng(seed)
    bins = n // 2 + 1
    spectrum = rng.standard_normal(bins) + 1j * rng.standard_normal(bins)
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    shape = np.zeros(bins)
    shape[1:] = freqs[1:] ** (-slope / 2)
    response = sos_response(biquads.sections(band, RATE), freqs, RATE)
    signal = np.fft.irfft(spectrum * shape * np.abs(response), n)
    return signal / np.sqrt(np.mean(signal * signal))


def _looped_lufs(bed: np.ndarray) -> float:
    # Measured over two passes, the second kept: the meter's filter starts settled, as in a loop.
    return integrated_lufs(np.vstack((bed, bed)), RATE)


@functools.cache
def _bed(colour: str) -> np.ndarray:
    """The bed at 0 dB gain before calibration, (n, 2) float64."""
    n = int(LOOP_S * RATE)
    pink = np.column_stack([_shaped(seed, n, 1.0, PINK_BAND) for seed in PINK_SEEDS])
    if colour == "pink":
        return pink
    brown = np.column_stack([_shaped(seed, n, 2.0, RUMBLE_BAND) for seed in BROWN_SEEDS])
    brown *= 10 ** ((_looped_lufs(pink) - _looped_lufs(brown)) / 20)
    return pink + brown


@functools.cache
def calibrated_bed(environment: str) -> np.ndarray:
    """The environment's bed at its calibrated loudness, (LOOP_S · 48000, 2) float32."""
    noise = noise_named(environment)
    bed = _bed(noise.colour)
    gain_db = noise_bed_lufs(noise.level_dba) - _looped_lufs(bed)
    return (bed * 10 ** (gain_db / 20)).astype(np.float32)


def loop_samples(bed: np.ndarray, position: int, n: int) -> np.ndarray:
    """n samples of the looped bed from take sample `position` on."""
    start = position % len(bed)
    if start + n <= len(bed):
        return bed[start:start + n]
    return np.take(bed, np.arange(start, start + n), axis=0, mode="wrap")
