"""The audio graph, block by block: what the live route feeds it and what soundon preview renders.

Signals are numpy tones or ffmpeg-generated files (post tracks); outputs are measured, never the
graph's fields.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.core.swap_spec import Level, SwapSpec, SwapSpecError
from soundon.media.audio_graph import AudioGraph, PostSource, nudge_spec, nudged_native, render, render_samples
from soundon.media.dsp.decode import decode
from tests.signals import RATE, programme, sine, write_wav

BLOCK = 480   # 10 ms, what libVLC hands over


def run(graph: AudioGraph, native: np.ndarray, block: int = BLOCK, start: int = 0, changes=None) -> np.ndarray:
    """Feed native to the graph in blocks from take sample `start`; changes: {sample: callable}
    called before the block that begins at that sample."""
    out = []
    for begin in range(0, len(native), block):
        if changes and begin in changes:
            changes[begin](graph)
        out.append(graph.process(native[begin:begin + block].astype(np.float32), (start + begin) / RATE))
    return np.vstack(out).astype(np.float64)


def rms_db(x: np.ndarray) -> float:
    return 10 * np.log10(np.mean(np.asarray(x, np.float64) ** 2) + 1e-30)


def tone_level(x: np.ndarray, frequency: float) -> float:
    """Level (dB, rms of a full-scale sine = −3) of one frequency in a mono signal, by projection."""
    t = np.arange(len(x)) / RATE
    c, s = np.cos(2 * np.pi * frequency * t), np.sin(2 * np.pi * frequency * t)
    amplitude = 2 * np.hypot(x @ c, x @ s) / len(x)
    return 20 * np.log10(amplitude / np.sqrt(2) + 1e-30)


def impulse_track(media, name: str, at_sample: int, seconds: float) -> str:
    return media.clip(name, video="", audio=f"aevalsrc='if(eq(n,{at_sample}),0.8,0)':s=48000:c=stereo",
                      duration=seconds)


def peaks(x: np.ndarray, threshold: float = 0.4) -> list[int]:
    return [int(i) for i in np.flatnonzero(np.abs(x[:, 0]) > threshold)]


# -- streaming ---------------------------------------------------------------------------------

@pytest.mark.parametrize("setup", [ListeningSetup("phone", "cafe", -6.0), ListeningSetup("phone-budget", "train"),
                                   ListeningSetup("laptop", match_loudness=True), ListeningSetup("earbuds")],
                         ids=lambda s: s.key)
def test_block_size_does_not_change_the_output(setup):
    # Loud programme: the compressor and both limiters work hard.
    native = 2.5 * programme(4.0)
    small = run(AudioGraph(setup, match_gain_db=3.0), native, 256)
    large = run(AudioGraph(setup, match_gain_db=3.0), native, 4096)
    odd = run(AudioGraph(setup, match_gain_db=3.0), native, 437)
    assert np.abs(small - large).max() < 1e-5
    assert np.abs(small - odd).max() < 1e-5
    assert rms_db(small) > -40


def test_block_size_does_not_change_a_post_mix(media):
    post = PostSource.load(media.clip("post.wav", video="", audio="sine=frequency=3000:sample_rate=48000",
                                      duration=3), SwapSpec(offset=0.37, fade_in=0.2), 4.0)
    native = programme(4.0)
    outputs = []
    for block in (256, 4096):
        graph = AudioGraph(ListeningSetup("phone", "office"))
        graph.set_post(post)
        graph.set_mix("mix")
        outputs.append(run(graph, native, block))
    assert np.abs(outputs[0] - outputs[1]).max() < 1e-5


TONES = (75, 100, 200, 300, 500, 1000, 2500, 3000, 3200, 4000, 10000, 14000, 16000)


@pytest.fixture(scope="module")
def streamed_responses():
    """Profile → {frequency: dB re 1 kHz}, each tone streamed alone through a fresh graph in 10 ms blocks."""
    table = {}
    for name in ("phone", "phone-budget", "laptop", "earbuds"):
        levels = {}
        for frequency in TONES:
            out = run(AudioGraph(ListeningSetup(name)), sine(-30, 0.5, frequency=frequency))
            levels[frequency] = rms_db(out[RATE // 8: 3 * RATE // 8, 0])
        table[name] = {f: levels[f] - levels[1000] for f in TONES}
    return table


@pytest.mark.parametrize("profile, frequency, low, high", [
    ("phone", 100, -41.0, -37.0), ("phone", 300, -7.0, -5.0), ("phone", 3200, 3.0, 4.0),
    ("phone", 14000, -7.0, -5.0),
    ("phone-budget", 500, -7.0, -5.0), ("phone-budget", 2500, 3.0, 5.0), ("phone-budget", 10000, -10.0, -8.0),
    ("laptop", 200, -7.0, -5.0), ("laptop", 4000, 1.0, 3.0), ("laptop", 16000, -5.6, -3.6),
    ("earbuds", 75, -7.0, -5.0), ("earbuds", 3000, 2.7, 4.7), ("earbuds", 16000, -4.4, -2.4),
])
def test_streamed_response_meets_the_design_table(streamed_responses, profile, frequency, low, high):
    assert low <= streamed_responses[profile][frequency] <= high, streamed_responses[profile]


def test_headphones_pass_the_input_through_bit_for_bit():
    native = programme(2.0).astype(np.float32)
    graph = AudioGraph(ListeningSetup("headphones", "train", -12.0, match_loudness=True), match_gain_db=5.0)
    out = np.vstack([graph.process(native[i:i + BLOCK], i / RATE) for i in range(0, len(native), BLOCK)])
    assert out.dtype == np.float32 and np.array_equal(out, native)


def test_back_to_headphones_is_bit_exact_once_the_crossfade_is_over():
    native = programme(2.0).astype(np.float32)
    out = run(AudioGraph(ListeningSetup("phone", "cafe")), native,
              changes={RATE // 2: lambda g: g.set_setup(ListeningSetup("headphones"))})
    after = RATE // 2 + 2 * BLOCK
    assert np.array_equal(out[after:], native[after:])
    assert not np.array_equal(out[:RATE // 2], native[:RATE // 2])


def test_a_profile_switch_does_not_click():
    native = sine(-12, 2.0, frequency=500)
    out = run(AudioGraph(ListeningSetup("headphones")), native,
              changes={RATE: lambda g: g.set_setup(ListeningSetup("phone"))})
    steps = np.abs(np.diff(out[:, 0]))
    steady_step = steps[: RATE // 2].max()            # the sine's own largest sample-to-sample move
    assert steps[RATE - 10: RATE + 2000].max() < 1.5 * steady_step


def test_a_switch_is_heard_from_the_next_block():
    native = sine(-30, 1.0, frequency=100)
    switch_at = 10 * BLOCK
    out = run(AudioGraph(ListeningSetup("headphones")), native,
              changes={switch_at: lambda g: g.set_setup(ListeningSetup("phone"))})
    assert np.array_equal(out[:switch_at], native[:switch_at].astype(np.float32))
    # 5 ms crossfade, then the phone's −39 dB at 100 Hz
    settled = out[switch_at + 240: switch_at + 960, 0]
    assert rms_db(settled) < rms_db(native[:switch_at, 0]) - 30


def test_phone_volume_is_continuous_and_leaves_the_noise_alone():
    native = sine(-24, 3.0, frequency=1000)
    silence = np.zeros_like(native)
    for volume in (-7.3, -0.5, -41.2):
        out = run(AudioGraph(ListeningSetup("phone")), native,
                  changes={RATE: lambda g, v=volume: g.set_volume_db(v)})
        before = rms_db(out[RATE // 2: RATE, 0])
        after = rms_db(out[RATE + 240: RATE + RATE // 2, 0])
        assert after - before == pytest.approx(volume, abs=0.05)
        # the step is a ramp: no sample jumps by more than the sine itself moves
        assert np.abs(np.diff(out[RATE - 5: RATE + 300, 0])).max() < 1.2 * np.abs(np.diff(out[:RATE, 0])).max()
    bed_full = run(AudioGraph(ListeningSetup("phone", "cafe")), silence)
    bed_down = run(AudioGraph(ListeningSetup("phone", "cafe", -30.0)), silence)
    assert np.array_equal(bed_full, bed_down)


def test_match_gain_and_volume_add_up():
    native = sine(-30, 1.0, frequency=1000)
    plain = run(AudioGraph(ListeningSetup("laptop")), native)
    matched = run(AudioGraph(ListeningSetup("laptop", match_loudness=True), match_gain_db=4.5), native)
    assert rms_db(matched[RATE // 2:]) - rms_db(plain[RATE // 2:]) == pytest.approx(4.5, abs=0.01)
    phone = run(AudioGraph(ListeningSetup("phone")), native)
    both = run(AudioGraph(ListeningSetup("phone", volume_db=-6.0, match_loudness=True), match_gain_db=2.0), native)
    assert rms_db(both[RATE // 2:]) - rms_db(phone[RATE // 2:]) == pytest.approx(-4.0, abs=0.01)


def test_noise_loops_without_a_seam():
    # The bed is a 10 s loop: across its end the noise keeps its level and has no step.
    out = run(AudioGraph(ListeningSetup("phone", "street")), np.zeros((12 * RATE, 2)))
    seam = 10 * RATE
    typical = np.abs(np.diff(out[:seam - 10, 0])).max()
    assert np.abs(np.diff(out[seam - 10: seam + 10, 0])).max() <= typical
    assert rms_db(out[seam: seam + RATE]) == pytest.approx(rms_db(out[seam - RATE: seam]), abs=1.0)


def test_reset_after_a_seek_starts_from_rest():
    native = 2.0 * programme(4.0)
    graph = AudioGraph(ListeningSetup("phone", "cafe"))
    run(graph, native[: 2 * RATE])                       # the compressor is pulling down hard
    graph.reset()
    seek_to = 3 * RATE
    after_seek = run(graph, native[seek_to:], start=seek_to)
    fresh = run(AudioGraph(ListeningSetup("phone", "cafe")), native[seek_to:], start=seek_to)
    assert np.abs(after_seek - fresh).max() < 1e-6


def test_an_unreported_jump_in_time_moves_the_noise_and_post_with_it(media):
    # Jitter of a few samples in the block times is followed by sample counting (no jump in the
    # post track); a jump of 1 s is a seek the route didn't report, and the graph follows it.
    post = PostSource.load(impulse_track(media, "imp.wav", 24000, 3.0), SwapSpec(), 3.0)
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_post(post)
    graph.set_mix("post")
    silence = np.zeros((BLOCK, 2), np.float32)
    out = []
    for k in range(int(0.4 * RATE / BLOCK)):
        jitter = (-1) ** k * 20 / RATE
        out.append(graph.process(silence, k * BLOCK / RATE + jitter))
    head = np.vstack(out)
    assert peaks(head) == []
    jumped = np.vstack([graph.process(silence, 0.45 + k * BLOCK / RATE) for k in range(10)])
    assert peaks(jumped) == [24000 - round(0.45 * RATE)]


def test_cost_is_a_small_share_of_real_time():
    native = programme(10.0).astype(np.float32)
    graph = AudioGraph(ListeningSetup("phone", "cafe", -6.0))
    run(graph, native[:RATE])                           # noise bed made, caches warm
    started = time.process_time()
    for begin in range(0, len(native), BLOCK):
        graph.process(native[begin:begin + BLOCK], begin / RATE)
    share = (time.process_time() - started) / 10.0
    assert share < 0.20, f"{share:.1%} of real time"


def test_the_eq_in_blocks_equals_one_pass_of_scipys_sosfilt_bit_for_bit():
    from scipy.signal import sosfilt

    from soundon.core.listening import profile_named
    from soundon.media.dsp import biquads
    sos = biquads.sections(profile_named("phone").eq, RATE)
    signal = programme(1.0).astype(np.float64)
    eq = biquads.Filter(sos, 2)
    streamed = np.vstack([eq.process(signal[i:i + BLOCK]) for i in range(0, len(signal), BLOCK)])
    assert np.array_equal(streamed, sosfilt(sos, signal, axis=0))


def test_choosing_a_noise_costs_the_next_block_no_more_than_real_time():
    """The noise bed (10 s made in the frequency domain and calibrated) is made when the noise is
    chosen, on the caller's thread: made in the device callback, it would stall the device."""
    from soundon.media.dsp.noise import calibrated_bed
    calibrated_bed.cache_clear()
    graph = AudioGraph(ListeningSetup("phone"))
    block = programme(1.0).astype(np.float32)[:BLOCK]
    graph.process(block, 0.0)
    graph.set_setup(ListeningSetup("phone", "street"))
    started = time.thread_time()
    out = graph.process(block, BLOCK / RATE)
    took = time.thread_time() - started
    assert took < BLOCK / RATE, f"{took * 1000:.0f} ms for a {BLOCK / RATE * 1000:.0f} ms block"
    assert rms_db(graph.process(np.zeros_like(block), 2 * BLOCK / RATE)) > -80   # the street is heard
    assert out.shape == block.shape


