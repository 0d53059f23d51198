"""The phone's dynamics and the safety limiter (media/dsp/dynamics.py, in the compiled loop) are
JUCE's processors as pedalboard runs them: held here to pedalboard's own chains, sample for sample,
on a programme with loud bursts, fed in device-sized and uneven blocks."""
from __future__ import annotations

import numpy as np
import pedalboard
import pytest

from soundon.media.dsp import dynamics
from soundon.media.dsp._loops import compress_rows

RATE = dynamics.RATE


def programme(seconds: float, seed: int = 4) -> np.ndarray:
    """(n, 2) float32: noise at a speech-like level, with bursts 10 dB over the ceiling."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    x = rng.standard_normal((n, 2)) * 0.08
    for start in range(RATE // 3, n, RATE // 2):
        x[start:start + RATE // 20] *= 12
    x[:, 1] *= 0.7
    return x.astype(np.float32)


def _limiter():
    return [pedalboard.Compressor(threshold_db=dynamics.CEILING_DB, ratio=dynamics._LIMITER_RATIO,
                                  attack_ms=dynamics._LIMITER_ATTACK_MS, release_ms=dynamics.LIMITER_RELEASE_MS),
            pedalboard.Clipping(threshold_db=dynamics.CEILING_DB)]


def pedalboards(x: np.ndarray, make) -> np.ndarray:
    """Each channel through its own pedalboard chain in one pass."""
    return np.stack([pedalboard.Pedalboard(make()).process(np.ascontiguousarray(x[:, c][None, :]), RATE)[0]
                     for c in range(x.shape[1])], axis=1)


def in_blocks(processor, x: np.ndarray, sizes) -> np.ndarray:
    out, at, k = [], 0, 0
    while at < len(x):
        size = sizes[k % len(sizes)]
        out.append(processor.process(x[at:at + size]))
        at, k = at + size, k + 1
    return np.vstack(out)


@pytest.mark.parametrize("sizes", [(192,), (1, 2, 191, 997, 4096)], ids=["device blocks", "uneven blocks"])
def test_the_phone_dynamics_are_pedalboards_sample_for_sample(sizes):
    x = programme(3.0)
    ours = in_blocks(dynamics.PhoneDynamics(2), x, sizes)
    theirs = pedalboards(x, lambda: [pedalboard.Compressor(**dynamics.COMPRESSOR), pedalboard.Gain(dynamics.MAKEUP_DB),
                                     *_limiter()])
    assert np.array_equal(ours, theirs)
    ceiling = float(dynamics.gain_of(dynamics.CEILING_DB))
    assert float(np.abs(x).max()) > 3 * ceiling and float(np.abs(ours).max()) == pytest.approx(ceiling, rel=1e-6)


@pytest.mark.parametrize("sizes", [(192,), (5, 3000, 77)], ids=["device blocks", "uneven blocks"])
def test_the_safety_limiter_is_pedalboards_and_passes_quiet_blocks_as_they_are(sizes):
    x = programme(3.0)
    limiter = dynamics.SafetyLimiter(2)
    ours = in_blocks(limiter, x, sizes)
    assert np.array_equal(ours, pedalboards(x, _limiter))
    quiet = x[:RATE // 4] * 0.1
    assert np.array_equal(in_blocks(dynamics.SafetyLimiter(2), quiet, sizes), quiet)


def test_a_reset_starts_the_envelope_from_rest():
    x = programme(1.0)
    phone = dynamics.PhoneDynamics(2)
    first = phone.process(x)
    phone.reset()
    assert np.array_equal(phone.process(x), first)


def test_the_loop_refuses_what_it_cannot_compress():
    rows, envelope = np.zeros((2, 16), np.float32), np.zeros(2, np.float32)
    with pytest.raises(TypeError, match="rows must be a C-ordered float32"):
        compress_rows(rows.astype(np.float64), envelope, -24, 3, 5, 120, RATE)
    with pytest.raises(ValueError, match="one value per channel"):
        compress_rows(rows, np.zeros(3, np.float32), -24, 3, 5, 120, RATE)
    with pytest.raises(ValueError, match="ratio must be at least 1"):
        compress_rows(rows, envelope, -24, 0.5, 5, 120, RATE)
