"""The test sound server's monitor, recorded with the wall-clock time each sample reached the sink.

ffmpeg's PulseAudio input stamps every packet with the system's real-time clock less the latency
the server reports for it (`-copyts` keeps the stamp, ashowinfo prints it): the moment its first
sample was played into the null sink. The same clock as x11grab's (tests/screen_grab.py), so what
was heard and what was shown can be set side by side.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading

import numpy as np

from tests.sound_server import RATE, SINK

_PACKET = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+).*?nb_samples:\s*(\d+)")


class StampedMonitor:
    def __init__(self, env: dict[str, str]):
        self.env = env
        self._chunks: list[np.ndarray] = []
        self._stamps: list[tuple[float, int]] = []     # (wall-clock s, samples) per packet, in order
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> StampedMonitor:
        self._proc = subprocess.Popen(
            [shutil.which("ffmpeg"), "-hide_banner", "-loglevel", "info", "-nostdin",
             "-fragment_size", "1920", "-f", "pulse", "-sample_rate", str(RATE), "-channels", "2",
             "-i", f"{SINK}.monitor", "-copyts", "-af", "ashowinfo", "-f", "f32le", "-ac", "2", "pipe:1"],
            env={**os.environ, **self.env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._threads = [threading.Thread(target=self._read_samples, daemon=True),
                         threading.Thread(target=self._read_stamps, daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def _read_samples(self) -> None:
        while data := self._proc.stdout.read(1920):
            with self._lock:
                self._chunks.append(np.frombuffer(data[:len(data) - len(data) % 8], np.float32).reshape(-1, 2))

    def _read_stamps(self) -> None:
        for line in iter(self._proc.stderr.readline, b""):
            if match := _PACKET.search(line.decode(errors="replace")):
                with self._lock:
                    # ashowinfo counts pts in the audio's own time base, 1/48000 s
                    self._stamps.append((int(match.group(2)) / RATE, int(match.group(3))))

    def __exit__(self, *exc) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)

    def seconds(self) -> float:
        with self._lock:
            return sum(len(c) for c in self._chunks) / RATE

    def recording(self) -> tuple[np.ndarray, np.ndarray]:
        """(wall-clock time of each sample, left channel), as far as samples and stamps have come."""
        with self._lock:
            left = np.concatenate([c[:, 0] for c in self._chunks]) if self._chunks else np.zeros(0, np.float32)
            stamps = list(self._stamps)
        times = np.concatenate([start + np.arange(n) / RATE for start, n in stamps]) if stamps else np.zeros(0)
        count = min(len(times), len(left))
        return times[:count], left[:count]
