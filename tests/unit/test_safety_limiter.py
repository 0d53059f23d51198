"""The safety limiter after the noise bed: at rest it hands quiet blocks back untouched instead of
running the limiter, and what it plays is the same as pedalboard's (JUCE's) limiter run on every
block."""
from __future__ import annotations

import numpy as np
import pedalboard

from soundon.media.dsp import dynamics
from soundon.media.dsp.dynamics import RATE, SafetyLimiter

BLOCK = 192


def _limiter() -> list:
    return [pedalboard.Compressor(threshold_db=dynamics.CEILING_DB, ratio=dynamics._LIMITER_RATIO,
                                  attack_ms=dynamics._LIMITER_ATTACK_MS, release_ms=dynamics.LIMITER_RELEASE_MS),
            pedalboard.Clipping(threshold_db=dynamics.CEILING_DB)]


def always_running(signal: np.ndarray) -> np.ndarray:
    """The limiter as it was: pedalboard on every block, each channel on its own."""
    boards = [pedalboard.Pedalboard(_limiter()) for _ in range(signal.shape[1])]
    out = np.empty(signal.shape, np.float32)
    for begin in range(0, len(signal), BLOCK):
        for channel, board in enumerate(boards):
            part = np.ascontiguousarray(signal[begin:begin + BLOCK, channel], np.float32)[None, :]
            out[begin:begin + BLOCK, channel] = board.process(part, RATE, reset=False)[0]
    return out


def blockwise(limiter: SafetyLimiter, signal: np.ndarray) -> np.ndarray:
    return np.vstack([limiter.process(signal[begin:begin + BLOCK]) for begin in range(0, len(signal), BLOCK)])


def programme() -> np.ndarray:
    """Noise at −20 dBFS with bursts well over the ceiling, some close together (the limiter still
    releasing when the next comes), some a second apart (at rest in between)."""
    rng = np.random.default_rng(7)
    signal = rng.standard_normal((RATE * 4, 2)) * 0.1
    t = np.arange(RATE // 10) / RATE
    burst = 2.5 * np.sin(2 * np.pi * 440 * t)[:, None]
    for at in (0.3, 0.45, 1.5, 1.52, 3.0):
        begin = round(at * RATE) + 37        # not on a block's edge
        signal[begin:begin + len(burst)] += burst
    return signal


def test_the_resting_limiter_plays_what_the_limiter_run_on_every_block_plays():
    signal = programme()
    heard = blockwise(SafetyLimiter(2), signal)
    reference = always_running(signal)
    assert np.max(np.abs(heard - reference)) < 1e-6
    assert np.max(np.abs(heard)) <= 10 ** (-1 / 20) + 1e-6      # the ceiling holds


def test_quiet_blocks_at_rest_come_back_as_they_went_in_and_loud_ones_are_limited():
    signal = programme()
    heard = blockwise(SafetyLimiter(2), signal)
    quiet = slice(round(2.2 * RATE), round(2.9 * RATE))         # over a second after a burst
    assert np.array_equal(heard[quiet], signal[quiet].astype(np.float32))
    burst = slice(round(1.5 * RATE) + 37, round(1.5 * RATE) + 37 + RATE // 10)
    assert np.max(np.abs(heard[burst])) < 0.9 < np.max(np.abs(signal[burst]))

