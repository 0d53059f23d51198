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


class _Times:
    """What PortAudio says in a callback: its own clock's reading as the callback began, and when the
    buffer's first sample reaches the DAC (PortAudio's clock runs apart from the player's)."""

    def __init__(self, current, dac):
        self.currentTime, self.outputBufferDacTime = current, dac


class _Status:
    output_underflow = False


def test_a_callback_that_runs_late_still_places_its_buffer_where_the_device_said(monkeypatch):
    """The audio thread may wait for the interpreter for a few ms before its callback runs; the
    player's clock read then is late, and the DAC date must not be: PortAudio's own times are taken as
    its callback begins. With a 3 kHz click due at a known date, the click must land on the same
    sample whether or not the callbacks ran late."""
    from soundon.media.audio_out import Chunk, Feed, LiveOutput
    # No device: the callbacks are driven by hand (opening PortAudio here, before a test's sound
    # server is up, would leave this process without one).
    monkeypatch.setattr(LiveOutput, "_open", lambda self, device: None)

    class Passthrough:
        def process(self, native, media_time_s):
            return native

        def reset(self):
            pass

    offset_s = 1_700_000_000.0               # PortAudio's clock (here the wall clock) − the player's
    start_us = 5e9
    due_us = start_us + 2e6                  # the click: 2 s into the stream

    def heard(lateness_us: float, seed: int) -> int:
        rng = np.random.default_rng(seed)
        player_now = [0.0]
        output = LiveOutput(Passthrough(), lambda: player_now[0])
        output._device_time = lambda: (player_now[0] / 1e6) + offset_s           # PortAudio's clock, read now
        feed = Feed()
        click = np.zeros((RATE // 50, 2), np.float32)
        click[0] = 1.0
        feed.push(Chunk(due_us, 0.0, click))
        output.listen_to(feed)
        out = np.zeros((DEVICE_BLOCK, 2), np.float32)
        for i in range(int(3 * RATE / DEVICE_BLOCK)):             # 3 s of callbacks
            dac = start_us + i * BLOCK_US                           # the truth
            began = dac - 30_000 + rng.uniform(-500, 500)            # as the callback began
            player_now[0] = began + (rng.uniform(0, lateness_us) if i % 3 else lateness_us)
            output._callback(out, DEVICE_BLOCK, _Times(began / 1e6 + offset_s, dac / 1e6 + offset_s), _Status())
            if np.any(out[:, 0] > 0.5):
                return i * DEVICE_BLOCK + int(np.argmax(out[:, 0] > 0.5))
        raise AssertionError("the click was never heard")

    on_time = heard(0.0, 3)
    assert abs(on_time - 2 * RATE) <= 1       # sample 96 000 of the stream, to a sample
    assert heard(6_000.0, 4) == on_time       # callbacks 0–6 ms late: the same sample
