"""Loudness of decoded samples, with the project's BS.1770 meter (soundon.media.loudness).

The K-weighting runs through the biquads here; the gating is the meter's own.
"""
from __future__ import annotations

import numpy as np
from soundon.media import loudness
from soundon.media.dsp import biquads


def k_weighting_sections(rate: int) -> np.ndarray:
    return np.array([[*b, *a] for b, a in loudness.k_weighting(rate)])


def weighted_power(samples: np.ndarray, rate: int) -> np.ndarray:
    """Per-sample K-weighted power summed over the channels (weight 1 each: stereo)."""
    weighted = biquads.filtered(k_weighting_sections(rate), samples)
    return loudness.weighted_power(weighted, np.ones(weighted.shape[1]))


def integrated_lufs(samples: np.ndarray, rate: int) -> float | None:
    """Integrated loudness of (n, channels) samples; None when silent."""
    return loudness.integrated_loudness(weighted_power(samples, rate), rate)
