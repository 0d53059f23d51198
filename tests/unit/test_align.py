"""Align to native (media/align.py): a post track cut from the take's own audio is found to the
millisecond; unrelated, steady or silent sound is refused with no offset to apply."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

from soundon.media import tools
from soundon.media.align import CONFIDENCE_THRESHOLD, AlignError, align_files
from soundon.media.dsp.decode import decode
from tests.signals import cut_from, write_wav

# Pink noise shaped into 4 Hz "syllables": a take's audio with a rhythm, as dialogue has.
TAKE_AUDIO = dict(audio="anoisesrc=color=pink:seed=11:amplitude=0.4:sample_rate=48000",
                  audio_filter="tremolo=f=4:d=0.9")


@pytest.fixture
def take(media):
    return media.clip("take.mp4", duration=6, **TAKE_AUDIO)


@pytest.fixture
def native(take):
    return decode(take, 2)


def _found(result, expected_s: float) -> None:
    assert result.reliable, result.message
    assert result.offset_s == pytest.approx(expected_s, abs=0.001)
    assert CONFIDENCE_THRESHOLD <= result.confidence <= 1


@pytest.mark.parametrize("offset", [0.1234, -0.5])
def test_a_track_cut_from_the_take_is_found_to_the_millisecond(take, native, tmp_path, offset):
    track = write_wav(tmp_path / "post.wav", cut_from(native, offset, 4.0, gain_db=-9, noise_dbfs=-45))
    result = align_files(take, track)
    _found(result, offset)
    assert ("when delayed by 123.4 ms" if offset > 0 else "when played from 500.0 ms into it") in result.message


def test_a_44_1_khz_track_is_found_to_the_millisecond(take, native, tmp_path):
    made = write_wav(tmp_path / "post48.wav", cut_from(native, 0.3071, 4.0, gain_db=4, noise_dbfs=-50))
    track = tmp_path / "post44.wav"
    subprocess.run([tools.ffmpeg().path, "-v", "error", "-i", str(made), "-ar", "44100", "-c:a", "pcm_s16le",
                    str(track)], check=True, timeout=60)
    _found(align_files(take, track), 0.3071)


def test_a_mono_track_longer_than_the_take_is_found(take, native, tmp_path):
    rng = np.random.default_rng(5)
    body = native[:, :1] * 0.5
    track = write_wav(tmp_path / "long.wav", np.vstack([0.05 * rng.standard_normal((2 * 48000, 1)), body,
                                                         0.05 * rng.standard_normal((48000, 1))]))
    _found(align_files(take, track), -2.0)


def test_a_short_track_inside_the_take_is_found(take, native, tmp_path):
    track = write_wav(tmp_path / "short.wav", cut_from(native, 3.0, 1.5))
    _found(align_files(take, track), 3.0)


def test_the_search_range_bounds_the_answer(take, native, tmp_path):
    track = write_wav(tmp_path / "short.wav", cut_from(native, 3.0, 1.5))
    assert not align_files(take, track, search_s=2.0).reliable
    _found(align_files(take, track, search_s=4.0), 3.0)


@pytest.mark.parametrize("other", [
    dict(audio="anoisesrc=color=pink:seed=99:amplitude=0.4:sample_rate=48000", audio_filter="tremolo=f=4:d=0.9"),
    dict(audio="aevalsrc='0.3*sin(2*PI*440*t)*gt(sin(2*PI*2*t),0)+0.2*sin(2*PI*1000*t)':s=48000"),
], ids=["other noise", "tones"])
def test_an_unrelated_track_is_refused(take, media, other):
    track = media.clip("unrelated.wav", video="", duration=5, **other)
    result = align_files(take, track)
    assert not result.reliable and result.offset_s is None
    assert result.confidence < CONFIDENCE_THRESHOLD
    assert result.message.startswith("No reliable match") and "nothing to apply" in result.message


@pytest.mark.parametrize("frequency", [440, 1000])
def test_the_same_steady_tone_lines_up_anywhere_and_is_refused(media, frequency):
    take = media.clip("tone.mp4", duration=4, audio=f"sine=frequency={frequency}:sample_rate=48000")
    track = media.clip("tone.wav", video="", duration=2, audio=f"sine=frequency={frequency}:sample_rate=48000")
    result = align_files(take, track)
    assert not result.reliable and "nothing to apply" in result.message


@pytest.mark.parametrize("silent", ["track", "take"])
def test_silence_is_refused(take, media, silent):
    quiet = media.clip("quiet.wav" if silent == "track" else "quiet.mp4", video="" if silent == "track" else "testsrc2",
                       duration=3, audio="anullsrc=r=48000:cl=stereo")
    result = align_files(take, quiet) if silent == "track" else align_files(quiet, take)
    assert not result.reliable and result.confidence == 0
    expected = "The post track is silent" if silent == "track" else "The take's audio is silent"
    assert result.message.startswith(expected) and "nothing to align on" in result.message


def test_a_file_without_audio_or_not_there_is_refused_in_plain_words(take, media, tmp_path):
    mute = media.clip("mute.mp4", duration=1, audio="")
    with pytest.raises(AlignError, match=r"mute.mp4 \(the post track\) has no audio stream"):
        align_files(take, mute)
    with pytest.raises(AlignError, match=r"gone.wav \(the post track\) is not there"):
        align_files(take, tmp_path / "gone.wav")
