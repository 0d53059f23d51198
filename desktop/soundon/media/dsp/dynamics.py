"""The phone's compressor and limiter, and the safety limiter after the noise: JUCE's dynamics
processors (as pedalboard ran them), in the package's compiled loop (media/dsp/_loops.c), which
keeps each channel's envelope between blocks.

The design's settings (DESIGN.md: ≈ −24 dB threshold, 3:1, then a −1 dBFS limiter) are kept; what
differs from the ffmpeg graph these replace:
- JUCE's compressor follows the peak envelope with a hard knee (ffmpeg's acompressor was set to RMS
  detection with a 2 dB knee); attack, release and the +4 dB make-up are the same.
- JUCE's (pedalboard's) Limiter is not used: it runs a fixed −10 dB, 4:1 first stage and lowers
  everything by its threshold, so it is not transparent below −1 dBFS. The limiter here is a
  compressor with a near-infinite ratio and an instant attack, then a hard clip at the same
  ceiling for what the envelope lets through. Below the ceiling both pass the signal untouched.

All in float32, as JUCE computes it: tests/unit/test_dynamics.py holds the chains to pedalboard's,
sample for sample.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from soundon.media.dsp._loops import compress_rows

RATE = 48000
COMPRESSOR = dict(threshold_db=-24.0, ratio=3.0, attack_ms=5.0, release_ms=120.0)
MAKEUP_DB = 4.0
CEILING_DB = -1.0
LIMITER_RELEASE_MS = 50.0
_LIMITER_RATIO = 1000.0
_LIMITER_ATTACK_MS = 0.001


def gain_of(db: float) -> np.float32:
    """A level in dB as a float32 gain, the way JUCE's Decibels computes it (10^(dB·0.05) in float)."""
    return np.float32(10.0) ** (np.float32(db) * np.float32(0.05))


@dataclass(frozen=True)
class _Compressor:
    threshold_db: float
    ratio: float
    attack_ms: float
    release_ms: float

    def run(self, rows: np.ndarray, envelope: np.ndarray) -> None:
        compress_rows(rows, envelope, self.threshold_db, self.ratio, self.attack_ms, self.release_ms, float(RATE))


_LIMITER = _Compressor(CEILING_DB, _LIMITER_RATIO, _LIMITER_ATTACK_MS, LIMITER_RELEASE_MS)
_CEILING = gain_of(CEILING_DB)


class _Chain:
    """Compressors (each with a gain after it) and a final clip, over (n, channels) float blocks."""

    def __init__(self, channels: int, stages: list[tuple[_Compressor, np.float32 | None]], clip: np.float32):
        self._stages = stages
        self._clip = clip
        self._envelopes = np.zeros((len(stages), channels), np.float32)

    def reset(self) -> None:
        self._envelopes[:] = 0

    def process(self, block: np.ndarray) -> np.ndarray:
        """(n, channels) in, (n, channels) float32 out."""
        return self.process_rows(np.array(block.T, dtype=np.float32, order="C")).T

    def process_rows(self, rows: np.ndarray) -> np.ndarray:
        """(channels, n) in, (channels, n) float32 out (in place when given C-ordered float32)."""
        rows = np.ascontiguousarray(rows, dtype=np.float32)
        for (compressor, gain), envelope in zip(self._stages, self._envelopes):
            compressor.run(rows, envelope)
            if gain is not None:
                rows *= gain
        np.clip(rows, -self._clip, self._clip, out=rows)
        return rows


class PhoneDynamics(_Chain):
    """Compressor (−24 dB, 3:1, 5/120 ms, +4 dB make-up), then the −1 dBFS limiter."""

    def __init__(self, channels: int):
        super().__init__(channels, [(_Compressor(**COMPRESSOR), gain_of(MAKEUP_DB)), (_LIMITER, None)], _CEILING)


# The safety limiter at rest: no sample at the ceiling for this long. Its envelope (an instant attack,
# LIMITER_RELEASE_MS release) has then fallen below the ceiling from any level up to 80 dB over it,
# so it passes every sample untouched until one reaches the ceiling again.
RESTING_AFTER = round(10 * LIMITER_RELEASE_MS / 1000 * RATE)
# A block reaches the ceiling from a hair below it: JUCE holds the threshold in float32.
_REACHES = 10 ** (CEILING_DB / 20) * 0.999


class SafetyLimiter(_Chain):
    """The last stage when something was added on top of the device (noise, a positive gain).

    At rest (RESTING_AFTER) a block below the ceiling is passed as it is, without running the
    limiter: below its threshold JUCE's compressor multiplies by exactly 1 and the clipper passes,
    so the samples are the same. The limiter starts from rest again at the first block that reaches
    the ceiling: with its instant attack, its envelope is then where the resting one would be. Why
    bother: most blocks of speech or music under noise never reach −1 dBFS, and the device callback
    every 4 ms is better off without the copies.
    """

    def __init__(self, channels: int):
        super().__init__(channels, [(_LIMITER, None)], _CEILING)
        self._quiet = RESTING_AFTER      # samples since one reached the ceiling

    def reset(self) -> None:
        super().reset()
        self._quiet = RESTING_AFTER

    def process(self, block: np.ndarray) -> np.ndarray:
        reaches = len(block) > 0 and float(np.abs(block).max()) >= _REACHES
        if self._quiet >= RESTING_AFTER and not reaches:
            return np.asarray(block, dtype=np.float32)
        if self._quiet >= RESTING_AFTER:
            super().reset()
        out = super().process(block)
        self._quiet = 0 if reaches else self._quiet + len(block)
        return out
