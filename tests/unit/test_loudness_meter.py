"""The playback meters: momentary (400 ms) and short-term (3 s) loudness and peak of the delivered
mix, before the listening profile, read off the audio thread."""
from __future__ import annotations

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.core.swap_spec import Level, SwapSpec
from soundon.media.audio_graph import AudioGraph
from soundon.media.dsp.measure import integrated_lufs
from soundon.media.dsp.meter import LoudnessMeter
from soundon.media.post_source import PostSource

RATE = 48000


def sine(seconds: float, db: float, frequency: float = 1000.0) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    mono = (10 ** (db / 20) * np.sin(2 * np.pi * frequency * t)).astype(np.float32)
    return np.column_stack([mono, mono])


def play(graph: AudioGraph, native: np.ndarray, block: int = 480) -> None:
    for begin in range(0, len(native), block):
        graph.process(native[begin:begin + block], begin / RATE)


def test_a_steady_tone_reads_its_loudness_in_both_windows_and_its_peak():
    meter = LoudnessMeter(RATE)
    tone = sine(4, -20)
    for begin in range(0, len(tone), 512):
        meter.feed(tone[begin:begin + 512])
    reading = meter.read()
    expected = integrated_lufs(tone, RATE)
    assert reading.momentary_lufs == pytest.approx(expected, abs=0.1)
    assert reading.short_term_lufs == pytest.approx(expected, abs=0.1)
    assert reading.peak_dbfs == pytest.approx(-20, abs=0.05)


def test_momentary_follows_a_change_within_400_ms_and_short_term_within_3_s():
    meter = LoudnessMeter(RATE)
    signal = np.vstack([sine(3, -10), sine(0.5, -30)])
    for begin in range(0, len(signal), 480):
        meter.feed(signal[begin:begin + 480])
    reading = meter.read()
    assert reading.momentary_lufs == pytest.approx(integrated_lufs(sine(1, -30), RATE), abs=0.3)
    assert reading.short_term_lufs > reading.momentary_lufs + 10   # still holds most of the loud part


def test_silence_and_an_idle_meter_read_nothing():
    meter = LoudnessMeter(RATE)
    assert meter.read().momentary_lufs is None
    meter.feed(np.zeros((4800, 2), np.float32))
    reading = meter.read()
    assert reading.momentary_lufs is None and reading.peak_dbfs is None


def test_the_graph_meters_the_delivered_post_mix_before_the_listening_profile():
    native = sine(3.5, -12)
    track = sine(3.5, -22, frequency=500)
    post = PostSource(track, SwapSpec(level=Level(gain=0)), 3.5)
    graph = AudioGraph(ListeningSetup("phone"))      # what is heard goes through the phone profile
    graph.set_delivered(post)
    play(graph, native)
    reading = graph.meter.read()
    assert reading.short_term_lufs == pytest.approx(integrated_lufs(track[-RATE * 3:], RATE), abs=0.3)
    assert reading.peak_dbfs == pytest.approx(-22, abs=0.1)
    # Without a post track, the delivered mix is the native audio, still before the profile.
    graph.set_delivered(None)
    play(graph, native)
    assert graph.meter.read().short_term_lufs == pytest.approx(integrated_lufs(native[-RATE * 3:], RATE), abs=0.3)


def test_the_bed_is_in_the_delivered_mix():
    native = sine(3.5, -12)
    track = sine(3.5, -22, frequency=500)
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_delivered(PostSource(track, SwapSpec(level=Level(gain=0), bed=-6.0), 3.5))
    play(graph, native)
    bedded = native * 10 ** (-6 / 20) + track
    assert graph.meter.read().short_term_lufs == pytest.approx(integrated_lufs(bedded[-RATE * 3:], RATE), abs=0.3)


def test_a_delivered_mix_not_known_yet_is_not_metered_as_the_native():
    graph = AudioGraph(ListeningSetup("headphones"))
    graph.set_delivered(None, ready=False)           # the post track is still being decoded
    play(graph, sine(1, -12))
    assert graph.meter.read().momentary_lufs is None
