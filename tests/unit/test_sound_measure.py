"""The loudness measures made in this process (media/sound_measure.py), held to ffmpeg's own
filters and meter on the same files: the phone's response, the stereo downmix of a 5.1 take, and
how the measure is fed (a take in blocks of any size reads as in one pass)."""
from __future__ import annotations

import re
import subprocess

import av
import numpy as np
import pytest

from soundon.core.listening import DEFAULT_PROFILE, profile_named
from soundon.media import tools
from soundon.media.analysis import AnalysisError, analyze
from soundon.media.sound_measure import FIELDS, MeasureError, SoundMeasure, SoundReading, measure_file
from tests.signals import programme, write_wav


def ffmpeg_integrated(path, filters: str) -> float:
    """ffmpeg's own EBU R128 integrated loudness of the file after `filters`."""
    log = subprocess.run([tools.ffmpeg().path, "-hide_banner", "-nostats", "-i", str(path), "-af",
                          f"{filters},ebur128" if filters else "ebur128", "-f", "null", "-"],
                         capture_output=True, text=True, check=True).stderr
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", log[log.rindex("Summary:"):]).group(1))


def ffmpeg_band(band) -> str:
    """One EQ band as ffmpeg's filter of the same cookbook design."""
    f, g, q = band.frequency, band.gain_db, band.q
    if band.kind in ("highpass", "lowpass"):
        return f"{band.kind}=f={f:g}:p={band.poles}:t=q:w={q:g}"
    name = {"peak": "equalizer", "highshelf": "highshelf", "lowshelf": "lowshelf"}[band.kind]
    return f"{name}=f={f:g}:t=q:w={q:g}:g={g:g}"


@pytest.fixture(scope="module")
def programme_wav(tmp_path_factory):
    return write_wav(tmp_path_factory.mktemp("measure") / "programme.wav", programme(12.0))


def test_phone_loss_is_what_ffmpeg_hears_through_the_phone_response(programme_wav):
    phone = profile_named(DEFAULT_PROFILE)
    ours = measure_file(programme_wav)
    through_phone = ffmpeg_integrated(programme_wav, ",".join(
        ["pan=mono|c0=0.5*c0+0.5*c1", *map(ffmpeg_band, phone.eq)]))
    # ebur128 reads a mono file as one channel; the measure counts the phone's one speaker as
    # dual mono (+3 dB), as it counts a mono take.
    flat = ffmpeg_integrated(programme_wav, "")
    assert ours["phone_loss_lu"] == pytest.approx(through_phone + 3.01 - flat, abs=0.15)
    assert ours["phone_loss_lu"] < -3      # the programme's bass is lost on the phone


def test_mono_loss_of_a_surround_take_is_measured_on_its_standard_downmix(media):
    take = media.clip("six.mkv", duration=6, channels=6, audio="anoisesrc=color=pink:amplitude=0.3:sample_rate=48000")
    ours = measure_file(take)
    downmix = ffmpeg_integrated(take, "aformat=channel_layouts=stereo")
    folded = ffmpeg_integrated(take, "aformat=channel_layouts=stereo,pan=mono|c0=0.5*c0+0.5*c1")
    # The fold-down plays (L+R)/2 on both speakers: +3 dB over ebur128's one mono channel.
    assert ours["mono_loss_lu"] == pytest.approx(folded + 3.01 - downmix, abs=0.15)


def test_a_take_fed_in_small_blocks_reads_as_in_one_pass(programme_wav):
    samples = programme(12.0).T.astype(np.float32)
    whole = SoundMeasure(2, 48000)
    whole.feed(np.ascontiguousarray(samples))
    pieces = SoundMeasure(2, 48000)
    for start in range(0, samples.shape[1], 1021):      # a prime: blocks never line up with the 100 ms hop
        pieces.feed(np.ascontiguousarray(samples[:, start:start + 1021]))
    assert pieces.result() == whole.result()
    assert tuple(whole.result()) == FIELDS      # what the analysis takes over from the import's report
    assert whole.result()["integrated_lufs"] == measure_file(programme_wav)["integrated_lufs"]


def test_pcm_and_float_audio_read_alike(tmp_path):
    samples = programme(4.0)
    as_float = measure_file(write_wav(tmp_path / "float.wav", samples))
    as_pcm = tmp_path / "pcm.mkv"
    subprocess.run([tools.ffmpeg().path, "-v", "error", "-i", str(tmp_path / "float.wav"), "-c:a", "pcm_s24le",
                    str(as_pcm)], check=True)
    pcm = measure_file(as_pcm)
    assert pcm["integrated_lufs"] == pytest.approx(as_float["integrated_lufs"], abs=0.01)
    assert pcm["true_peak_dbtp"] == pytest.approx(as_float["true_peak_dbtp"], abs=0.01)


def test_a_file_without_sound_or_samples_is_said_plainly(media, tmp_path):
    with pytest.raises(MeasureError, match="no audio stream"):
        measure_file(media.clip("mute.mp4", duration=1, audio=""))
    with av.open(str(media.clip("short.mp4", duration=1))) as container:
        with pytest.raises(MeasureError, match="holds no samples"):
            SoundReading(container.streams.audio[0]).finish()


def test_audio_that_will_not_decode_is_measured_as_far_as_it_goes_or_refused_plainly(media, tmp_path):
    take = media.clip("take.mp4", duration=2, extra=["-movflags", "+faststart"]).read_bytes()
    broken = tmp_path / "broken.mp4"
    # The index (at the front) stays; the packets after it are overwritten with noise.
    data = take.index(b"mdat") + 8
    noise = np.random.default_rng(3).integers(0, 256, len(take) - data, dtype=np.uint8).tobytes()
    broken.write_bytes(take[:data] + noise)
    try:
        report = analyze(broken)
    except AnalysisError as exc:
        assert str(exc).endswith(".") and "Traceback" not in str(exc)   # a sentence for the editor
    else:
        assert report["file"] == str(broken)   # what decoded was measured; nothing hung or crashed
