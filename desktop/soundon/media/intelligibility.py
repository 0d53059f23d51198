"""Will the dialogue be understood on a phone in noise? A figure per noise environment.

For each environment, the native audio is played through the same audio graph the editor hears
(phone profile, the environment's calibrated noise bed, the phone volume) and compared with the
clean native audio by STOI (short-time objective intelligibility, Taal et al. 2011, media/stoi.py
package), over the speech parts only (media/speech.py finds them). STOI runs from about 0.4
(nothing understood) to 1 (the clean speech); the words:

    clear       ≥ 0.75    most words understood without effort
    marginal    ≥ 0.60    understood with effort, words missed
    lost        < 0.60    most of the dialogue lost

(The bands are where STOI's published mappings put roughly 90 % and 50 % of words understood for
sentence material; they are a guide, like the profiles themselves.)

A take with less than a second of speech has no figure (there is no dialogue to lose). The flag
`dialogue_lost_in_noise` (core/translation.py) is raised when the dialogue is lost in the chosen
environment (DEFAULT_ENVIRONMENT, the café, unless another is asked for).
"""
from __future__ import annotations

import numpy as np

from soundon.core.listening import NOISE_NAMES, ListeningSetup
from soundon.core.translation import DEFAULT_ENVIRONMENT
from soundon.media.audio_graph import AudioGraph
from soundon.media.dsp.resample import resample_poly
from soundon.media.plot_data import speech_segments
from soundon.media.speech import RATE as SPEECH_RATE
from soundon.media.speech import speech_frames, speech_samples
from soundon.media.stoi import stoi

RATE = AudioGraph.RATE
CLEAR, MARGINAL = 0.75, 0.60
MIN_SPEECH_S = 1.0
PROFILE = "phone"
BLOCK = 48000   # the graph gives the same samples whatever the block; large blocks spend less in Python


def rating(figure: float | None) -> str | None:
    if figure is None:
        return None
    return "clear" if figure >= CLEAR else "marginal" if figure >= MARGINAL else "lost"


def figure(clean: np.ndarray, heard: np.ndarray, speech: np.ndarray, rate: int = RATE) -> float | None:
    """STOI of what is heard against the clean signal, over the samples marked speech."""
    if speech.sum() < MIN_SPEECH_S * rate:
        return None
    return float(stoi(clean[speech].astype(np.float64), heard[speech].astype(np.float64), rate))


def _mono(x: np.ndarray) -> np.ndarray:
    return x.mean(axis=1) if x.ndim == 2 else x


def heard_through(native: np.ndarray, environment: str | None, volume_db: float) -> np.ndarray:
    """The (n, 2) native audio as the phone plays it in `environment`, mono."""
    graph = AudioGraph(ListeningSetup(PROFILE, environment, volume_db))
    out = [graph.process(native[i:i + BLOCK], i / RATE) for i in range(0, len(native), BLOCK)]
    return _mono(np.vstack(out)) if out else np.zeros(0, np.float32)


def assess(native: np.ndarray, *, volume_db: float = 0.0, chosen: str = DEFAULT_ENVIRONMENT) -> dict:
    """speech_share, and an intelligibility figure and rating per environment (None without speech)."""
    clean = _mono(native)
    frames = speech_frames(resample_poly(clean, SPEECH_RATE, RATE).astype(np.float32)) if len(clean) else np.zeros(0, bool)
    speech = speech_samples(frames, RATE, len(clean))
    report = {"speech_share": round(float(speech.mean()), 3) if len(clean) else None,
              "speech_segments": speech_segments(speech, RATE),
              "intelligibility": None, "intelligibility_volume_db": volume_db,
              "intelligibility_environment": chosen}
    if speech.sum() < MIN_SPEECH_S * RATE:
        return report
    per_place = {}
    for environment in NOISE_NAMES:
        value = figure(clean, heard_through(native, environment, volume_db), speech)
        per_place[environment] = {"stoi": None if value is None else round(value, 3), "rating": rating(value)}
    report["intelligibility"] = per_place
    return report

