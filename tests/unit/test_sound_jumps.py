"""The device counts each time what is heard jumped to meet the clock again (LiveOutput.jumps): a
measurement of the sound that spans one is of a sound that skipped a few ms, not of the take. The
callbacks here are the device's, driven by the test on a clock it steps (no PortAudio: the real
device's count is read by the e2e tests in tests/e2e/lane_sound.py)."""
from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np

from soundon.media.audio_out import CHANNELS, RATE, Chunk, Feed, LiveOutput

BLOCK = 192
STEADY = SimpleNamespace(output_underflow=False)


class _Quiet:
    """A stream that never calls back by itself."""
    latency, device = 0.008, 0

    def abort(self):
        pass

    def close(self):
        pass


class _Graph:
    def process(self, native, media_time_s):
        return native

    def reset(self):
        pass


def _playing(monkeypatch, now: list[float]) -> LiveOutput:
    monkeypatch.setitem(sys.modules, "sounddevice", SimpleNamespace(query_devices=lambda device: {"name": "test"}))
    monkeypatch.setattr(LiveOutput, "_start_stream", lambda self, device, rung, serial: _Quiet())
    monkeypatch.setattr("soundon.media.audio_out.threading.Thread",
                        lambda **kwargs: SimpleNamespace(start=lambda: None))   # no stall watch
    output = LiveOutput(_Graph(), lambda: now[0])
    output._device_time = None                    # its clock is not read: the callbacks' times are the clock's
    feed = Feed()
    feed.push(Chunk(0.0, 0.0, np.full((RATE * 10, CHANNELS), 0.1, np.float32)))
    output.listen_to(feed)
    return output


def _callbacks(output: LiveOutput, now: list[float], count: int, step_us: float = BLOCK * 1e6 / RATE) -> None:
    out = np.zeros((BLOCK, CHANNELS), np.float32)
    for _ in range(count):
        output._callback(out, BLOCK, SimpleNamespace(currentTime=now[0] / 1e6, outputBufferDacTime=now[0] / 1e6 + 0.01),
                         STEADY)
        assert out.any(), "the feed is heard"
        now[0] += step_us


def test_a_steady_device_never_jumps(monkeypatch):
    now = [1e6]
    output = _playing(monkeypatch, now)
    _callbacks(output, now, 400)                  # 1.6 s: its DAC date settled on the way
    assert output.jumps == 0


def test_a_device_that_comes_back_late_is_counted_once(monkeypatch):
    now = [1e6]
    output = _playing(monkeypatch, now)
    _callbacks(output, now, 400)
    now[0] += 10_000                              # the device came back 10 ms late and stays there
    _callbacks(output, now, 100)
    assert output.jumps == 1
    assert ", 1 jump back into step," in output.report()      # the self-test's line says it
