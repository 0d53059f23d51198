"""Align to native: the post track's offset against the take's own audio, found by cross-correlation.

Both sounds are summed to mono and band-passed to 200 Hz–4 kHz, where dialogue and most effects
carry their timing (below, hum and rumble look alike everywhere; above, codecs differ most). Then:

1. Envelopes: each sound's RMS in 1 ms blocks, mean removed, correlated over the whole search range
   and normalised by the energy of the overlap at each lag. A loudness contour survives a level
   change, noise, another mix or codec, and finds the region without being fooled by what repeats
   in a waveform (a voice's pitch period, a steady tone).
2. Waveforms: around the envelope's peak (± REFINE_S), the band-passed 48 kHz waveforms are
   correlated over up to WAVE_SPAN_S of the overlap (the track's loudest stretch), normalised the
   same way; a parabola through the best lag and its neighbours places it below a sample.

The confidence (0–1) is the geometric mean of two figures, so both must hold:
- how far the envelope's peak p1 stands above the best peak p2 outside its main lobe (the hill
  around the peak above half its height), as (p1 - p2) / (1 - p2): 0 when another place matches as
  well, 1 for a perfect, unique match;
- the waveforms' correlation coefficient at the found lag: near 1 for the same audio under noise or
  a level change, near 0 for unrelated audio that only shares a rhythm.
Unrelated audio also "aligns" somewhere; below CONFIDENCE_THRESHOLD the result gives no offset.

The offset follows the swap spec (core/swap_spec.py): positive delays the post track, negative
starts it later inside the track.
"""
from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundon.core.errors import SoundOnError
from soundon.media.dsp import biquads
from soundon.media.dsp.decode import RATE, decode
from soundon.media.dsp.spectrum import fast_length
from soundon.media.listening import ListeningError
from soundon.media.probe import ProbeError, probe

BAND_HZ = (200.0, 4000.0)
ENVELOPE_RATE = 1000             # envelope blocks per second (1 ms)
DEFAULT_SEARCH_S = 10.0
SWELL_S = 0.025                  # the envelope's slower movements, taken out before correlating
EDGE_S = 0.040                   # left out at each end of the envelope (see _quick)
LOBE_S = 0.010                   # the widest main lobe of a real match in that envelope's correlation
STEADY = 1e-3                    # envelope movement below this share of its level: a steady sound
REFINE_S = 0.004                 # the waveform is searched this far either side of the envelope's peak
WAVE_SPAN_S = 15.0               # enough waveform to be sure; more only costs time
MIN_OVERLAP_S = 1.0              # a lag must lay this much of one sound over the other (or half the shorter)
SILENCE_DBFS = -60.0             # band-limited RMS below this is silence: nothing to align on
CONFIDENCE_THRESHOLD = 0.3
_SILENT_POWER = 10 ** (SILENCE_DBFS / 10)


class AlignError(SoundOnError, RuntimeError):
    """The take or the post track could not be read for aligning; the message says why."""


@dataclass(frozen=True)
class Alignment:
    """offset_s is None when no reliable match was found: there is then nothing to apply."""

    offset_s: float | None
    confidence: float
    message: str
    search_s: float

    @property
    def reliable(self) -> bool:
        return self.offset_s is not None

    def offset_frames(self, fps: float) -> float | None:
        return None if self.offset_s is None else self.offset_s * fps

    def as_dict(self) -> dict:
        return {"offset_s": self.offset_s,
                "offset_ms": None if self.offset_s is None else round(self.offset_s * 1000, 3),
                "confidence": round(self.confidence, 3), "reliable": self.reliable,
                "threshold": CONFIDENCE_THRESHOLD, "search_s": self.search_s, "message": self.message}


def describe_offset(offset_s: float) -> str:
    """How the track is laid, in words: 'delayed by 123.4 ms' or 'played from 500.0 ms into it'."""
    ms = abs(offset_s) * 1000
    return f"delayed by {ms:.1f} ms" if offset_s >= 0 else f"played from {ms:.1f} ms into it"


def align_files(take: str | os.PathLike, track: str | os.PathLike, search_s: float = DEFAULT_SEARCH_S) -> Alignment:
    """Decode the take's audio and the post track (48 kHz) and align them. Raises AlignError when
    either can't be read or has no audio stream."""
    # Two ffmpeg decodes side by side: most of the time is theirs.
    with ThreadPoolExecutor(max_workers=2) as pool:
        native = pool.submit(_decoded, take, "the take")
        post = pool.submit(_decoded, track, "the post track")
        return align_samples(native.result(), post.result(), search_s=search_s)


