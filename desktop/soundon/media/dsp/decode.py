"""Audio in and out of the graph: ffmpeg decodes a file to 48 kHz stereo float32 in memory, and a
WAV is written from the graph's float output (16-bit, as ffmpeg would convert, or 32-bit float).

A mono source is duplicated at full level on both sides (what players and platforms do; ffmpeg's
own up-mix would lower it by 3 dB); more channels are folded to stereo by ffmpeg's standard
down-mix.
"""
from __future__ import annotations

import os
import struct
import subprocess
import tempfile
import uuid
from pathlib import Path

import numpy as np

from soundon.media import priority, tools
from soundon.media.listening import SINGLE_THREAD, ListeningError, source_args

RATE = 48000
TIMEOUT_S = 600


def decode(path: str | os.PathLike, channels: int, *, background: bool = False) -> np.ndarray:
    """The file's first audio stream as (n, 2) float32 at 48 kHz. `channels`: the stream's count;
    `background`: decoded at a lower priority."""
    stereo = "pan=stereo|c0=c0|c1=c0" if channels == 1 else "aformat=channel_layouts=stereo"
    cmd = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", *SINGLE_THREAD, *source_args(path),
           "-map", "0:a:0", "-af", f"aresample={RATE},{stereo}", "-f", "f32le", "-c:a", "pcm_f32le",
           "-ar", str(RATE), "pipe:1"]
    with tempfile.TemporaryFile() as errors:
        try:
            proc = priority.run(cmd, background=background, timeout=TIMEOUT_S, stderr=errors,
                                stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise ListeningError(f"ffmpeg did not decode the audio within {TIMEOUT_S} s.") from None
        if proc.returncode != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise ListeningError(f"ffmpeg could not decode the audio ({(lines[-1] if lines else '?')[:300]}).")
    samples = np.frombuffer(proc.stdout, dtype="<f4")
    return samples[:len(samples) - len(samples) % 2].reshape(-1, 2)


def _wav_header(frames: int, sample_format: str) -> bytes:
    code, width = (3, 4) if sample_format == "f32" else (1, 2)
    size = frames * 2 * width
    return (b"RIFF" + struct.pack("<I", 36 + size) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHH", 16, code, 2, RATE, RATE * 2 * width, 2 * width, 8 * width)
            + b"data" + struct.pack("<I", size))


def to_pcm(block: np.ndarray, sample_format: str) -> bytes:
    if sample_format == "f32":
        return np.ascontiguousarray(block, dtype="<f4").tobytes()
    # ffmpeg's float → s16: scale by 2^15, round, clip.
    return np.clip(np.rint(block * 32768.0), -32768, 32767).astype("<i2").tobytes()


class WavWriter:
    """A 48 kHz stereo WAV written beside `out` and renamed into place when closed, so a reader
    never sees half a file."""

    def __init__(self, out: str | os.PathLike, sample_format: str = "s16"):
        if sample_format not in ("s16", "f32"):
            raise ValueError("sample_format is 's16' or 'f32'")
        self.out = Path(out)
        self.sample_format = sample_format
        self.frames = 0
        self._tmp = self.out.with_name(f".{self.out.stem}.{uuid.uuid4().hex[:8]}.partial.wav")
        self._file = open(self._tmp, "wb")
        self._file.write(_wav_header(0, sample_format))

    def write(self, block: np.ndarray) -> None:
        self._file.write(to_pcm(block, self.sample_format))
        self.frames += len(block)

    def finish(self) -> Path:
        self._file.seek(0)
        self._file.write(_wav_header(self.frames, self.sample_format))
        self._file.close()
        os.replace(self._tmp, self.out)
        return self.out

    def discard(self) -> None:
        self._file.close()
        self._tmp.unlink(missing_ok=True)
