"""Polyphase resampling by a rational factor (up/down), as SciPy's resample_poly does it: a
linear-phase low-pass FIR (a Kaiser-windowed sinc unless a filter is given), applied at the output
rate only, the output centred on the input. Used where a measure wants speech at its own rate
(the voice detector at 16 kHz, STOI at 10 kHz).

Only the outputs that are kept are computed: one matrix product per phase of the filter.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

_CHUNK = 512


def lowpass_taps(up: int, down: int, beta: float = 5.0) -> np.ndarray:
    """The default anti-aliasing filter: cut-off at the lower of the two Nyquists, 10 zero crossings
    each side, Kaiser window, unity gain at DC."""
    rate = max(up, down)
    half = 10 * rate
    m = np.arange(2 * half + 1) - half
    taps = np.sinc(m / rate) / rate * np.kaiser(2 * half + 1, beta)
    return taps / taps.sum()


def resample_poly(x: np.ndarray, up: int, down: int, taps: np.ndarray | None = None) -> np.ndarray:
    """(n,) samples at rate R → ceil(n·up/down) samples at R·up/down (float64)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("resample_poly takes one channel")
    common = math.gcd(up, down)
    up, down = up // common, down // common
    if up == down == 1:
        return x.copy()
    h = (lowpass_taps(up, down) if taps is None else np.asarray(taps, dtype=np.float64)) * up
    half = (len(h) - 1) // 2
    n_in = len(x)
    n_out = -(-n_in * up // down)
    # Pad the filter in front so that output sample k sits at input time k·down/up (centred).
    pre_pad = down - half % down
    h = np.concatenate((np.zeros(pre_pad), h))
    first = (half + pre_pad) // down                     # the outputs before this one are dropped
    out = np.empty(n_out)
    if n_in == 0:
        return out
    # Output i (before the drop) = Σ_j h[j]·up(x)[i·down − j]; only j ≡ i·down (mod up) meet a
    # sample. For the outputs i = i0 + up·m that phase is fixed: they are the windows of x
    # starting at q0 + down·m, against that phase's taps reversed.
    for i0 in range(up):
        targets = np.arange(i0, first + n_out, up)
        targets = targets[targets >= first]
        if not len(targets):
            continue
        phase = h[(i0 * down) % up::up]
        k = len(phase)
        starts = (targets * down) // up                  # the newest input sample each output meets
        need = int(starts[-1]) + 1
        padded = np.concatenate((np.zeros(k - 1), x[:need], np.zeros(max(0, need - n_in))))
        windows = sliding_window_view(padded, k)
        reverse = phase[::-1].copy()
        for at in range(0, len(starts), _CHUNK):   # gathered a chunk at a time, so it stays in cache
            out[targets[at:at + _CHUNK] - first] = windows[starts[at:at + _CHUNK]] @ reverse
    return out
