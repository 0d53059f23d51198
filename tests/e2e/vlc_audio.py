"""Test audio with time marks: a take's tones and 3 kHz marks, and finding the marks again in what
a device played (the monitor's recording) or what a render holds."""
from __future__ import annotations

import numpy as np

RATE = 48000


def take_audio_expression(seconds: float) -> str:
    """100 Hz + 1 kHz steady tones, and a 20 ms 3 kHz burst every 0.5 s (time marks the phone keeps)."""
    burst = "0.3*sin(2*PI*3000*t)*lt(mod(t\\,0.5)\\,0.02)"
    tone = f"0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t)+{burst}"
    return f"aevalsrc={tone}|{tone}:s={RATE}:d={seconds}"


def burst_onsets(times: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Due times where a 3 kHz time mark starts.

    The second difference keeps 3 kHz (and drowns the 100 Hz / 1 kHz tones); a mark must then fill
    most of a 5 ms window, so the single-sample step where one track's audio gives way to the
    other's is not taken for a mark.
    """
    curvature = np.abs(np.diff(samples, n=2, prepend=samples[:2]))
    hot = (curvature > 0.008).astype(np.float64)   # a mark through the phone (compressed) still clears it
    width = int(0.005 * RATE)
    density = np.convolve(hot, np.ones(width) / width, mode="full")[:len(hot)]
    dense = density > 0.3
    onsets = np.flatnonzero(dense & ~np.roll(dense, 1))
    marks, last = [], -1.0
    for index in onsets:
        start = max(0, index - width + 1)            # the window that just filled began here
        if times[start] - last > 0.25:
            marks.append(times[start])
            last = times[start]
    return np.array(marks)
