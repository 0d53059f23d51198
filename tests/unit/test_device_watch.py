"""A device stream that stops asking for audio is reopened on its rung (media/audio_out.py
STALLED_AFTER_S): seen on a fresh machine, where PortAudio's ALSA stream to PulseAudio waited in
poll() for good after its first buffers ran dry, and the app would have stayed silent. The streams
here are driven by threads of the test (no PortAudio: the real stall is the self-test's check,
tests/cli/test_cli.py, on a real sound server)."""
from __future__ import annotations

import sys
import threading
import time
from types import SimpleNamespace

import numpy as np

from soundon.media import audio_out
from soundon.media.audio_out import LiveOutput


class _Times:
    def __init__(self, now):
        self.currentTime = now
        self.outputBufferDacTime = now + 0.01


class _Stream:
    """Calls back every 4 ms, and stops after `stalls_after` callbacks (None: never)."""

    def __init__(self, output: LiveOutput, serial: int, stalls_after: int | None):
        self.output, self.serial, self.stalls_after = output, serial, stalls_after
        self.latency, self.device, self.aborted = 0.008, 0, False
        threading.Thread(target=self._run, daemon=True).start()

    @property
    def time(self) -> float:
        return time.monotonic()

    def _run(self):
        out = np.zeros((192, 2), np.float32)
        calls = 0
        while not self.aborted and (self.stalls_after is None or calls < self.stalls_after):
            if self.serial == self.output._serial:
                self.output._callback(out, 192, _Times(time.monotonic()), SimpleNamespace(output_underflow=False))
            calls += 1
            time.sleep(0.004)

    def abort(self):
        self.aborted = True

    def close(self):
        pass


def _output(monkeypatch, stalls: list[int | None]) -> tuple[LiveOutput, list[_Stream]]:
    monkeypatch.setitem(sys.modules, "sounddevice", SimpleNamespace(query_devices=lambda device: {"name": "test"}))
    opened: list[_Stream] = []

    def start_stream(self, device, rung, serial):
        stream = _Stream(self, serial, stalls[len(opened)] if len(opened) < len(stalls) else None)
        opened.append(stream)
        return stream

    monkeypatch.setattr(LiveOutput, "_start_stream", start_stream)

    class Silence:
        def process(self, native, media_time_s):
            return native

        def reset(self):
            pass

    return LiveOutput(Silence(), lambda: time.monotonic() * 1e6), opened


def _wait(condition, timeout_s=5.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_a_stream_that_stops_asking_is_reopened_and_the_device_goes_on(monkeypatch):
    output, opened = _output(monkeypatch, [20])          # the first stream stops after 80 ms
    try:
        _wait(lambda: output.restarts == 1 and output.steady(0.2))
        assert len(opened) == 2 and opened[0].aborted and not opened[1].aborted
        assert output.rung == 0                           # on its rung: a stall is not an underrun
        before = output.buffers
        _wait(lambda: output.buffers > before + 25)       # the new stream's callbacks are heard
        assert "reopened 1× after it stopped asking for audio" in output.report()
    finally:
        output.close()


def test_a_stream_that_keeps_asking_is_left_alone(monkeypatch):
    output, opened = _output(monkeypatch, [None])
    try:
        _wait(lambda: output.steady(0.1))
        # three stall-lengths of callbacks: long enough for the watch to have acted, were it wrong
        _wait(lambda: output.buffers * 0.004 > audio_out.STALLED_AFTER_S * 3)
        assert output.restarts == 0 and len(opened) == 1
        assert output.steady(audio_out.STALLED_AFTER_S * 2)
    finally:
        output.close()
