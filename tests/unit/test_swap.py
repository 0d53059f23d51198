"""Swapping a take's audio with real ffmpeg: offsets, fits, levels, untouched video, odd inputs.

Every result is measured from the outside (tests/swap_helpers.py: decoded audio, framemd5 of the
video packets, pyloudnorm), not read back from the job's own report.
"""
import warnings
from pathlib import Path

import numpy as np
import pytest

with warnings.catch_warnings():          # pydub imports audioop, deprecated in Python 3.11+
    warnings.simplefilter("ignore", DeprecationWarning)
    from pydub import AudioSegment

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media.swap_errors import DestinationError, SourceError
from tests.swap_helpers import (RATE, click_positions, decode_audio, ffprobe_all, ffprobe_streams,
                                integrated_lufs, true_peak_dbtp, video_packets, write_wav)

CLICKS_44K = "aevalsrc='if(eq(n,22050)+eq(n,66150),0.9,0)':s=44100"     # clicks at 0.5 s and 1.5 s


def swap(video: Path, track: Path, out: Path, **kw):
    request_keys = {"audio_codec", "verify"}
    spec = SwapSpec(**{k: v for k, v in kw.items() if k not in request_keys})
    return SwapJob(SwapRequest(video, out, track, spec, **{k: v for k, v in kw.items() if k in request_keys})).run()


@pytest.fixture
def take(media):
    return media.clip("take.mp4", duration=2)


@pytest.fixture
def clicks(media):
    return media.clip("clicks.wav", video="", duration=3, audio=CLICKS_44K, sample_rate=44100)


@pytest.mark.parametrize("offset", [0.125, -0.25, 0.017, -0.003])
def test_offset_holds_to_the_millisecond_on_a_click_track(take, clicks, tmp_path, offset):
    outcome = swap(take, clicks, tmp_path / "out.mp4", offset=offset, fade_in=0)
    mono = decode_audio(outcome.output, channels=1)[:, 0]
    expected = [round((t + offset) * RATE) for t in (0.5, 1.5)]
    found = click_positions(mono)
    assert len(found) == 2, found
    errors_ms = [abs(f - e) / RATE * 1000 for f, e in zip(found, expected)]
    assert max(errors_ms) <= 1.0, (found, expected)
    # the job's own check agrees
    assert outcome.verification["ok"] and abs(outcome.verification["offset"]["measured_s"] - offset) <= 0.001


def test_pad_fills_with_silence_to_the_video_length(take, media, tmp_path):
    track = media.clip("short.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.2:seed=7")
    outcome = swap(take, track, tmp_path / "out.mp4", fit="pad")
    audio = decode_audio(outcome.output)
    assert abs(len(audio) / RATE - 2.0) <= 1024 / RATE
    rms = lambda a, b: float(np.sqrt(np.mean(audio[int(a * RATE):int(b * RATE)] ** 2)))  # noqa: E731
    assert rms(0.1, 0.9) > 0.02
    assert rms(1.05, 1.99) < 1e-4
    assert outcome.timing["silence_after_s"] == pytest.approx(1.0)


def test_trim_cuts_at_the_video_end_with_a_fade(take, media, tmp_path):
    track = media.clip("long.wav", video="", duration=3, audio="sine=frequency=1000")
    outcome = swap(take, track, tmp_path / "out.mp4", fit="trim")
    audio = decode_audio(outcome.output)
    assert abs(len(audio) / RATE - 2.0) <= 1024 / RATE
    body = np.abs(audio[int(1.5 * RATE):int(1.9 * RATE)]).max()
    tail = np.abs(audio[int(1.995 * RATE):int(2.0 * RATE)]).max()
    assert tail < 0.2 * body          # the 50 ms fade-out at the cut
    with pytest.raises(SourceError, match="--fit pad"):
        swap(take, media.clip("short.wav", video="", duration=1), tmp_path / "x.mp4", fit="trim")
    assert not (tmp_path / "x.mp4").exists()


def test_loop_repeats_the_track_until_the_video_ends(take, tmp_path):
    # A simple edit, where pydub is the clearest tool: 0.4 s of silence with a click at 50 ms.
    click = AudioSegment(data=np.array([29491], dtype="<i2").tobytes(), sample_width=2, frame_rate=RATE,
                         channels=1)
    loop = AudioSegment.silent(duration=400, frame_rate=RATE).overlay(click, position=50)
    track = tmp_path / "loop.wav"
    loop.export(track, format="wav")
    outcome = swap(take, track, tmp_path / "out.mp4", fit="loop")
    mono = decode_audio(outcome.output, channels=1)[:, 0]
    assert abs(len(mono) / RATE - 2.0) <= 1024 / RATE
    found = click_positions(mono, min_gap=4800)
    expected = [round((0.05 + 0.4 * k) * RATE) for k in range(5)]
    assert len(found) == 5 and max(abs(f - e) for f, e in zip(found, expected)) <= 48


