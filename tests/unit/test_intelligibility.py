"""Dialogue audibility: speech found by the detector, STOI on a phone per noise environment."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import resample_poly

from soundon.core.listening import NOISE_NAMES
from soundon.media.analysis import analyze
from soundon.media.intelligibility import assess, figure, rating
from soundon.media.speech import speech_frames, speech_samples
from tests.signals import write_wav
from tests.speech_like import speech_like, with_noise


@pytest.fixture(scope="module")
def speech():
    return speech_like(8.0)


def _stereo(x: np.ndarray) -> np.ndarray:
    return np.repeat(x[:, None], 2, axis=1)


def test_the_detector_finds_the_phrases_and_not_noise_or_tones(speech):
    signal, truth = speech
    found = speech_samples(speech_frames(resample_poly(signal, 1, 3)), 48000, len(signal))
    assert np.mean(found == truth) > 0.8
    rng = np.random.default_rng(5)
    t = np.arange(16000 * 4) / 16000
    for other in (0.1 * rng.standard_normal(len(t)), 0.3 * np.sin(2 * np.pi * 440 * t)):
        assert speech_frames(other.astype(np.float32)).mean() < 0.05


def test_the_figure_rises_with_the_snr(speech):
    signal, truth = speech
    figures = [figure(signal, with_noise(signal, snr), truth) for snr in (-15, -10, -5, 0, 5, 10)]
    assert figures == sorted(figures) and len(set(figures)) == len(figures)
    assert rating(figures[0]) == "lost" and rating(figures[-1]) == "clear"


def test_environments_come_in_the_expected_order(speech):
    signal, _truth = speech
    report = assess(_stereo(signal / np.max(np.abs(signal)) * 0.1))
    figures = [report["intelligibility"][name]["stoi"] for name in NOISE_NAMES]
    assert NOISE_NAMES == ("quiet-room", "office", "cafe", "street", "train")
    assert figures == sorted(figures, reverse=True) and len(set(figures)) == len(figures)
    assert report["intelligibility"]["quiet-room"]["rating"] == "clear"
    assert report["intelligibility"]["train"]["rating"] == "lost"
    assert 0.5 < report["speech_share"] < 0.9


def test_a_lower_phone_volume_loses_more(speech):
    signal, _truth = speech
    native = _stereo(signal / np.max(np.abs(signal)) * 0.1)
    full, lower = assess(native)["intelligibility"], assess(native, volume_db=-12)["intelligibility"]
    assert lower["cafe"]["stoi"] < full["cafe"]["stoi"]


def test_the_report_flags_dialogue_lost_in_the_cafe_and_not_without_speech(speech, tmp_path):
    signal, _truth = speech
    quiet = write_wav(tmp_path / "quiet.wav", _stereo(signal / np.max(np.abs(signal)) * 0.03))
    report = analyze(quiet)
    assert report["intelligibility"]["cafe"]["rating"] == "lost"
    assert "dialogue_lost_in_noise" in report["flags"] and report["verdict"] == "problem"
    assert analyze(quiet, environment="quiet-room")["intelligibility_environment"] == "quiet-room"
    assert "dialogue_lost_in_noise" not in analyze(quiet, environment="quiet-room")["flags"]
    tone = write_wav(tmp_path / "tone.wav", _stereo(0.3 * np.sin(2 * np.pi * 440 * np.arange(96000) / 48000)))
    plain = analyze(tone)
    assert plain["speech_share"] == 0 and plain["intelligibility"] is None
    assert "dialogue_lost_in_noise" not in plain["flags"]
