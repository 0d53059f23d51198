"""A speech-like test signal: a formant vocoder (a glottal pulse train at a moving pitch through
three formant resonators that step through vowels), in syllables of ~200 ms at a syllabic rhythm,
in phrases with pauses. Deterministic (seeded); 48 kHz mono float."""
from __future__ import annotations

import numpy as np
from scipy.signal import lfilter

RATE = 48000
VOWELS = ((730, 1090, 2440), (270, 2290, 3010), (300, 870, 2240), (530, 1840, 2480), (570, 840, 2410),
          (660, 1720, 2410), (440, 1020, 2240))


def _resonator(x: np.ndarray, frequency: float, bandwidth: float, rate: int) -> np.ndarray:
    r = np.exp(-np.pi * bandwidth / rate)
    theta = 2 * np.pi * frequency / rate
    return lfilter([1 - r], [1, -2 * r * np.cos(theta), r * r], x)


def speech_like(seconds: float, rate: int = RATE, seed: int = 3, pause_every_s: float = 2.0,
                pause_s: float = 0.6) -> tuple[np.ndarray, np.ndarray]:
    """(signal, truth): the signal, and per sample whether it is inside a phrase (speech)."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n)
    truth = np.zeros(n, bool)
    syllable = int(0.2 * rate)
    start = int(0.3 * rate)
    phrase_end = start + int(pause_every_s * rate)
    while start + syllable < n:
        if start >= phrase_end:
            start += int(pause_s * rate)
            phrase_end = start + int(pause_every_s * rate)
            continue
        t = np.arange(syllable) / rate
        f0 = 110 + 30 * rng.random() + 15 * np.sin(2 * np.pi * 3 * t)
        phase = np.cumsum(f0 / rate)
        pulses = np.diff(np.floor(phase), prepend=0.0)        # one impulse per period
        pulses += 0.03 * rng.standard_normal(syllable)        # a little breath
        formants = VOWELS[rng.integers(len(VOWELS))]
        voiced = sum(_resonator(pulses, f, 80 + 0.06 * f, rate) * (1.0 / (i + 1)) for i, f in enumerate(formants))
        envelope = np.sin(np.pi * t / t[-1]) ** 2
        end = min(n, start + syllable)
        out[start:end] += (voiced * envelope)[: end - start]
        truth[start:end] = True
        start += int(syllable * (1.0 + 0.3 * rng.random()))
    out *= 0.3 / np.max(np.abs(out))
    return out.astype(np.float32), truth


def with_noise(clean: np.ndarray, snr_db: float, seed: int = 11) -> np.ndarray:
    """Clean plus white-ish (pink-tilted) noise at snr_db against the clean signal's power."""
    rng = np.random.default_rng(seed)
    noise = np.cumsum(rng.standard_normal(len(clean))) * 0.02
    noise = noise - lfilter([1], [1, -0.995], noise) * 0.005
    noise += rng.standard_normal(len(clean))
    noise *= np.sqrt(np.mean(clean ** 2) / np.mean(noise ** 2)) * 10 ** (-snr_db / 20)
    return (clean + noise).astype(np.float32)


def talking_take(library, tmp_path, seconds: float, peak: float) -> int:
    """A batch "Talk" of one take whose audio is speech_like() at this peak, imported and analysed
    (its dialogue rows are there). Returns the take's id."""
    from soundon.jobs.analysis_job import AnalysisJob
    from soundon.jobs.importer import Importer
    from soundon.media.synth import ClipSpec, make_clip
    from tests.signals import write_wav
    folder = tmp_path / "Talk"
    folder.mkdir()
    signal, _truth = speech_like(seconds)
    voice = write_wav(tmp_path / "voice.wav", np.repeat((signal / np.abs(signal).max() * peak)[:, None], 2, axis=1))
    make_clip(folder / "talk.mp4", ClipSpec(duration=seconds, size="160x90", audio=f"amovie={voice}"))
    Importer(library).run([folder], name="Talk")
    take_id = library.takes("Talk")[0].id
    AnalysisJob(library, [take_id]).run()
    return take_id
