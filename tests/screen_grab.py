"""What the screen showed, and when: a region of the X display recorded with ffmpeg's x11grab.

Each grabbed frame comes with the wall-clock time it was grabbed (x11grab stamps every frame with
the system's real-time clock, in µs; `-copyts` keeps that stamp, and showinfo prints it), so it can be
set against `time.time()` in the test, or against another recording on the same clock.

The region is grabbed in grey at its own size; a new picture on the screen is a frame that differs
from the one before.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading

import numpy as np

_PTS = re.compile(r"\bn:\s*(\d+)\s+pts:\s*(-?\d+)")


class ScreenGrab:
    def __init__(self, x: int, y: int, width: int, height: int, fps: int = 100):
        self.x, self.y = x, y
        self.width, self.height = width - width % 2, height - height % 2
        self.fps = fps
        self._frames: list[np.ndarray] = []
        self._stamps: dict[int, float] = {}
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> ScreenGrab:
        self._proc = subprocess.Popen(
            [shutil.which("ffmpeg"), "-hide_banner", "-loglevel", "info", "-nostdin",
             "-f", "x11grab", "-draw_mouse", "0", "-framerate", str(self.fps),
             "-video_size", f"{self.width}x{self.height}", "-grab_x", str(self.x), "-grab_y", str(self.y),
             "-i", os.environ["DISPLAY"], "-copyts", "-fps_mode", "passthrough",
             "-vf", "showinfo,format=gray", "-f", "rawvideo", "pipe:1"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._threads = [threading.Thread(target=self._read_frames, daemon=True),
                         threading.Thread(target=self._read_stamps, daemon=True)]
        for thread in self._threads:
            thread.start()
        return self

    def _read_frames(self) -> None:
        size = self.width * self.height
        while True:
            data = self._proc.stdout.read(size)
            if len(data) < size:
                return
            with self._lock:
                self._frames.append(np.frombuffer(data, np.uint8).reshape(self.height, self.width))

    def _read_stamps(self) -> None:
        for line in iter(self._proc.stderr.readline, b""):
            if match := _PTS.search(line.decode(errors="replace")):
                with self._lock:
                    self._stamps[int(match.group(1))] = int(match.group(2)) / 1e6

    def __exit__(self, *exc) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        for thread in self._threads:
            thread.join(timeout=10)

    def frames(self) -> tuple[np.ndarray, list[np.ndarray]]:
        """(wall-clock time of each grab, the grabbed frames), as far as both have come in."""
        with self._lock:
            count = min(len(self._frames), len(self._stamps))
            return np.array([self._stamps[i] for i in range(count)]), self._frames[:count]

    def count(self) -> int:
        with self._lock:
            return min(len(self._frames), len(self._stamps))


def picture_changes(times: np.ndarray, frames: list[np.ndarray], threshold: float = 0.5) -> np.ndarray:
    """Grab times at which a new picture was on the screen (mean absolute change over the region
    above `threshold` grey levels: a new frame of a moving pattern, not a grab's noise)."""
    if len(frames) < 2:
        return np.zeros(0)
    stack = np.stack(frames).astype(np.int16)
    change = np.abs(np.diff(stack, axis=0)).mean(axis=(1, 2))
    return times[1:][change > threshold]