# -- the post track ----------------------------------------------------------------------------

def test_post_at_an_offset_lands_on_its_sample(media):
    track = impulse_track(media, "imp.wav", 4800, 1.0)        # a click 0.1 s into the track
    for offset, expected in ((0.25, 4800 + 12000), (-0.05, 4800 - 2400), (0.0, 4800)):
        post = PostSource.load(track, SwapSpec(offset=offset, fade_in=0.0), 2.0)
        assert peaks(post.samples_at(0.0, 2 * RATE)) == [expected]
        graph = AudioGraph(ListeningSetup("headphones"))
        graph.set_post(post)
        graph.set_mix("post")
        heard = peaks(run(graph, np.zeros((2 * RATE, 2)), 333))
        assert len(heard) == 1 and abs(heard[0] - expected) <= 1, (offset, heard)
        # asked for at any take time, the same sample
        assert peaks(post.samples_at((expected - 100) / RATE, 200)) == [100]


def test_post_offset_change_is_heard_from_the_next_block_without_a_decode(media, monkeypatch):
    track = impulse_track(media, "imp.wav", 4800, 2.0)
    post = PostSource.load(track, SwapSpec(offset=0.0), 2.0)
    import soundon.media.post_source as post_source
    monkeypatch.setattr(post_source, "decode", lambda *a, **k: pytest.fail("decoded again"))
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_post(post)
    graph.set_mix("post")
    out = run(graph, np.zeros((RATE, 2)), changes={2400: lambda g: post.set_spec(SwapSpec(offset=0.2))})
    assert peaks(out) == [4800 + 9600]


