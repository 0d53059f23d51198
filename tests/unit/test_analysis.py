"""The translation report on real takes (tiny clips made with ffmpeg): each flag, and bad input."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from soundon.core.targets import target_named
from soundon.core.translation import flags_for, verdict
from soundon.media.analysis import AnalysisCancelled, analyze
from soundon.media.probe import ProbeError
from tests.signals import programme, write_wav

DESIGN_KEYS = ("file", "integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs", "mono_loss_lu",
               "correlation_p5", "low_freq_share", "phone_loss_lu", "flags")


def tone(expression_left, expression_right=None, seconds=2):
    right = expression_right or expression_left
    return f"aevalsrc={expression_left}|{right}:s=48000:d={seconds}"


def test_report_has_the_design_shape(media):
    report = analyze(media.clip("take.mp4", duration=2))
    assert set(DESIGN_KEYS) <= set(report)
    assert report["verdict"] in ("ok", "level", "problem", "silent", "no_audio")


def test_no_audio_stream(media):
    report = analyze(media.clip("mute.mp4", duration=1, audio=""))
    assert report["flags"] == ["no_audio"]
    assert report["integrated_lufs"] is None
    assert report["verdict"] == "no_audio"
    assert report["speech_share"] is None and report["intelligibility"] is None
    assert report["av_offset_ms"] is None and report["av_sync_note"] == "needs both picture and sound"


def test_digital_silence(media):
    report = analyze(media.clip("silent.mp4", duration=2, audio="anullsrc=r=48000:cl=stereo"))
    assert "silent" in report["flags"]
    assert report["integrated_lufs"] is None
    assert report["verdict"] == "silent"


def test_programme_levelled_to_the_target_is_on_target(tmp_path):
    samples = programme(6.0)
    report = analyze(write_wav(tmp_path / "raw.wav", samples), "podcast")
    gain = -16.0 - report["integrated_lufs"]
    report = analyze(write_wav(tmp_path / "levelled.wav", samples * 10 ** (gain / 20)), "podcast")
    assert report["integrated_lufs"] == pytest.approx(-16.0, abs=0.1)
    assert not {"too_quiet", "too_loud", "silent", "clipping"} & set(report["flags"])


def test_hard_clipped_take(media):
    clipped = "clip(1.6*sin(2*PI*440*t)\\,-1\\,1)"
    # PCM keeps the flat tops; AAC turns them into overshoots beyond full scale.
    for name, extra in (("clipped.mkv", ["-c:a", "pcm_s16le"]), ("clipped.mp4", [])):
        report = analyze(media.clip(name, duration=2, audio=tone(clipped), extra=extra))
        assert "clipping" in report["flags"], (name, report)
        assert report["verdict"] == "problem"


def test_full_scale_low_sine_in_pcm_is_not_clipping(tmp_path):
    t = np.arange(48000 * 2) / 48000
    sine = np.sin(2 * np.pi * 50 * t)
    quantised = np.round(sine * 32767) / 32768       # a 16-bit master normalised to full scale
    report = analyze(write_wav(tmp_path / "full.wav", np.column_stack([quantised, quantised])))
    assert report["clipped_runs"] == 0
    assert "clipping" not in report["flags"]


def test_anti_phase_take_is_mono_incompatible(media):
    report = analyze(media.clip("phase.mp4", duration=2, audio=tone("0.3*sin(2*PI*500*t)", "-0.3*sin(2*PI*500*t)")))
    assert report["correlation_p5"] == pytest.approx(-1.0, abs=0.05)
    assert report["mono_loss_lu"] < -20
    assert "mono_incompatible" in report["flags"]


def test_correlated_stereo_is_mono_compatible(media):
    report = analyze(media.clip("centre.mp4", duration=2, audio=tone("0.3*sin(2*PI*500*t)")))
    assert report["correlation_p5"] > 0.95
    assert report["mono_loss_lu"] == pytest.approx(0.0, abs=0.1)
    assert "mono_incompatible" not in report["flags"]


def test_bass_only_take_depends_on_bass_and_vanishes_on_a_phone(media):
    report = analyze(media.clip("bass.mp4", duration=2, audio="sine=frequency=60:sample_rate=48000"))
    assert report["low_freq_share"] > 0.95
    assert report["phone_loss_lu"] < -30
    assert "bass_dependent" in report["flags"]


def test_voice_band_take_keeps_its_level_on_a_phone(media):
    report = analyze(media.clip("voice.mp4", duration=2, audio="sine=frequency=1000:sample_rate=48000"))
    assert report["low_freq_share"] < 0.01
    assert abs(report["phone_loss_lu"]) < 1.0


@pytest.mark.parametrize("target, level, expected", [
    ("social", -20.0, "too_quiet"),      # quieter than −17 LUFS
    ("social", -16.0, None),
    ("social", -12.0, "too_loud"),       # louder than −13 LUFS
    ("ebu-r128", -27.0, "too_quiet"),    # the same ±3 LU logic around −23
    ("ebu-r128", -19.0, "too_loud"),
])
def test_level_against_the_delivery_target(tmp_path, target, level, expected):
    from tests.signals import sine
    report = analyze(write_wav(tmp_path / "t.wav", sine(level, 4)), target)
    assert report["integrated_lufs"] == pytest.approx(level, abs=0.1)
    level_flags = {"too_quiet", "too_loud"} & set(report["flags"])
    assert level_flags == ({expected} if expected else set())


def test_peak_over_the_ceiling(tmp_path):
    from tests.signals import sine
    report = analyze(write_wav(tmp_path / "hot.wav", sine(-0.5, 2)), "social")
    assert report["true_peak_dbtp"] > -1.0
    assert "peak_over" in report["flags"]
    assert analyze(write_wav(tmp_path / "cool.wav", sine(-3, 2)), "social")["flags"].count("peak_over") == 0


@pytest.mark.parametrize("spec", [
    dict(channels=1),
    dict(channels=6),
    dict(sample_rate=44100),
    dict(sample_rate=8000, audio="sine=frequency=440:sample_rate=8000"),
    dict(sample_rate=96000),
])
def test_odd_layouts_and_rates_are_analysed(media, spec):
    fields = dict(duration=1, audio="sine=frequency=440:sample_rate=48000") | spec
    report = analyze(media.clip("odd.mkv", **fields))
    assert report["integrated_lufs"] is not None
    assert report["channels"] == fields.get("channels", 2)


def test_mono_take_reads_as_dual_mono(media):
    # The same sound once on one channel, once on both: they read alike.
    mono = analyze(media.clip("mono.mkv", duration=2, channels=1, audio="aevalsrc=0.2*sin(2*PI*700*t):s=48000:d=2"))
    stereo = analyze(media.clip("stereo.mkv", duration=2, channels=2, audio=tone("0.2*sin(2*PI*700*t)")))
    assert mono["integrated_lufs"] == pytest.approx(stereo["integrated_lufs"], abs=0.2)
    assert mono["mono_loss_lu"] == 0.0 and mono["correlation_p5"] == 1.0


def test_not_media_is_refused_plainly(tmp_path):
    bogus = tmp_path / "notes.mp4"
    bogus.write_text("this is not a video")
    with pytest.raises(ProbeError):
        analyze(bogus)


def test_cancel_stops_the_decode(media):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(AnalysisCancelled):
        analyze(media.clip("long.mp4", duration=3), cancel=cancel)


def test_flags_rules_in_isolation():
    social = target_named("social")
    base = {"has_audio": True, "integrated_lufs": -14.0, "true_peak_dbtp": -2.0, "mono_loss_lu": -1.0,
            "correlation_p5": 0.5, "low_freq_share": 0.2, "clipped_runs": 0, "overs": 0}
    assert flags_for(base, social) == []
    assert verdict([]) == "ok"
    assert flags_for(base | {"mono_loss_lu": -3.5}, social) == ["mono_incompatible"]
    assert flags_for(base | {"correlation_p5": -0.1}, social) == ["mono_incompatible"]
    assert flags_for(base | {"low_freq_share": 0.6}, social) == ["bass_dependent"]
    assert flags_for(base | {"integrated_lufs": -17.5}, social) == ["too_quiet"]
    assert flags_for(base | {"integrated_lufs": -12.5, "true_peak_dbtp": -0.5}, social) == ["too_loud", "peak_over"]
    assert verdict(["too_loud", "peak_over"]) == "level"
    assert verdict(["clipping", "too_loud"]) == "problem"