def _decoded(path: str | os.PathLike, what: str) -> np.ndarray:
    name = Path(path).name
    if not Path(path).is_file():
        raise AlignError(f"{name} ({what}) is not there; check the path.")
    try:
        info = probe(path)
        if not info.has_audio:
            raise AlignError(f"{name} ({what}) has no audio stream to align.")
        return decode(path, max(1, info.audio_channels))
    except (ProbeError, ListeningError) as exc:
        raise AlignError(f"{name} ({what}) can't be read: {exc}") from None


def align_samples(native: np.ndarray, post: np.ndarray, rate: int = RATE,
                  search_s: float = DEFAULT_SEARCH_S) -> Alignment:
    """native, post: (n,) or (n, channels) float arrays at `rate`."""
    def refuse(message: str, confidence: float = 0.0) -> Alignment:
        return Alignment(None, confidence, message, search_s)

    sos = biquads.butterworth_bandpass(4, *BAND_HZ, rate)
    a = biquads.filtered(sos, _mono(native)).astype(np.float32)
    b = biquads.filtered(sos, _mono(post)).astype(np.float32)
    for sound, what in ((a, "The take's audio"), (b, "The post track")):
        if not len(sound) or float(np.mean(np.square(sound, dtype=np.float64))) < _SILENT_POWER:
            return refuse(f"{what} is silent (nothing above {SILENCE_DBFS:g} dBFS between 200 Hz and 4 kHz): "
                          "there is nothing to align on.")

    block = rate // ENVELOPE_RATE
    env_a, env_b = _envelope(a, block), _envelope(b, block)
    if min(len(env_a), len(env_b)) < 20:
        return refuse("The audio is too short to align (less than 20 ms).")
    min_overlap = max(10, min(round(MIN_OVERLAP_S * ENVELOPE_RATE), min(len(env_a), len(env_b)) // 2))
    search = round(search_s * ENVELOPE_RATE)
    lo, hi = max(-search, min_overlap - len(env_b)), min(search, len(env_a) - min_overlap)

    # Envelopes less their slow swell: a lag is judged on the sound's quick rises and falls, which
    # are its own, not on a loudness contour that repeats (a steady rhythm, pauses) or on its level.
    ncc = _normalised_correlation(_quick(env_a), _quick(env_b), lo, hi, power=(env_a ** 2, env_b ** 2))
    peak = int(np.argmax(ncc))
    if ncc[peak] <= 0:
        return refuse("No reliable match: nothing in the two sounds rises and falls together (a steady tone "
                      "or hum lines up equally well anywhere); nothing to apply.")
    uniqueness = _uniqueness(ncc, peak, round(LOBE_S * ENVELOPE_RATE))
    coarse = (lo + peak + _vertex(ncc, peak)) * block

    lag, similarity = _refine(a, b, coarse, env_b, block, rate)
    confidence = math.sqrt(uniqueness * max(similarity, 0.0))
    if confidence < CONFIDENCE_THRESHOLD:
        return refuse(f"No reliable match: the post track does not line up with the take's audio anywhere "
                      f"within ±{search_s:g} s (confidence {confidence:.2f}, below {CONFIDENCE_THRESHOLD:g}); "
                      "nothing to apply.", confidence)
    offset = round(lag / rate, 6)      # to the microsecond: a sample is 21 µs
    return Alignment(offset, confidence, f"The post track lines up with the take's audio when "
                                         f"{describe_offset(offset)} (confidence {confidence:.2f}).", search_s)


def _mono(samples: np.ndarray) -> np.ndarray:
    x = np.asarray(samples, dtype=np.float32)
    if x.ndim == 1:
        return x
    # Column by column: numpy's mean along a short row is several times slower.
    return sum(x[:, c] for c in range(x.shape[1])) / np.float32(x.shape[1])


def _envelope(x: np.ndarray, block: int) -> np.ndarray:
    usable = len(x) // block * block
    return np.sqrt(np.mean(np.square(x[:usable].reshape(-1, block), dtype=np.float64), axis=1))


def _normalised_correlation(a: np.ndarray, b: np.ndarray, lo: int, hi: int,
                            power: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """For each lag d in lo..hi: the correlation coefficient of a[k + d] against b[k] over their
    overlap. A lag scores 0 where either sound is silent over the overlap
    (by `power`, per sample, default the squares of a and b), or where a or b hardly moves against
    that power (a steady sound)."""
    n, m = len(a), len(b)
    size = fast_length(n + m - 1)
    full = np.fft.irfft(np.fft.rfft(a, size) * np.conj(np.fft.rfft(b, size)), size)
    lags = np.arange(lo, hi + 1)
    c = full[lags % size].astype(np.float64)
    start_b = np.maximum(0, -lags)
    stop_b = np.minimum(m, n - lags)
    length = np.maximum(stop_b - start_b, 0)

    def over(x, start, stop):
        cum = np.concatenate(([0.0], np.cumsum(x, dtype=np.float64)))
        return cum[stop] - cum[start]

    energy_a = over(np.square(a, dtype=np.float64), start_b + lags, stop_b + lags)
    energy_b = over(np.square(b, dtype=np.float64), start_b, stop_b)
    power_a, power_b = power if power is not None else (np.square(a, dtype=np.float64), np.square(b, dtype=np.float64))
    level_a = over(power_a, start_b + lags, stop_b + lags)
    level_b = over(power_b, start_b, stop_b)
    loud = ((level_a >= _SILENT_POWER * length) & (level_b >= _SILENT_POWER * length) & (length > 0)
            & (energy_a >= STEADY ** 2 * level_a) & (energy_b >= STEADY ** 2 * level_b))
    ncc = np.zeros(len(lags))
    denominator = np.sqrt(energy_a * energy_b)
    ok = loud & (denominator > 0)
    ncc[ok] = np.clip(c[ok] / denominator[ok], -1.0, 1.0)
    return ncc


def _quick(env: np.ndarray) -> np.ndarray:
    """The envelope less its moving average over SWELL_S, without its first and last EDGE_S: every
    cut sound starts and ends abruptly (and the band-pass rings up), and those edges would match
    each other at the lag that lays the two starts or ends together, whatever the sounds are."""
    width = max(1, round(SWELL_S * ENVELOPE_RATE))
    quick = env - np.convolve(env, np.ones(width) / width, mode="same")
    edge = round(EDGE_S * ENVELOPE_RATE)
    quick[:edge] = 0.0
    quick[max(edge, len(quick) - edge):] = 0.0
    return quick


def _uniqueness(ncc: np.ndarray, peak: int, reach: int) -> float:
    """1 - p2 / p1: p1 the peak, p2 the best value outside its main lobe (the run around the peak
    above half its height, at most `reach` either side, so a sound that matches everywhere has no
    lobe to hide its other matches in)."""
    p1 = float(ncc[peak])
    above = ncc > p1 / 2
    left = peak
    while left > max(0, peak - reach) and above[left - 1]:
        left -= 1
    right = peak
    while right < min(len(ncc) - 1, peak + reach) and above[right + 1]:
        right += 1
    outside = np.concatenate((ncc[:left], ncc[right + 1:]))
    p2 = max(0.0, float(outside.max())) if len(outside) else 0.0
    return float(np.clip(1 - p2 / p1, 0.0, 1.0))


def _vertex(y: np.ndarray, i: int) -> float:
    """Where a parabola through y[i-1], y[i], y[i+1] peaks, relative to i (0 at an edge)."""
    if i <= 0 or i >= len(y) - 1:
        return 0.0
    curve = y[i - 1] - 2 * y[i] + y[i + 1]
    return float(np.clip(0.5 * (y[i - 1] - y[i + 1]) / curve, -0.5, 0.5)) if curve < 0 else 0.0


def _refine(a: np.ndarray, b: np.ndarray, coarse: float, env_b: np.ndarray, block: int,
            rate: int) -> tuple[float, float]:
    """The waveform lag near `coarse` (samples) and the correlation coefficient there."""
    centre = round(coarse)
    reach = round(REFINE_S * rate)
    # The overlap of b at the coarse lag, then its loudest WAVE_SPAN_S (by the envelope).
    start, stop = max(0, -centre), min(len(b), len(a) - centre)
    span = min(stop - start, round(WAVE_SPAN_S * rate))
    first, last = -(-start // block), (stop - span) // block
    if span >= round(WAVE_SPAN_S * rate) and last > first:
        energy = np.concatenate(([0.0], np.cumsum(env_b ** 2)))
        blocks = span // block
        starts = np.arange(first, last + 1)
        starts = starts[starts + blocks <= len(env_b)]
        if len(starts):
            start = int(starts[np.argmax(energy[starts + blocks] - energy[starts])]) * block
    chunk = b[start:start + span]
    a_from = max(0, start + centre - reach)
    a_to = min(len(a), start + span + centre + reach)
    # Lags relative to the slices: a[a_from + k + d'] against b[start + k], so d = d' + a_from - start.
    shift = a_from - start
    ncc = _normalised_correlation(a[a_from:a_to], chunk, centre - reach - shift, centre + reach - shift)
    best = int(np.argmax(ncc))
    return centre - reach + best + _vertex(ncc, best), float(ncc[best])
