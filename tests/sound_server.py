"""A real sound server for the audio tests: PulseAudio from Debian (packaging/bootstrap.sh installs it),
started privately with one null sink, and a recorder of that sink's monitor, which holds exactly what
reached the device.

The server listens on its own socket and the tests point PULSE_SERVER at it, so PortAudio (through
ALSA's pulse plugin), libVLC and ffmpeg all reach this server and never the machine's own.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import threading
import time
from pathlib import Path

import numpy as np

SINK = "soundon_test"
RATE = 48000


class SoundServer:
    def __init__(self, folder: Path):
        self.folder = folder
        self.socket = folder / "native"
        self.env: dict[str, str] = {}
        self._proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> None:
        binary = shutil.which("pulseaudio")
        if binary is None:
            raise RuntimeError("pulseaudio is needed by the audio tests (make setup installs it)")
        runtime = self.folder / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        self.env = {"PULSE_SERVER": f"unix:{self.socket}", "PULSE_RUNTIME_PATH": str(runtime),
                    "PULSE_SINK": SINK, "PULSE_SOURCE": f"{SINK}.monitor"}
        env = {**os.environ, **self.env, "HOME": str(self.folder), "XDG_RUNTIME_DIR": str(runtime)}
        self._proc = subprocess.Popen(
            [binary, "-n", "--daemonize=no", "--exit-idle-time=-1", "--disallow-exit", "--use-pid-file=no",
             "--log-target=stderr", "--log-level=error",
             f"--load=module-native-protocol-unix socket={self.socket} auth-anonymous=1",
             f"--load=module-null-sink sink_name={SINK} rate={RATE} channels=2",
             "--load=module-always-sink"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while not self.socket.exists():
            if self._proc.poll() is not None:
                raise RuntimeError(f"pulseaudio did not start: {self._proc.stderr.read().decode(errors='replace')}")
            if time.monotonic() > deadline:
                raise RuntimeError("pulseaudio did not open its socket in time")
            time.sleep(0.02)  # polling for the socket file of a starting server

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def recorder(self) -> MonitorRecorder:
        return MonitorRecorder(self.env)


class MonitorRecorder:
    """Records the null sink's monitor (what reached the device) as 48 kHz stereo float, with the
    monotonic time each chunk arrived, so a test can tell when something was heard."""

    CHUNK = 240   # 5 ms

    def __init__(self, env: dict[str, str]):
        self.env = env
        self.chunks: list[tuple[float, np.ndarray]] = []
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None

    def __enter__(self) -> MonitorRecorder:
        self._proc = subprocess.Popen(
            [shutil.which("ffmpeg"), "-hide_banner", "-loglevel", "error", "-nostdin",
             "-fragment_size", str(self.CHUNK * 8), "-f", "pulse", "-sample_rate", str(RATE), "-channels", "2",
             "-i", f"{SINK}.monitor", "-f", "f32le", "-ac", "2", "-ar", str(RATE), "pipe:1"],
            env={**os.environ, **self.env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        return self

    def _read(self) -> None:
        size = self.CHUNK * 8
        while True:
            data = self._proc.stdout.read(size)
            if not data:
                return
            now = time.monotonic()
            with self._lock:
                self.chunks.append((now, np.frombuffer(data, dtype=np.float32).reshape(-1, 2).copy()))

    def __exit__(self, *exc) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        if self._thread:
            self._thread.join(timeout=10)

    def samples(self) -> np.ndarray:
        with self._lock:
            if not self.chunks:
                return np.zeros((0, 2), dtype=np.float32)
            return np.concatenate([c for _, c in self.chunks])

    def seconds(self) -> float:
        with self._lock:
            return sum(len(c) for _, c in self.chunks) / RATE

    def wait_for(self, condition, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self):
            if time.monotonic() > deadline:
                raise AssertionError("the condition on what reached the device was not met in time")
            time.sleep(0.01)  # polling the recording as it grows


def tone_level(x: np.ndarray, frequency: float) -> float:
    """Amplitude of a steady tone in x (one channel), by a single-bin DFT over whole periods."""
    if len(x) == 0:
        return 0.0
    n = np.arange(len(x))
    window = np.hanning(len(x))
    return float(abs(np.dot(x * window, np.exp(-2j * np.pi * frequency * n / RATE))) * 2 / window.sum())


def typical_tone_level(x: np.ndarray, frequency: float, window_s: float = 0.04) -> float:
    """tone_level of each window (a few periods long), their median. One DFT over a long stretch is
    not enough: a device underrun on a busy machine leaves a gap in the recording, and the tone
    after it, out of phase with the tone before, cancels in the single bin (a 5 ms gap turns
    100 Hz half a period)."""
    size = int(window_s * RATE)
    count = len(x) // size
    if count == 0:
        return tone_level(x, frequency)
    return float(np.median([tone_level(x[k * size:(k + 1) * size], frequency) for k in range(count)]))
