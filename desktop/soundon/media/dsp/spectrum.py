"""Spectra: the response of a biquad cascade at given frequencies, a take's averaged power
spectrum (Welch's method), and FFT sizes that transform fast. NumPy's FFT does the work."""
from __future__ import annotations

import numpy as np


def sos_response(sos: np.ndarray, frequencies, rate: float) -> np.ndarray:
    """The complex response H(f) of the cascade of (sections, 6) biquads at each frequency (Hz)."""
    frequencies = np.asarray(frequencies, dtype=np.float64)
    z1 = np.exp(-2j * np.pi * frequencies / rate)            # z⁻¹ on the unit circle
    z2 = z1 * z1
    response = np.ones(frequencies.shape, dtype=np.complex128)
    for b0, b1, b2, a0, a1, a2 in np.asarray(sos, dtype=np.float64).reshape(-1, 6):
        response *= (b0 + b1 * z1 + b2 * z2) / (a0 + a1 * z1 + a2 * z2)
    return response


def power_spectrum(x: np.ndarray, rate: float, segment: int) -> tuple[np.ndarray, np.ndarray]:
    """(frequencies, power per bin) of one channel: Hann-windowed segments overlapping by half,
    each less its mean, averaged; scaled so a sine's bin reads its mean square power (Welch's
    'spectrum' scaling, one-sided)."""
    x = np.asarray(x, dtype=np.float64)
    step = segment - segment // 2
    count = (len(x) - segment // 2) // step
    if segment < 1 or count < 1:
        raise ValueError("the signal is shorter than one segment")
    window = np.hanning(segment + 1)[:-1]                     # periodic Hann, as for spectra
    frames = np.lib.stride_tricks.sliding_window_view(x, segment)[::step][:count]
    frames = (frames - frames.mean(axis=1, keepdims=True)) * window
    power = np.square(np.abs(np.fft.rfft(frames, axis=1))).mean(axis=0) / window.sum() ** 2
    power[1:segment // 2 + (segment % 2)] *= 2                # fold the negative frequencies in
    return np.fft.rfftfreq(segment, 1 / rate), power


def fast_length(n: int) -> int:
    """The smallest size ≥ n whose only prime factors are 2, 3 and 5 (a fast FFT size)."""
    if n <= 6:
        return max(n, 1)
    best = 1 << (n - 1).bit_length()
    five = 1
    while five < best:
        three = five
        while three < best:
            # the smallest power of two bringing three (= 3^a·5^b) to n or above
            size = three << max(0, (-(-n // three) - 1).bit_length())
            best = min(best, size)
            three *= 3
        five *= 5
    return best
