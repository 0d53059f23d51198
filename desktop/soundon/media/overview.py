"""A take's overview for browsing: a poster-frame thumbnail and waveform peaks, made by one ffmpeg
run (two inputs of the same file: a fast seek for the poster frame, a full read of the audio)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundon.core.errors import SoundOnError
from soundon.media import priority, tools
from soundon.media.probe import MediaInfo
from soundon.media.safety import input_options, input_url

THUMB_WIDTH = 320
PEAKS_PER_SECOND = 100
PEAK_RATE = 8000  # Hz the audio is read at for peaks: plenty for a drawing, cheap to decode
TIMEOUT_S = 120


class OverviewError(SoundOnError, RuntimeError):
    pass


@dataclass
class Overview:
    thumbnail: Path | None
    waveform: Path | None


def poster_time(duration: float) -> float:
    """The poster frame: one second in (AI takes often open on a fade), or the middle of a short take."""
    return min(1.0, duration / 2)


def _input(path: Path, seek: float | None = None) -> list[str]:
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    if seek:
        args += ["-ss", f"{seek:.3f}"]
    return args + ["-i", input_url(path)]


def make_overview(path: str | os.PathLike, info: MediaInfo, thumb_out: Path, peaks_out: Path, *,
                  background: bool = False) -> Overview:
    path = Path(path)
    args = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", "-y"]
    outputs: list[str] = []
    index = 0
    if info.has_video:
        args += _input(path, poster_time(info.duration))
        outputs += ["-map", f"{index}:v:0", "-frames:v", "1", "-vf", f"scale={THUMB_WIDTH}:-2",
                    "-q:v", "4", "-f", "image2", "-update", "1", str(thumb_out)]
        index += 1
    if info.has_audio:
        args += ["-vn", "-sn", "-dn"] + _input(path)
        outputs += ["-map", f"{index}:a:0", "-ac", "2" if info.audio_channels >= 2 else "1",
                    "-ar", str(PEAK_RATE), "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]
    if not outputs:
        return Overview(None, None)
    proc = priority.run(args + outputs, background=background, timeout=TIMEOUT_S)
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise OverviewError(f"the thumbnail and waveform could not be made ({message[0][:200]})")
    thumbnail = thumb_out if info.has_video and thumb_out.is_file() else None
    waveform = None
    if info.has_audio:
        channels = 2 if info.audio_channels >= 2 else 1
        samples = np.frombuffer(proc.stdout, dtype="<f4")
        samples = samples[: len(samples) - len(samples) % channels].reshape(-1, channels)
        np.save(peaks_out, peaks(samples, PEAK_RATE))
        waveform = peaks_out
    return Overview(thumbnail, waveform)


def peaks(samples: np.ndarray, rate: int, per_second: int = PEAKS_PER_SECOND) -> np.ndarray:
    """Absolute peak per bucket across channels, 0…1, as float16 (small on disk, plenty for drawing)."""
    if samples.size == 0:
        return np.zeros(0, dtype=np.float16)
    mono_peak = np.abs(samples).max(axis=1)
    bucket = max(1, rate // per_second)
    usable = len(mono_peak) - len(mono_peak) % bucket
    head = mono_peak[:usable].reshape(-1, bucket).max(axis=1) if usable else np.zeros(0, np.float32)
    if usable < len(mono_peak):
        head = np.append(head, mono_peak[usable:].max())
    return np.clip(head, 0.0, 1.0).astype(np.float16)


def load_peaks(path: str | os.PathLike) -> np.ndarray:
    return np.load(path).astype(np.float32)
