"""Where the speech is: WebRTC's voice-activity detector (the webrtcvad-wheels package), offline.

Why this one: it is a small C library shipped inside its wheel (no model to fetch, no torch or ONNX
runtime), runs far faster than real time on one core, and is built for exactly this question
(speech or not, per 10–30 ms frame). A neural detector (Silero) would be a little more accurate
in music but needs an ML runtime many times the size of the app's other dependencies.

The detector reads 16 kHz 16-bit mono in 30 ms frames at its most selective mode (3: fewest
false alarms on noise and music). It still calls steady broadband noise (rain, a room tone,
traffic) speech, so a frame counts only when it is voiced too: its normalised autocorrelation
peaks above 0.5 at a pitch period between 70 and 400 Hz, and modulated like syllables: the
frame levels within 600 ms around it spread by more than 4 dB (a held tone or hum is voiced but
steady). The answers are then smoothed: gaps under
200 ms inside speech are filled (unvoiced consonants, pauses between words), and runs under
120 ms are dropped (a click, a clap). Sung or played melodies can still pass; the detector's own
judgement is what keeps most music out.
"""
from __future__ import annotations

import numpy as np
import webrtcvad

RATE = 16000
FRAME_MS = 30
MODE = 3
FILL_GAP_MS = 200
MIN_RUN_MS = 120
PITCH_HZ = (70, 400)
VOICED = 0.5
MODULATION_WINDOW = 20           # frames: 600 ms
MODULATION_DB = 4.0


def speech_frames(mono16k: np.ndarray) -> np.ndarray:
    """One boolean per 30 ms frame: speech or not. `mono16k` is float in [−1, 1] at 16 kHz."""
    size = RATE * FRAME_MS // 1000
    count = len(mono16k) // size
    pcm = (np.clip(mono16k[:count * size], -1, 1) * 32767).astype("<i2")
    vad = webrtcvad.Vad(MODE)
    found = np.array([vad.is_speech(pcm[i * size:(i + 1) * size].tobytes(), RATE) for i in range(count)], bool)
    frames = mono16k[:count * size].reshape(count, size).astype(np.float64)
    return _smoothed(found & _voiced(frames) & _modulated(frames))


def _modulated(frames: np.ndarray) -> np.ndarray:
    """Per frame: the levels around it move like syllables do (spread above MODULATION_DB)."""
    level = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-10)
    half = MODULATION_WINDOW // 2
    padded = np.pad(level, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)[: len(level)]
    return windows.std(axis=1) > MODULATION_DB


def _voiced(frames: np.ndarray) -> np.ndarray:
    """Per frame: a clear pitch period (normalised autocorrelation above VOICED)."""
    low, high = RATE // PITCH_HZ[1], RATE // PITCH_HZ[0]
    x = frames - frames.mean(axis=1, keepdims=True)
    size = 1 << int(np.ceil(np.log2(2 * x.shape[1])))
    spectrum = np.fft.rfft(x, size, axis=1)
    auto = np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)
    energy = auto[:, :1]
    # Divide by the overlap length too: without it longer lags are penalised for being shorter.
    lags = np.arange(low, min(high, x.shape[1] - 1))
    overlap = (x.shape[1] - lags) / x.shape[1]
    score = auto[:, lags] / np.maximum(energy, 1e-12) / overlap
    return score.max(axis=1) > VOICED


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def _smoothed(mask: np.ndarray) -> np.ndarray:
    out = mask.copy()
    gap = FILL_GAP_MS // FRAME_MS
    for start, end in _runs(~out):
        if 0 < start and end < len(out) and end - start <= gap:
            out[start:end] = True
    shortest = -(-MIN_RUN_MS // FRAME_MS)
    for start, end in _runs(out):
        if end - start < shortest:
            out[start:end] = False
    return out


def speech_samples(frames: np.ndarray, rate: int, length: int) -> np.ndarray:
    """The frame mask as a per-sample mask at `rate` for a signal of `length` samples."""
    per_frame = rate * FRAME_MS / 1000
    index = (np.arange(length) / per_frame).astype(np.int64)
    return np.concatenate((frames, [False]))[np.minimum(index, len(frames))]
