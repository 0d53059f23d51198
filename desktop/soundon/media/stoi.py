"""STOI, the short-time objective intelligibility of speech heard (noisy, processed) against the
clean speech (Taal, Hendriks, Heusdens, Jensen, IEEE TASLP 2011), with the reference
implementation's constants and steps: both at 10 kHz; frames where the clean speech is 40 dB
under its loudest dropped; one-third-octave band envelopes from a 256-sample Hann STFT; over each
384 ms stretch (30 frames), the heard envelope scaled to the clean one's energy, clipped at
−15 dB signal-to-distortion, and correlated with it. The figure is the mean correlation, about 0
(nothing understood) to 1.

NumPy only. tests/unit/test_stoi.py holds it to the `pystoi` package on speech-like sound.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from soundon.media.dsp.resample import resample_poly

RATE = 10_000
FRAME = 256
FFT_SIZE = 512
BANDS = 15
LOWEST_BAND_HZ = 150
SEGMENT_FRAMES = 30
CLIP_DB = -15.0                 # the lowest signal-to-distortion ratio a band is held to
DYNAMIC_RANGE_DB = 40
EPS = np.finfo(float).eps


def stoi(clean: np.ndarray, heard: np.ndarray, rate: int) -> float:
    """STOI of `heard` against `clean` (same length, one channel, at `rate`); 1e-5 when fewer than
    30 frames of speech remain (as the reference does)."""
    clean, heard = np.asarray(clean, np.float64), np.asarray(heard, np.float64)
    if clean.shape != heard.shape:
        raise ValueError(f"the clean and heard sound differ in length ({clean.shape} against {heard.shape})")
    if rate != RATE:
        taps = _octave_resampler(RATE, rate)
        clean, heard = resample_poly(clean, RATE, rate, taps), resample_poly(heard, RATE, rate, taps)
    clean, heard = _without_silent_frames(clean, heard)
    x, y = _band_envelopes(clean), _band_envelopes(heard)
    if x.shape[1] < SEGMENT_FRAMES:
        return 1e-5
    xs = sliding_window_view(x, SEGMENT_FRAMES, axis=1)      # (bands, segments, frames)
    ys = sliding_window_view(y, SEGMENT_FRAMES, axis=1)
    scaled = ys * (np.linalg.norm(xs, axis=2, keepdims=True) / (np.linalg.norm(ys, axis=2, keepdims=True) + EPS))
    clipped = np.minimum(scaled, xs * (1 + 10 ** (-CLIP_DB / 20)))
    clipped = clipped - clipped.mean(axis=2, keepdims=True)
    xs = xs - xs.mean(axis=2, keepdims=True)
    clipped /= np.linalg.norm(clipped, axis=2, keepdims=True) + EPS
    xs /= np.linalg.norm(xs, axis=2, keepdims=True) + EPS
    return float(np.sum(clipped * xs) / (xs.shape[0] * xs.shape[1]))


@lru_cache(maxsize=8)
def _octave_resampler(up: int, down: int) -> np.ndarray:
    """The reference's anti-aliasing filter (Octave's resample): 60 dB rejection, a roll-off a
    tenth of the stop-band edge wide, Kaiser window; unity gain at DC."""
    common = math.gcd(up, down)
    up, down = up // common, down // common
    edge = 1 / (2 * max(up, down))
    rejection_db = 60.0
    half = math.ceil((rejection_db - 8) / (28.714 * edge / 10))
    t = np.arange(-half, half + 1)
    taps = np.kaiser(2 * half + 1, 0.1102 * (rejection_db - 8.7)) * 2 * up * edge * np.sinc(2 * edge * t)
    return taps / taps.sum()


def _hann(size: int) -> np.ndarray:
    return np.hanning(size + 2)[1:-1]                   # Matlab's hanning(size): no zero ends


def _frames(x: np.ndarray, size: int, hop: int) -> np.ndarray:
    count = len(range(0, len(x) - size, hop))
    return sliding_window_view(x, size)[:count * hop:hop] if count else np.zeros((0, size))


def _without_silent_frames(clean: np.ndarray, heard: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sounds rebuilt (windowed frames, overlap-added) from the frames where the clean one is
    within 40 dB of its loudest frame."""
    hop = FRAME // 2
    window = _hann(FRAME)
    x, y = _frames(clean, FRAME, hop) * window, _frames(heard, FRAME, hop) * window
    if not len(x):
        return np.zeros(0), np.zeros(0)
    energy = 20 * np.log10(np.linalg.norm(x, axis=1) + EPS)
    keep = energy > energy.max() - DYNAMIC_RANGE_DB
    return _overlap_add(x[keep], hop), _overlap_add(y[keep], hop)


def _overlap_add(frames: np.ndarray, hop: int) -> np.ndarray:
    count, size = frames.shape
    out = np.zeros((count - 1) * hop + size)
    for part in range(size // hop):                     # FRAME is two hops: two shifted sums
        out[part * hop:part * hop + count * hop] += frames[:, part * hop:(part + 1) * hop].reshape(-1)
    return out


@lru_cache(maxsize=1)
def _band_matrix() -> np.ndarray:
    """Which FFT bins (rows: the 15 one-third-octave bands from 150 Hz) each band sums."""
    bins = np.linspace(0, RATE, FFT_SIZE + 1)[:FFT_SIZE // 2 + 1]
    k = np.arange(BANDS, dtype=float)
    matrix = np.zeros((BANDS, len(bins)))
    for band, (low, high) in enumerate(zip(LOWEST_BAND_HZ * 2.0 ** ((2 * k - 1) / 6),
                                           LOWEST_BAND_HZ * 2.0 ** ((2 * k + 1) / 6))):
        matrix[band, np.argmin(np.square(bins - low)):np.argmin(np.square(bins - high))] = 1
    return matrix


def _band_envelopes(x: np.ndarray) -> np.ndarray:
    """(bands, frames): each band's magnitude per STFT frame (hop of half a frame)."""
    frames = _frames(x, FRAME, FRAME // 2) * _hann(FRAME)
    power = np.square(np.abs(np.fft.rfft(frames, n=FFT_SIZE, axis=1)))
    return np.sqrt(_band_matrix() @ power.T)
