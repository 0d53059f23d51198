"""The listening profiles' EQ as biquads with kept state (scipy's sosfilt).

Coefficients are the RBJ audio-EQ cookbook's, as ffmpeg's highpass/lowpass/equalizer/highshelf/
lowshelf filters compute them with a Q width (`t=q`), so a profile sounds as it did through ffmpeg.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.signal import sosfilt

try:
    # The loop inside sosfilt, without its argument checks and axis moves: those cost ten times the
    # filtering itself for a 10 ms block, a hundred times a second. The public sosfilt stays the
    # fallback (the same filter, the same state) should a SciPy release move it.
    from scipy.signal._sosfilt import _sosfilt as _sosfilt_inplace
except ImportError:  # pragma: no cover — depends on the SciPy release
    _sosfilt_inplace = None

from soundon.core.listening import EqBand

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
        if _sosfilt_inplace is not None:
            _sosfilt_inplace(self.sos, rows, self._state)
            return rows
        out, state = sosfilt(self.sos, rows, axis=-1, zi=self._state.transpose(1, 0, 2))
        self._state = np.ascontiguousarray(state.transpose(1, 0, 2))
        rows[:] = out
        return rows