def _peaky_track(path: Path) -> Path:
    """Quiet pink noise (about -35 LUFS; programme-like spectrum, which AAC keeps) with a
    near-full-scale spike every half second."""
    rng = np.random.default_rng(3)
    spectrum = np.fft.rfft(rng.normal(0, 1, int(3 * RATE)))
    spectrum /= np.sqrt(np.maximum(np.arange(len(spectrum)), 1))
    samples = np.fft.irfft(spectrum, int(3 * RATE))
    samples *= 0.01 / samples.std()
    for k in range(6):
        samples[int((0.25 + 0.5 * k) * RATE)] = 0.95
    return write_wav(path, np.stack([samples, samples], axis=1))


@pytest.mark.parametrize("target, lufs, ceiling", [("social", -14.0, -1.0), ("ebu-r128", -23.0, -1.0)])
def test_loudness_target_reached_with_the_true_peak_ceiling_held(take, tmp_path, target, lufs, ceiling):
    outcome = swap(take, _peaky_track(tmp_path / "peaky.wav"), tmp_path / "out.mp4", level=Level(target=target))
    assert integrated_lufs(outcome.output) == pytest.approx(lufs, abs=0.5)
    assert true_peak_dbtp(outcome.output) <= ceiling
    if target == "social":       # +19 dB would put the spikes far over the ceiling
        assert outcome.level["limiter_dbtp"] is not None


def test_lufs_with_own_ceiling_and_plain_gain(take, media, tmp_path):
    track = media.clip("tone.wav", video="", duration=3, audio="sine=frequency=1000", audio_filter="volume=-20dB")
    out = swap(take, track, tmp_path / "lufs.mov", level=Level(lufs=-20, true_peak=-3)).output
    assert integrated_lufs(out) == pytest.approx(-20, abs=0.5) and true_peak_dbtp(out) <= -3
    plain = swap(take, track, tmp_path / "gain.mp4", level=Level(gain=-6)).output
    untouched = swap(take, track, tmp_path / "same.mp4").output
    assert integrated_lufs(plain) == pytest.approx(integrated_lufs(untouched) - 6, abs=0.2)


@pytest.mark.parametrize("codec, source, out", [
    ("h264", "take.mp4", "out.mp4"),
    ("hevc", "take.mp4", "out.mp4"),
    ("vp9", "take.webm", "out.mp4"),
    ("prores", "take.mov", "out.mov"),
])
def test_video_is_bit_identical(media, clicks, tmp_path, codec, source, out):
    video = media.clip(source, duration=1, video_codec=codec)
    outcome = swap(video, clicks, tmp_path / out)
    before, after = video_packets(video), video_packets(outcome.output)
    assert len(before) == 25 and before == after
    assert outcome.verification["video_identical"] and outcome.verification["video_packets"] == 25
    assert outcome.video["codec"] == codec and outcome.reencoded == ["audio"]
    audio = next(s for s in ffprobe_streams(outcome.output) if s["codec_type"] == "audio")
    assert audio["codec_name"] == {".mp4": "aac", ".mov": "pcm_s24le"}[Path(out).suffix]
    assert int(audio["sample_rate"]) == 48000


def test_video_a_container_cant_hold_is_refused_rather_than_re_encoded(media, clicks, tmp_path):
    prores = media.clip("take.mov", duration=1, video_codec="prores")
    with pytest.raises(DestinationError, match=r"use \.mov"):
        swap(prores, clicks, tmp_path / "out.mp4")
    vp9 = media.clip("take.webm", duration=1, video_codec="vp9")
    with pytest.raises(DestinationError, match=r"use \.mp4"):
        swap(vp9, clicks, tmp_path / "out.mov")
    with pytest.raises(DestinationError, match=r"\.mp4, \.m4v or \.mov"):
        swap(vp9, clicks, tmp_path / "out.mkv")
    assert list(tmp_path.glob("out*")) == []


def test_metadata_that_matters_is_kept(media, clicks, tmp_path):
    tagged = media.clip("tagged.mp4", duration=1, extra=[
        "-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709",
        "-metadata", "creation_time=2026-11-02T10:11:00Z", "-metadata:s:a:0", "language=fra"])
    info = ffprobe_all(swap(tagged, clicks, tmp_path / "out.mp4").output)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    audio = next(s for s in info["streams"] if s["codec_type"] == "audio")
    assert (video["color_primaries"], video["color_transfer"], video["color_space"]) == ("bt709",) * 3
    assert info["format"]["tags"]["creation_time"].startswith("2026-11-02T10:11:00")
    assert audio["tags"]["language"] == "fra"
    rotated = media.clip("rotated.mp4", duration=1, rotation=90)
    info = ffprobe_all(swap(rotated, clicks, tmp_path / "rotated-out.mp4").output)
    video = next(s for s in info["streams"] if s["codec_type"] == "video")
    assert any(side.get("rotation") in (90, -90) for side in video.get("side_data_list", []))


def test_the_index_comes_first(take, clicks, tmp_path):
    out = swap(take, clicks, tmp_path / "out.mp4").output
    head = out.read_bytes()[:64]
    assert head.index(b"moov") < 64 and b"mdat" not in head


