"""Test signals written with numpy: EBU Tech 3341/3342 sequences, tones, programme-like material.

Written as 32-bit float WAV so nothing is lost to quantisation before the meter sees it.
"""
from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

RATE = 48000


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    """IEEE-float WAV (format 3) with one column per channel."""
    data = np.asarray(samples, dtype="<f4")
    if data.ndim == 1:
        data = data[:, None]
    channels = data.shape[1]
    payload = data.tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(payload)) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 3, channels, rate, rate * channels * 4, channels * 4, 32)
    header += b"data" + struct.pack("<I", len(payload))
    path.write_bytes(header + payload)
    return path


def sine(level_dbfs: float, seconds: float, frequency: float = 1000.0, channels: int = 2,
         rate: int = RATE, phase: float = 0.0) -> np.ndarray:
    """A sine whose peak is level_dbfs, on every channel."""
    t = np.arange(int(round(seconds * rate))) / rate
    tone = 10 ** (level_dbfs / 20) * np.sin(2 * np.pi * frequency * t + phase)
    return np.repeat(tone[:, None], channels, axis=1)


def sequence(*parts: tuple[float, float], channels: int = 2) -> np.ndarray:
    """Consecutive 1 kHz sines: (level dBFS, seconds) each."""
    return np.vstack([sine(level, seconds, channels=channels) for level, seconds in parts])


def programme(seconds: float = 20.0, rate: int = RATE, seed: int = 7) -> np.ndarray:
    """Programme-like stereo: syllable-rate modulated noise (speech-ish), a bass line, pauses."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    t = np.arange(n) / rate
    noise = rng.standard_normal((n, 2))
    spectrum = np.fft.rfft(noise, axis=0)
    freqs = np.fft.rfftfreq(n, 1 / rate)
    shaping = 1 / np.sqrt(np.maximum(freqs, 50))[:, None]   # pink
    shaping[freqs > 8000] *= 0.3
    speechy = np.fft.irfft(spectrum * shaping, n, axis=0)
    speechy /= np.abs(speechy).max()
    envelope = np.clip(np.sin(2 * np.pi * 4 * t) + 0.3, 0, None) ** 2
    pauses = (np.sin(2 * np.pi * 0.15 * t) > -0.6).astype(float)
    bass = 0.25 * np.sin(2 * np.pi * 55 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.5 * t))
    mix = 0.5 * speechy * (envelope * pauses)[:, None] + bass[:, None]
    mix[:, 1] = 0.8 * mix[:, 1] + 0.2 * np.roll(mix[:, 0], 240)
    return 10 ** (-6 / 20) * mix / np.abs(mix).max()


def cut_from(native: np.ndarray, offset_s: float, seconds: float, gain_db: float = -6.0,
             noise_dbfs: float = -50.0, rate: int = RATE, seed: int = 3) -> np.ndarray:
    """A post track made from a take's own audio, to lie at `offset_s` under it (the swap spec's
    sign: positive delays the track). A negative offset puts other sound (quieter noise) before the
    take's audio begins; the whole track is `gain_db` quieter or louder, with white noise added."""
    rng = np.random.default_rng(seed)
    n, shift = int(round(seconds * rate)), int(round(offset_s * rate))
    if shift >= 0:
        body = native[shift:shift + n]
    else:
        lead = 0.05 * rng.standard_normal((-shift, native.shape[1]))
        body = np.vstack([lead, native[:max(0, n + shift)]])[:n]
    return 10 ** (gain_db / 20) * body + 10 ** (noise_dbfs / 20) * rng.standard_normal(body.shape)
