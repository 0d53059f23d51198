"""A gain that moves to a new value over a few milliseconds instead of jumping (a jump clicks)."""
from __future__ import annotations

import numpy as np

RAMP_SAMPLES = 240   # 5 ms at 48 kHz: short enough to be heard as immediate, long enough not to click


class GainRamp:
    """A linear gain, moved to a new target in a straight line over RAMP_SAMPLES, across blocks."""

    def __init__(self, value: float = 1.0):
        self.value = float(value)
        self.target = float(value)
        self._left = 0

    def set(self, target: float) -> None:
        if target != self.target:
            self.target = float(target)
            self._left = RAMP_SAMPLES

    def jump(self) -> None:
        """Be at the target now (after a seek there is nothing to ramp from)."""
        self.value, self._left = self.target, 0

    @property
    def steady(self) -> bool:
        return self._left == 0

    @property
    def silent(self) -> bool:
        return self.steady and self.value == 0.0

    def gains(self, n: int) -> np.ndarray | float:
        """The gain for the next n samples: a scalar when steady, else one value per sample."""
        if self._left == 0:
            return self.value
        step = (self.target - self.value) / self._left
        moving = min(n, self._left)
        ramp = self.value + step * np.arange(1, moving + 1)
        self._left -= moving
        self.value = self.target if self._left == 0 else float(ramp[-1])
        if moving < n:
            ramp = np.concatenate((ramp, np.full(n - moving, self.target)))
        return ramp[:, None]
