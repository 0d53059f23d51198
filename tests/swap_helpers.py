"""Measuring swapped files from the outside: decoded audio, click positions, packet hashes,
loudness, and small real filesystems (tmpfs) for the disk-full and read-only cases.

These helpers use ffmpeg and pyloudnorm directly, not Sound-On's own verification, so a test
that uses them checks the swap independently of the code under test.
"""
from __future__ import annotations

import contextlib
import json
import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from soundon.media import tools

RATE = 48000


def ffmpeg(*args: str, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    return subprocess.run([tools.ffmpeg().path, "-hide_banner", "-nostdin", "-loglevel", "error", *args],
                          stdout=stdout, stderr=subprocess.PIPE, check=True, timeout=120)


def decode_audio(path: Path, channels: int | None = None) -> np.ndarray:
    """The audio as a player decodes it (edit list applied), float32, shape (samples, channels)."""
    probe = ffprobe_streams(path)
    count = channels or next(s["channels"] for s in probe if s["codec_type"] == "audio")
    args = ["-i", str(path), "-map", "0:a:0", "-ar", str(RATE)]
    if channels:
        args += ["-ac", str(channels)]
    data = ffmpeg(*args, "-f", "f32le", "-").stdout
    return np.frombuffer(data, dtype="<f4").reshape(-1, count)


def ffprobe_streams(path: Path) -> list[dict]:
    out = subprocess.run([tools.ffprobe().path, "-v", "error", "-show_streams", "-show_format", "-of", "json",
                          str(path)], capture_output=True, check=True, timeout=60).stdout
    data = json.loads(out)
    return data["streams"]


def ffprobe_all(path: Path) -> dict:
    out = subprocess.run([tools.ffprobe().path, "-v", "error", "-show_streams", "-show_format", "-of", "json",
                          str(path)], capture_output=True, check=True, timeout=60).stdout
    return json.loads(out)


def click_positions(mono: np.ndarray, threshold: float = 0.3, min_gap: int = 2400) -> list[int]:
    """Sample index of each click (the largest |x| of each group of loud samples)."""
    loud = np.flatnonzero(np.abs(mono) > threshold * np.abs(mono).max())
    positions: list[int] = []
    group: list[int] = []
    for index in loud:
        if group and index - group[-1] > min_gap:
            positions.append(max(group, key=lambda i: abs(mono[i])))
            group = []
        group.append(int(index))
    if group:
        positions.append(max(group, key=lambda i: abs(mono[i])))
    return positions


def video_packets(path: Path) -> list[tuple[float, int, str]]:
    """(time from the first frame in seconds, size, md5) of every video packet, read with
    `-c copy` (framemd5). Times count from the first frame: a file may start its timeline there."""
    text = ffmpeg("-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-").stdout.decode()
    tb = None
    packets = []
    for line in text.splitlines():
        if line.startswith("#tb 0:"):
            num, den = line.split(":")[1].strip().split("/")
            tb = int(num) / int(den)
        elif line and not line.startswith("#"):
            fields = [f.strip() for f in line.split(",")]
            packets.append((int(fields[2]) * tb, int(fields[4]), fields[5]))
    zero = min(p[0] for p in packets) if packets else 0.0
    return [(round(t - zero, 4), size, digest) for t, size, digest in packets]


def integrated_lufs(path: Path) -> float:
    audio = decode_audio(path).astype(np.float64)
    return pyloudnorm.Meter(RATE).integrated_loudness(audio)


def true_peak_dbtp(path: Path) -> float:
    err = subprocess.run([tools.ffmpeg().path, "-hide_banner", "-nostdin", "-i", str(path), "-map", "0:a:0",
                          "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True,
                         timeout=120).stderr
    summary = err[err.rfind("Summary:"):]
    match = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf)", summary)
    return float(match.group(1))


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """A 16-bit WAV from float samples (mono or (n, channels))."""
    import wave
    data = np.asarray(samples, dtype=np.float64)
    if data.ndim == 1:
        data = data[:, None]
    pcm = np.clip(np.round(data * 32767), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(data.shape[1])
        fh.setsampwidth(2)
        fh.setframerate(rate)
        fh.writeframes(pcm.tobytes())
    return path


@contextlib.contextmanager
def small_filesystem(size: str = "256k", read_only: bool = False):
    """A real tmpfs of the given size (or read-only); skips the test where mounting isn't allowed."""
    folder = Path(tempfile.mkdtemp(prefix="soundon-fs-"))
    options = f"size={size}" + (",ro" if read_only else "")
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True)
    if proc.returncode != 0:
        folder.rmdir()
        pytest.skip("mounting a small tmpfs is not permitted here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)
        with contextlib.suppress(OSError):
            folder.rmdir()
