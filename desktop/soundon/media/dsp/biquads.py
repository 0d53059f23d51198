"""The listening profiles' EQ as biquads with kept state (the loop is compiled: _loops.c).

Coefficients are the RBJ audio-EQ cookbook's, as ffmpeg's highpass/lowpass/equalizer/highshelf/
lowshelf filters compute them with a Q width (`t=q`), so a profile sounds as it did through ffmpeg.
The alignment's Butterworth band-pass is designed here too.
"""
from __future__ import annotations

import math

import numpy as np

from soundon.core.listening import EqBand
from soundon.media.dsp._loops import filter_rows as _filter_rows_inplace

# Above this share of the sample rate a band has nothing to shape (the same rule as the ffmpeg graph).
NYQUIST_SHARE = 0.45


def band_sections(band: EqBand, rate: int) -> np.ndarray | None:
    """One second-order section [b0, b1, b2, 1, a1, a2] for a band, or None when out of range."""
    if band.frequency >= NYQUIST_SHARE * rate:
        return None
    w0 = 2 * math.pi * band.frequency / rate
    cos_w, sin_w = math.cos(w0), math.sin(w0)
    alpha = sin_w / (2 * band.q)
    a = 10 ** (band.gain_db / 40)
    if band.kind in ("highpass", "lowpass") and band.poles == 1:
        pole = math.exp(-w0)
        b = (1 - pole, 0.0, 0.0) if band.kind == "lowpass" else ((1 + pole) / 2, -(1 + pole) / 2, 0.0)
        den = (1.0, -pole, 0.0)
    elif band.kind == "highpass":
        b = ((1 + cos_w) / 2, -(1 + cos_w), (1 + cos_w) / 2)
        den = (1 + alpha, -2 * cos_w, 1 - alpha)
    elif band.kind == "lowpass":
        b = ((1 - cos_w) / 2, 1 - cos_w, (1 - cos_w) / 2)
        den = (1 + alpha, -2 * cos_w, 1 - alpha)
    elif band.kind == "peak":
        b = (1 + alpha * a, -2 * cos_w, 1 - alpha * a)
        den = (1 + alpha / a, -2 * cos_w, 1 - alpha / a)
    elif band.kind == "highshelf":
        root = 2 * math.sqrt(a) * alpha
        b = (a * ((a + 1) + (a - 1) * cos_w + root), -2 * a * ((a - 1) + (a + 1) * cos_w),
             a * ((a + 1) + (a - 1) * cos_w - root))
        den = ((a + 1) - (a - 1) * cos_w + root, 2 * ((a - 1) - (a + 1) * cos_w), (a + 1) - (a - 1) * cos_w - root)
    elif band.kind == "lowshelf":
        root = 2 * math.sqrt(a) * alpha
        b = (a * ((a + 1) - (a - 1) * cos_w + root), 2 * a * ((a - 1) - (a + 1) * cos_w),
             a * ((a + 1) - (a - 1) * cos_w - root))
        den = ((a + 1) + (a - 1) * cos_w + root, -2 * ((a - 1) + (a + 1) * cos_w), (a + 1) + (a - 1) * cos_w - root)
    else:
        raise ValueError(f"unknown EQ band kind {band.kind!r}")
    return np.array([*(v / den[0] for v in b), 1.0, den[1] / den[0], den[2] / den[0]])


def sections(bands, rate: int) -> np.ndarray:
    """The bands in order as a (sections, 6) array (possibly empty)."""
    rows = [row for row in (band_sections(b, rate) for b in bands) if row is not None]
    return np.array(rows).reshape(-1, 6)


class Filter:
    """A cascade of biquads over `channels` channels, fed (n, channels) blocks, state kept between them."""

    def __init__(self, sos: np.ndarray, channels: int):
        self.sos = np.ascontiguousarray(sos, dtype=np.float64)
        self.channels = channels
        self.reset()

    def reset(self) -> None:
        # One row per channel, (channels, sections, 2): the layout the in-place loop keeps.
        self._state = np.zeros((self.channels, len(self.sos), 2))

    def process(self, block: np.ndarray) -> np.ndarray:
        """(n, channels) in, (n, channels) float64 out, the state carried to the next block."""
        if not len(self.sos):
            return block
        return self.filter_rows(np.array(block.T, dtype=np.float64, order="C")).T   # a copy: filtered in place

    def filter_rows(self, rows: np.ndarray) -> np.ndarray:
        """(channels, n) C-ordered float64, filtered in place (and returned), the state kept."""
        if not len(self.sos):
            return rows
        return _filter_rows_inplace(self.sos, rows, self._state)


def filtered(sos: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """(n,) or (n, channels) samples through the cascade from rest, as float64 of the same shape."""
    samples = np.asarray(samples)
    rows = np.array(samples.reshape(len(samples), -1).T, dtype=np.float64, order="C")
    Filter(sos, len(rows)).filter_rows(rows)
    return rows.T.reshape(samples.shape)


def butterworth_bandpass(order: int, low: float, high: float, rate: int) -> np.ndarray:
    """A Butterworth band-pass of `order` (2·order poles) between low and high Hz, as (order, 6)
    sections: the analog prototype moved to the band, then the bilinear transform with the band
    edges pre-warped, as SciPy's butter(order, (low, high), 'bandpass', output='sos') designs it."""
    if not 0 < low < high < rate / 2:
        raise ValueError(f"band edges {low}–{high} Hz must lie between 0 and {rate / 2} Hz")
    prototype = -np.exp(1j * np.pi * np.arange(-order + 1, order, 2) / (2 * order))
    w_low, w_high = (2 * rate * math.tan(math.pi * f / rate) for f in (low, high))
    width, centre = w_high - w_low, math.sqrt(w_low * w_high)
    shifted = prototype * width / 2
    root = np.sqrt(shifted ** 2 - centre ** 2)
    poles_s = np.concatenate((shifted + root, shifted - root))
    twice = 2 * rate
    poles = (twice + poles_s) / (twice - poles_s)
    gain = width ** order * float(np.real(twice ** order / np.prod(twice - poles_s)))
    # Each section: one pole pair over a zero at DC and one at Nyquist, (1 − z⁻¹)(1 + z⁻¹).
    upper = sorted(poles[poles.imag > 0], key=lambda p: abs(p))
    rows = [[1.0, 0.0, -1.0, 1.0, -2 * p.real, abs(p) ** 2] for p in upper]
    rows[0][:3] = [gain * v for v in rows[0][:3]]
    return np.array(rows)
