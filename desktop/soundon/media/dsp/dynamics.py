"""The phone's compressor and limiter, and the safety limiter after the noise: pedalboard (JUCE's
dynamics processors in C++), which keep their state between blocks when called with reset=False.

The design's settings (DESIGN.md: ≈ −24 dB threshold, 3:1, then a −1 dBFS limiter) are kept; what
differs from the ffmpeg graph these replace:
- JUCE's compressor follows the peak envelope with a hard knee (ffmpeg's acompressor was set to RMS
  detection with a 2 dB knee); attack, release and the +4 dB make-up are the same.
- pedalboard's own Limiter is not used: it runs a fixed −10 dB, 4:1 first stage and lowers
  everything by its threshold, so it is not transparent below −1 dBFS. The limiter here is a
  compressor with a near-infinite ratio and an instant attack, then a hard clip at the same
  ceiling for what the envelope lets through. Below the ceiling both pass the signal untouched.

Each processor works on one channel: pedalboard guesses which axis holds the channels from the
array's shape, which a block of one or two samples makes ambiguous.
"""
from __future__ import annotations

import numpy as np
import pedalboard

RATE = 48000
COMPRESSOR = dict(threshold_db=-24.0, ratio=3.0, attack_ms=5.0, release_ms=120.0)
MAKEUP_DB = 4.0
CEILING_DB = -1.0
LIMITER_RELEASE_MS = 50.0
_LIMITER_RATIO = 1000.0
_LIMITER_ATTACK_MS = 0.001


def _limiter() -> list:
    return [pedalboard.Compressor(threshold_db=CEILING_DB, ratio=_LIMITER_RATIO, attack_ms=_LIMITER_ATTACK_MS,
                                  release_ms=LIMITER_RELEASE_MS),
            pedalboard.Clipping(threshold_db=CEILING_DB)]


class _PerChannel:
    """One pedalboard chain per channel, fed (n, channels) float blocks."""

    def __init__(self, channels: int, make):
        self._boards = [pedalboard.Pedalboard(make()) for _ in range(channels)]

    def reset(self) -> None:
        for board in self._boards:
            board.reset()

    def process(self, block: np.ndarray) -> np.ndarray:
        """(n, channels) in, (n, channels) float32 out."""
        return self.process_rows(np.ascontiguousarray(block.T, dtype=np.float32)).T

    def process_rows(self, rows: np.ndarray) -> np.ndarray:
        """(channels, n) in, (channels, n) float32 out."""
        if len(self._boards) == 1:    # a mono device: its one row as it is
            return self._boards[0].process(np.ascontiguousarray(rows, dtype=np.float32), RATE, reset=False)
        out = np.empty(rows.shape, np.float32)
        for channel, board in enumerate(self._boards):
            samples = np.ascontiguousarray(rows[channel:channel + 1], dtype=np.float32)
            out[channel] = board.process(samples, RATE, reset=False)[0]
        return out


class PhoneDynamics(_PerChannel):
    """Compressor (−24 dB, 3:1, 5/120 ms, +4 dB make-up), then the −1 dBFS limiter."""

    def __init__(self, channels: int):
        super().__init__(channels, lambda: [pedalboard.Compressor(**COMPRESSOR), pedalboard.Gain(MAKEUP_DB),
                                            *_limiter()])


# The safety limiter at rest: no sample at the ceiling for this long. Its envelope (an instant attack,
# LIMITER_RELEASE_MS release) has then fallen below the ceiling from any level up to 80 dB over it,
# so it passes every sample untouched until one reaches the ceiling again.
RESTING_AFTER = round(10 * LIMITER_RELEASE_MS / 1000 * RATE)
# A block reaches the ceiling from a hair below it: JUCE holds the threshold in float32.
_REACHES = 10 ** (CEILING_DB / 20) * 0.999


class SafetyLimiter(_PerChannel):
    """The last stage when something was added on top of the device (noise, a positive gain).

    At rest (RESTING_AFTER) a block below the ceiling is passed as it is, without running the
    limiter: below its threshold JUCE's compressor multiplies by exactly 1 and the clipper passes,
    so the samples are the same. The limiter starts from rest again at the first block that reaches
    the ceiling: with its instant attack, its envelope is then where the resting one would be. Why
    bother: most blocks of speech or music under noise never reach −1 dBFS, and each call into
    pedalboard from the 4 ms device callback costs ~35 µs on cold caches.
    """

    def __init__(self, channels: int):
        super().__init__(channels, _limiter)
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
