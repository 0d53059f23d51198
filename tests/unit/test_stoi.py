"""STOI (media/stoi.py) equals the reference implementation, pystoi, on speech-like sound."""
from __future__ import annotations

import numpy as np
import pytest
from pystoi import stoi as reference

from soundon.media.stoi import stoi
from tests.speech_like import speech_like, with_noise


@pytest.fixture(scope="module")
def clean():
    return speech_like(6.0)[0]


@pytest.mark.parametrize("snr_db", [30, 10, 0, -5, -15])
def test_stoi_in_noise_is_the_references(clean, snr_db):
    heard = with_noise(clean, snr_db)
    ours, theirs = stoi(clean, heard, 48000), reference(clean, heard, 48000)
    assert abs(ours - theirs) < 1e-9, (ours, theirs)


def test_stoi_falls_as_the_noise_rises(clean):
    figures = [stoi(clean, with_noise(clean, snr), 48000) for snr in (20, 5, -5, -15)]
    assert figures == sorted(figures, reverse=True) and figures[0] > 0.95 and figures[-1] < 0.6, figures


def test_stoi_at_its_own_rate_and_through_a_filter_is_the_references(clean):
    at_10k = clean[::5][:40000].copy()
    muffled = np.convolve(at_10k, np.ones(9) / 9, mode="same")
    assert abs(stoi(at_10k, muffled, 10000) - reference(at_10k, muffled, 10000)) < 1e-9


def test_too_little_speech_gives_the_references_floor(clean):
    assert stoi(clean[:2000], clean[:2000], 48000) == 1e-5
    assert stoi(np.zeros(0), np.zeros(0), 48000) == 1e-5


def test_sounds_of_different_lengths_are_refused(clean):
    with pytest.raises(ValueError, match="differ in length"):
        stoi(clean, clean[:-1], 48000)
