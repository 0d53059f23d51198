"""The device's DAC date of each sample, from callbacks that each say it with a few ms of noise."""
from __future__ import annotations

import numpy as np

from soundon.media.audio_out import DEVICE_BLOCK, RATE, DacClock

BLOCK_US = DEVICE_BLOCK * 1e6 / RATE


def run(clock: DacClock, callbacks: int, latency_s, start_us: float = 1e9, jitter_us: float = 500.0, seed=1):
    """Callbacks every block (their timing jittered), each saying latency_s(i) to the DAC (the same
    steady stream seen through noisy reports). Returns (placed, true) DAC dates of each buffer."""
    rng = np.random.default_rng(seed)
    placed, true = [], []
    for i in range(callbacks):
        dac = start_us + i * BLOCK_US                  # the truth: one sample after another
        now = dac - 30_000 + rng.uniform(-jitter_us, jitter_us)
        reported = (dac - now) / 1e6 + latency_s(i)
        placed.append(clock.place(now, reported, DEVICE_BLOCK))
        true.append(dac)
    return np.array(placed), np.array(true)


def test_noisy_reports_place_a_steady_stream_to_a_fraction_of_a_ms():
    # each callback's report is off by up to ±2 ms (and its own timing by ±0.5 ms)
    noise = np.random.default_rng(2).uniform(-0.002, 0.002, 1000)
    placed, true = run(DacClock(), 1000, lambda i: noise[i])
    assert np.max(np.abs(placed - true)[100:]) < 300     # µs
    assert np.all(np.abs(np.diff(placed[100:]) - BLOCK_US) < 50)   # buffers follow each other


def test_a_stream_that_breaks_is_placed_afresh():
    clock = DacClock()
    run(clock, 300, lambda i: 0.0)
    # the device ran dry: the stream goes on 25 ms later than it was
    clock.place(1e9 + 300 * BLOCK_US, 0.0, DEVICE_BLOCK, broke=True)
    placed, true = run(clock, 300, lambda i: 0.0, start_us=1e9 + 301 * BLOCK_US + 25_000)
    assert np.max(np.abs(placed - true)[5:]) < 300
    # and one that moves without saying so is followed within a few callbacks
    placed, true = run(clock, 300, lambda i: 0.0, start_us=1e9 + 601 * BLOCK_US + 40_000)
    assert np.max(np.abs(placed - true)[10:]) < 300