def test_fit_loop_repeats_and_pad_leaves_silence(media):
    track = impulse_track(media, "half.wav", 4800, 0.5)       # 0.5 s track under a 2 s take
    looped = PostSource.load(track, SwapSpec(fit="loop"), 2.0).samples_at(0.0, 2 * RATE)
    assert peaks(looped) == [4800, 4800 + 24000, 4800 + 48000, 4800 + 72000]
    tone = media.clip("tone.wav", video="", audio="sine=frequency=1000:sample_rate=48000", duration=0.5)
    padded = PostSource.load(tone, SwapSpec(fit="pad", offset=0.25), 2.0).samples_at(0.0, 2 * RATE)
    assert np.abs(padded[: 12000]).max() == 0
    assert rms_db(padded[13000: 35000]) > -30       # ffmpeg's sine is at −18 dBFS
    assert np.abs(padded[36000 + 10:]).max() == 0
    with pytest.raises(SwapSpecError, match="--fit pad"):
        PostSource.load(tone, SwapSpec(fit="trim"), 2.0)


def test_fades_ramp_the_post_track(media):
    dc = media.clip("dc.wav", video="", audio="aevalsrc='0.5':s=48000:c=stereo", duration=1.0)
    post = PostSource.load(dc, SwapSpec(fade_in=0.1, fade_out=0.2), 1.0)
    x = post.samples_at(0.0, RATE)[:, 0]
    assert x[0] == 0 and x[2400] == pytest.approx(0.25, abs=0.002) and x[4800] == pytest.approx(0.5, abs=0.002)
    assert x[RATE // 2] == pytest.approx(0.5, abs=0.002)
    assert x[RATE - 4800] == pytest.approx(0.25, abs=0.003) and abs(x[-1]) < 0.003


def test_post_level_as_gain_and_as_lufs(media):
    track = media.clip("speech.wav", video="", audio="sine=frequency=1000:sample_rate=48000", duration=3.0)
    plain = PostSource.load(track, SwapSpec(), 3.0).samples_at(0.0, 3 * RATE)
    louder = PostSource.load(track, SwapSpec(level=Level(gain=-6.0)), 3.0).samples_at(0.0, 3 * RATE)
    assert rms_db(louder) - rms_db(plain) == pytest.approx(-6.0, abs=0.01)
    import pyloudnorm
    targeted = PostSource.load(track, SwapSpec(level=Level(lufs=-23.0)), 3.0).samples_at(0.0, 3 * RATE)
    assert pyloudnorm.Meter(RATE).integrated_loudness(targeted.astype(np.float64)) == pytest.approx(-23.0, abs=0.3)


def test_mix_modes_and_the_bed_level(media):
    post = PostSource.load(media.clip("post.wav", video="", audio="sine=frequency=3000:sample_rate=48000",
                                      duration=2.0), SwapSpec(bed=-6.0), 2.0)
    native = sine(-20, 2.0, frequency=1000)
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_post(post)
    quarter = RATE // 2
    out = run(graph, native, changes={
        quarter: lambda g: g.set_mix("post"),
        2 * quarter: lambda g: g.set_mix("mix"),
        3 * quarter: lambda g: post.set_spec(SwapSpec(bed=-20.0)),
    })[:, 0]
    parts = [out[k * quarter + 480: (k + 1) * quarter] for k in range(4)]
    native_level = tone_level(native[:quarter, 0], 1000)
    post_level = tone_level(post.samples_at(0.0, quarter)[:, 0], 3000)
    # native: the take alone, bit for bit
    assert np.array_equal(out[:quarter], native[:quarter, 0].astype(np.float32))
    # post: the post track alone
    assert tone_level(parts[1], 1000) < native_level - 80
    assert tone_level(parts[1], 3000) == pytest.approx(post_level, abs=0.05)
    # mix: post over the native bed at −6, then −20 dB
    assert tone_level(parts[2], 3000) == pytest.approx(post_level, abs=0.05)
    assert tone_level(parts[2], 1000) == pytest.approx(native_level - 6.0, abs=0.05)
    assert tone_level(parts[3], 1000) == pytest.approx(native_level - 20.0, abs=0.05)


def test_post_mode_without_a_post_track_plays_the_take():
    native = sine(-20, 0.5)
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_mix("post")
    assert np.array_equal(run(graph, native), native.astype(np.float32))


def test_mix_level_applies_to_post_and_bed_together(media):
    post_file = media.clip("post.wav", video="", audio="sine=frequency=3000:sample_rate=48000", duration=1.0)
    native = sine(-20, 1.0, frequency=1000)
    levels = []
    for spec in (SwapSpec(bed=-6.0), SwapSpec(bed=-6.0, level=Level(gain=-10.0))):
        graph = AudioGraph(ListeningSetup("headphones"))
        graph.set_post(PostSource.load(post_file, spec, 1.0))
        graph.set_mix("mix")
        out = run(graph, native)[RATE // 4:, 0]
        levels.append((tone_level(out, 1000), tone_level(out, 3000)))
    assert levels[1][0] - levels[0][0] == pytest.approx(-10.0, abs=0.05)
    assert levels[1][1] - levels[0][1] == pytest.approx(-10.0, abs=0.05)


# -- offline render ------------------------------------------------------------------------------

def test_render_equals_the_streamed_graph(tmp_path, media):
    source = write_wav(tmp_path / "prog.wav", programme(3.0))
    post = PostSource.load(media.clip("post.wav", video="", audio="sine=frequency=3000:sample_rate=48000",
                                      duration=2.0), SwapSpec(offset=0.5), 3.0)
    setup = ListeningSetup("phone", "cafe", -6.0)
    rendered = decode(render(source, tmp_path / "out.wav", setup, post=post, mix="mix", sample_format="f32"), 2)
    graph = AudioGraph(setup)
    graph.set_post(post)
    graph.set_mix("mix")
    live = run(graph, decode(source, 2), 441)
    assert rendered.shape == live.shape
    assert np.abs(rendered - live).max() < 1e-5
    sixteen = decode(render(source, tmp_path / "out16.wav", setup, post=post, mix="mix"), 2)
    assert np.abs(sixteen - live).max() < 1.5 / 32768


# -- the nudge ---------------------------------------------------------------------------------

@pytest.mark.parametrize("nudge_ms", [80.0, -80.0, 1000 / 25])
def test_the_offline_render_shifts_a_nudged_take_by_exactly_its_samples(tmp_path, nudge_ms):
    click_at = 24000
    native = np.zeros((RATE, 2), np.float32)
    native[click_at] = 0.8
    out = decode(render_samples(native, tmp_path / "nudged.wav", ListeningSetup("headphones"),
                                nudge_ms=nudge_ms, sample_format="f32"), 2)
    assert len(out) == len(native)
    assert peaks(out) == [click_at + round(nudge_ms * RATE / 1000)]


def test_a_new_nudge_is_heard_from_the_next_block_and_the_position_does_not_move():
    # a click every 100 ms; the nudge goes from 0 to +80 ms at the start of block 31 (310 ms, between
    # two clicks: the new placement is crossfaded in over its first 5 ms)
    native = np.zeros((RATE, 2), np.float32)
    clicks = list(range(0, RATE, 4800))
    native[clicks] = 0.8
    graph = AudioGraph(ListeningSetup("headphones"))
    nudged = nudged_native(native, 80.0)
    switch_at = 31 * BLOCK
    out = run(graph, native, changes={switch_at: lambda g: g.set_nudged(nudged)})
    shift = round(0.080 * RATE)
    assert peaks(out) == [c for c in clicks if c < switch_at] + [c + shift for c in clicks if c + shift >= switch_at
                                                                 and c + shift < RATE]


def test_a_nudge_changed_while_heard_is_a_new_placement_from_the_next_block():
    native = np.zeros((RATE, 2), np.float32)
    native[[12000, 36000]] = 0.8
    graph = AudioGraph(ListeningSetup("headphones"))
    nudged = nudged_native(native, 80.0)
    graph.set_nudged(nudged)
    out = run(graph, native, changes={RATE // 2: lambda g: nudged.set_spec(nudge_spec(-40.0))})
    assert peaks(out) == [12000 + 3840, 36000 - 1920]