def test_too_little_room_for_the_index_falls_back_to_faststart(take, clicks, tmp_path, monkeypatch):
    from soundon.media import remux
    monkeypatch.setattr(remux, "INDEX_BASE_BYTES", 64)
    monkeypatch.setattr(remux, "INDEX_BYTES_PER_PACKET", 1)
    outcome = swap(take, clicks, tmp_path / "out.mp4")
    head = outcome.output.read_bytes()[:64]
    assert head.index(b"moov") < 64 and outcome.verification["ok"]
    assert video_packets(take) == video_packets(outcome.output)


def test_take_without_audio(media, clicks, tmp_path):
    silent_take = media.clip("mute.mp4", duration=1, audio="")
    outcome = swap(silent_take, clicks, tmp_path / "out.mp4")
    kinds = sorted(s["codec_type"] for s in ffprobe_streams(outcome.output))
    assert kinds == ["audio", "video"] and outcome.verification["ok"]
    with pytest.raises(SourceError, match="no native audio"):
        swap(silent_take, clicks, tmp_path / "bed.mp4", bed=-18)


def test_five_one_take_with_a_bed_and_a_five_one_post_track(media, clicks, tmp_path):
    surround = media.clip("surround.mp4", duration=2, channels=6, audio="sine=frequency=220")
    mixed = swap(surround, clicks, tmp_path / "bed.mp4", bed=-12)
    stereo = decode_audio(mixed.output)
    assert stereo.shape[1] == 2
    # the native 220 Hz sits under the clicks: audible between them, 12 dB down
    between = stereo[int(0.8 * RATE):int(1.2 * RATE)]
    assert 0.005 < float(np.sqrt(np.mean(between ** 2))) < 0.2
    post51 = media.clip("post51.wav", video="", duration=2, channels=6, audio="anoisesrc=amplitude=0.1")
    out51 = swap(surround, post51, tmp_path / "51.mp4")
    audio = next(s for s in ffprobe_streams(out51.output) if s["codec_type"] == "audio")
    assert audio["channels"] == 6 and out51.audio["layout"].startswith("5.1")


def test_mono_8khz_track_becomes_48khz_dual_mono(take, media, tmp_path):
    track = media.clip("phone.wav", video="", duration=2, channels=1, sample_rate=8000,
                       audio="sine=frequency=440:sample_rate=8000")
    outcome = swap(take, track, tmp_path / "out.mp4", level=Level(target="podcast"))
    stream = next(s for s in ffprobe_streams(outcome.output) if s["codec_type"] == "audio")
    assert (int(stream["sample_rate"]), stream["channels"]) == (48000, 2)
    audio = decode_audio(outcome.output)
    assert np.allclose(audio[:, 0], audio[:, 1], atol=1e-3)
    assert integrated_lufs(outcome.output) == pytest.approx(-16, abs=0.5)


def test_source_and_track_are_never_modified(take, clicks, tmp_path):
    before = (take.read_bytes(), clicks.read_bytes())
    swap(take, clicks, tmp_path / "out.mp4", level=Level(target="social"), bed=-20)
    assert (take.read_bytes(), clicks.read_bytes()) == before


def test_keep_take_native_audio_copied_or_re_encoded_to_fit(media, tmp_path):
    aac_take = media.clip("keep.mp4", duration=1)
    copied = SwapJob(SwapRequest(aac_take, tmp_path / "copied.mp4", None)).run()
    assert copied.reencoded == [] and copied.verification["audio_packets_identical"]
    opus_take = media.clip("keep.webm", duration=1, video_codec="vp9")
    converted = SwapJob(SwapRequest(opus_take, tmp_path / "converted.mp4", None)).run()
    assert converted.reencoded == ["audio"] and converted.audio["codec"] == "aac"
    assert converted.verification["ok"] and abs(converted.verification["length_difference_ms"]) <= 21.4
    assert any("re-encoded without a level change" in n for n in converted.notes)
    assert video_packets(opus_take) == video_packets(converted.output)
    mute = media.clip("mute.mp4", duration=1, audio="")
    alone = SwapJob(SwapRequest(mute, tmp_path / "alone.mp4", None)).run()
    assert [s["codec_type"] for s in ffprobe_streams(alone.output)] == ["video"] and alone.verification["ok"]


def test_a_one_frame_take_gets_default_fades_that_fit_and_an_explicit_one_that_cant_is_refused(media, tmp_path):
    one_frame = media.clip("one.mp4", duration=0.04, fps="25")
    assert len(video_packets(one_frame)) == 1
    track = media.clip("noise.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.2:seed=3")
    outcome = swap(one_frame, track, tmp_path / "out.mp4", offset=-0.2)     # cut at both ends
    assert outcome.verification["ok"], outcome.verification["problems"]
    timing = outcome.timing
    assert 0 < timing["fade_in_s"] + timing["fade_out_s"] <= 0.04
    assert any("shortened" in n and "fade-out" in n for n in outcome.notes), outcome.notes
    audio = decode_audio(outcome.output)
    assert abs(len(audio) / RATE - 0.04) <= 1024 / RATE
    with pytest.raises(SourceError, match=r"\(--fade-out 0\.5 s\) is longer than"):
        swap(one_frame, track, tmp_path / "explicit.mp4", fade_out=0.5)
    assert not (tmp_path / "explicit.mp4").exists()
