"""The filters that stand for a listening device: channel handling, response, dynamics.

    stereo in → [mono sum | crossfeed] → EQ bands → [phone compressor + limiter] → out

A mono device (the phones) works on one channel, half the filtering; its output has one column
and is spread to both sides by the graph after the gain, when the noise bed is added.
"""
from __future__ import annotations

import numpy as np

from soundon.core.listening import ListeningProfile
from soundon.media.dsp import biquads
from soundon.media.dsp.dynamics import PhoneDynamics

RATE = 48000


class DeviceChain:
    def __init__(self, profile: ListeningProfile):
        self.profile = profile
        self.channels = 1 if profile.mono else 2
        self._eq = biquads.Filter(biquads.sections(profile.eq, RATE), self.channels)
        self._dynamics = PhoneDynamics(self.channels) if profile.phone_dynamics else None
        x = profile.crossfeed
        self._crossfeed = np.array([[1 - x, x], [x, 1 - x]]) if x and not profile.mono else None

    @property
    def is_reference(self) -> bool:
        return self.profile.is_reference

    def reset(self) -> None:
        self._eq.reset()
        if self._dynamics is not None:
            self._dynamics.reset()

    def process(self, block: np.ndarray) -> np.ndarray:
        """(n, 2) in; (n, 1) for a mono device or (n, 2) out, float32 after the dynamics, else float64.
        The reference passes as is."""
        if self.is_reference:
            return block
        # Worked on as one row per channel, the layout the filters and the dynamics take, with as few
        # numpy calls as can be: each costs several µs on the device callback's cold caches.
        if self.profile.mono:
            rows = np.add(block[:, 0], block[:, 1], dtype=np.float64)[None, :]
            rows *= 0.5
        elif self._crossfeed is not None:
            rows = np.ascontiguousarray((block @ self._crossfeed).T, dtype=np.float64)
        else:
            rows = np.array(block.T, dtype=np.float64, order="C")
        rows = self._eq.filter_rows(rows)
        if self._dynamics is not None:
            rows = self._dynamics.process_rows(rows)
        return rows.T
