"""The listening profiles as rendered (ffmpeg decodes, the audio graph renders), measured with tones.

The profile data in core/listening.py is tuned so that these hold; DESIGN.md's table is the
reference (gains relative to 1 kHz).
"""
from __future__ import annotations

import subprocess

import numpy as np
import pyloudnorm
import pytest

from soundon.core.listening import NOISES, PROFILE_NAMES, ListeningSetup, noise_bed_lufs
from soundon.media import tools
from soundon.media.audio_graph import match_gain, render
from soundon.media.dsp.decode import decode
from tests.signals import RATE, sine, write_wav

TONES = (75, 100, 200, 300, 500, 1000, 2000, 2500, 3000, 3200, 3500, 4000, 5000, 10000, 14000, 16000)
SEGMENT_S = 0.5
LEVEL_DBFS = -30.0   # under the phone compressor's threshold: what remains is the response


def read_wav(path) -> np.ndarray:
    raw = subprocess.run([tools.ffmpeg().path, "-v", "error", "-i", str(path), "-f", "f32le", "-c:a", "pcm_f32le",
                          "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, "<f4").reshape(-1, 2).astype(np.float64)


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(x * x) + 1e-30)


@pytest.fixture(scope="module")
def tone_steps(tmp_path_factory):
    """Consecutive 0.5 s tones at −30 dBFS on both channels (one file, one render per profile)."""
    folder = tmp_path_factory.mktemp("tones")
    steps = np.vstack([sine(LEVEL_DBFS, SEGMENT_S, frequency=f) for f in TONES])
    return write_wav(folder / "steps.wav", steps), folder


@pytest.fixture(scope="module")
def responses(tone_steps):
    """Profile → {frequency: dB relative to 1 kHz}, left channel, middle of each tone."""
    source, folder = tone_steps
    table = {}
    for name in PROFILE_NAMES:
        out = read_wav(render(source, folder / f"{name}.wav", ListeningSetup(name), channels=2))
        width = int(SEGMENT_S * RATE)
        levels = {}
        for index, frequency in enumerate(TONES):
            middle = out[index * width + width // 4: index * width + 3 * width // 4, 0]
            levels[frequency] = rms_db(middle)
        table[name] = {f: levels[f] - levels[1000] for f in TONES}
    return table


@pytest.mark.parametrize("profile, frequency, low, high", [
    # phone: two 2-pole high-passes at 300 Hz, presence lift, −6 dB at 14 kHz
    ("phone", 100, -41.0, -37.0),
    ("phone", 300, -7.0, -5.0),
    ("phone", 3000, 2.5, 4.5),
    ("phone", 3200, 2.5, 4.5),
    ("phone", 14000, -7.0, -5.0),
    # budget phone: −6 dB at 500 Hz, +4 dB at 2–3 kHz, −9 dB at 10 kHz
    ("phone-budget", 500, -7.0, -5.0),
    ("phone-budget", 2500, 3.0, 5.0),
    ("phone-budget", 10000, -10.0, -8.0),
    # laptop: −6 dB near 200 Hz, +2 dB at 3–5 kHz, −4.6 dB at 16 kHz
    ("laptop", 200, -7.0, -5.0),
    ("laptop", 4000, 1.0, 3.0),
    ("laptop", 16000, -5.6, -3.6),
    # earbuds: −6 dB near 75 Hz, +3.7 dB at 3 kHz, −3.4 dB at 16 kHz
    ("earbuds", 75, -7.0, -5.0),
    ("earbuds", 3000, 2.7, 4.7),
    ("earbuds", 16000, -4.4, -2.4),
])
def test_profile_response_meets_the_design_table(responses, profile, frequency, low, high):
    assert low <= responses[profile][frequency] <= high, responses[profile]


def test_phone_loses_the_bass_and_lifts_presence(responses):
    phone = responses["phone"]
    assert phone[100] < phone[300] - 25
    assert phone[3000] > 2.0


def test_headphones_pass_through_within_0_3_db(tone_steps):
    source, folder = tone_steps
    rendered = read_wav(render(source, folder / "hp.wav", ListeningSetup("headphones"), channels=2))
    original = read_wav(source)
    width = int(SEGMENT_S * RATE)
    for index, frequency in enumerate(TONES):
        part = slice(index * width + width // 4, index * width + 3 * width // 4)
        for channel in (0, 1):
            assert rms_db(rendered[part, channel]) == pytest.approx(rms_db(original[part, channel]), abs=0.3), frequency


@pytest.mark.parametrize("profile", ["phone", "phone-budget"])
def test_left_only_input_comes_out_on_both_sides(tmp_path, profile):
    left_only = sine(-20, 1.0, frequency=1000)
    left_only[:, 1] = 0
    out = read_wav(render(write_wav(tmp_path / "left.wav", left_only), tmp_path / "out.wav",
                          ListeningSetup(profile), channels=2))
    assert rms_db(out[:, 0]) > -40
    assert rms_db(out[:, 0]) == pytest.approx(rms_db(out[:, 1]), abs=0.01)


def test_headphones_keep_left_only_on_the_left(tmp_path):
    left_only = sine(-20, 1.0)
    left_only[:, 1] = 0
    out = read_wav(render(write_wav(tmp_path / "left.wav", left_only), tmp_path / "out.wav",
                          ListeningSetup("headphones"), channels=2))
    assert rms_db(out[:, 1]) < -90


def test_mono_take_is_heard_on_both_sides_at_full_level(tmp_path):
    mono = sine(-20, 1.0, channels=1)
    out = read_wav(render(write_wav(tmp_path / "mono.wav", mono), tmp_path / "out.wav",
                          ListeningSetup("headphones"), channels=1))
    assert rms_db(out[:, 0]) == pytest.approx(rms_db(mono[:, 0]), abs=0.1)
    assert rms_db(out[:, 1]) == pytest.approx(rms_db(mono[:, 0]), abs=0.1)


@pytest.mark.parametrize("noise", [n.name for n in NOISES])
def test_noise_bed_is_calibrated_to_the_formula(tmp_path, noise):
    # A silent programme: what comes out is the noise bed alone, measured by an independent meter.
    silence = np.zeros((RATE * 10, 2))
    environment = next(n for n in NOISES if n.name == noise)
    out = read_wav(render(write_wav(tmp_path / "silence.wav", silence), tmp_path / "noise.wav",
                          ListeningSetup("phone", noise), channels=2))
    measured = pyloudnorm.Meter(RATE).integrated_loudness(out)
    assert measured == pytest.approx(noise_bed_lufs(environment.level_dba), abs=1.0)
    # decorrelated per channel
    assert abs(np.corrcoef(out[:, 0], out[:, 1])[0, 1]) < 0.1


def test_phone_volume_lowers_the_programme_not_the_noise(tmp_path):
    programme = sine(-24, 4.0, frequency=1000)
    source = write_wav(tmp_path / "prog.wav", programme)
    full = read_wav(render(source, tmp_path / "full.wav", ListeningSetup("phone"), channels=2))
    down = read_wav(render(source, tmp_path / "down.wav", ListeningSetup("phone", volume_db=-12), channels=2))
    assert rms_db(down[RATE:]) - rms_db(full[RATE:]) == pytest.approx(-12.0, abs=0.2)
    silence = write_wav(tmp_path / "silence.wav", np.zeros((RATE * 6, 2)))
    bed_full = read_wav(render(silence, tmp_path / "b0.wav", ListeningSetup("phone", "cafe"), channels=2))
    bed_down = read_wav(render(silence, tmp_path / "b1.wav", ListeningSetup("phone", "cafe", -12), channels=2))
    assert rms_db(bed_down) == pytest.approx(rms_db(bed_full), abs=0.05)


def test_match_loudness_plays_the_profile_at_the_reference_loudness(tmp_path):
    from tests.signals import programme
    source = write_wav(tmp_path / "prog.wav", programme(8.0))
    meter = pyloudnorm.Meter(RATE)
    reference = meter.integrated_loudness(read_wav(render(source, tmp_path / "hp.wav", ListeningSetup("headphones"),
                                                          channels=2)))
    plain = meter.integrated_loudness(read_wav(render(source, tmp_path / "p.wav", ListeningSetup("phone"), channels=2)))
    gain = match_gain(decode(source, 2), "phone")
    matched = meter.integrated_loudness(read_wav(render(source, tmp_path / "m.wav",
                                                        ListeningSetup("phone", match_loudness=True),
                                                        match_gain_db=gain, channels=2)))
    assert abs(plain - reference) > 1.0          # the profile alone does change the level
    assert matched == pytest.approx(reference, abs=0.3)


def test_renders_keep_time_and_length(tmp_path):
    # A click at 1.000 s lands at 1.000 s (± 2 ms) in every profile: switching between renders
    # never shifts the sound against the picture.
    clicks = np.zeros((RATE * 2, 2))
    clicks[RATE, :] = 0.8
    source = write_wav(tmp_path / "click.wav", clicks)
    for name in PROFILE_NAMES:
        out = read_wav(render(source, tmp_path / f"{name}.wav", ListeningSetup(name), channels=2))
        assert abs(len(out) - len(clicks)) <= 1024, name
        peak_at = int(np.argmax(np.abs(out[:, 0])))
        assert abs(peak_at - RATE) <= 0.002 * RATE, (name, peak_at)


def test_render_is_reproducible(tmp_path):
    source = write_wav(tmp_path / "s.wav", sine(-20, 1.0))
    a = render(source, tmp_path / "a.wav", ListeningSetup("phone", "street", -6), channels=2).read_bytes()
    b = render(source, tmp_path / "b.wav", ListeningSetup("phone", "street", -6), channels=2).read_bytes()
    assert a == b
