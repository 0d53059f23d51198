"""A device that keeps running dry climbs to a longer queue and goes on playing: a real stream on the
test sound server, starved by a graph that takes longer than the device's queue now and then."""
from __future__ import annotations

import time

import numpy as np
import pytest

from soundon.media.audio_out import RATE, Chunk, Feed, LiveOutput
from tests.sound_server import tone_level

pytestmark = pytest.mark.e2e


class StarvingGraph:
    """Passes the audio through; while `starving`, every 20th block takes 40 ms (longer than the first
    rung's queue), as a machine that starves the audio thread does."""

    def __init__(self):
        self.starving = True
        self.blocks = 0

    def process(self, native, media_time_s):
        self.blocks += 1
        if self.starving and self.blocks % 20 == 0:
            time.sleep(0.04)   # the fault itself: a callback that runs late
        return native

    def reset(self):
        pass


def test_a_device_that_runs_dry_climbs_a_rung_and_plays_on(sound_server):
    clock = lambda: time.monotonic() * 1e6   # noqa: E731 — the feed's dates on the same clock
    graph = StarvingGraph()
    output = LiveOutput(graph, clock)
    assert output.working, output.problem
    first_latency = output.latency_s
    feed = Feed()
    seconds = 30.0
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(int(seconds * RATE)) / RATE)).astype(np.float32)
    feed.push(Chunk(clock() + 300_000, 0.0, np.repeat(tone[:, None], 2, axis=1)))
    output.listen_to(feed)
    try:
        with sound_server.recorder() as recorder:
            recorder.wait_for(lambda r: output.rung >= 1, timeout=15)
            graph.starving = False
            climbed_at = recorder.seconds()
            underruns = output.underruns
            recorder.wait_for(lambda r: r.seconds() > climbed_at + 2.0, timeout=15)
            heard = recorder.samples()[:, 0]
    finally:
        output.close()
    assert output.rung >= 1       # (a loaded machine may starve the second rung too)
    assert output.latency_s > first_latency
    assert "after underruns" in output.report()
    # after the climb the tone plays on from the new stream: the 20 ms windows of the last second
    # hold it (but for a dry moment a loaded machine may still cause)
    tail = heard[-RATE:]
    windows = np.array([tone_level(tail[i:i + 960], 440) for i in range(0, RATE - 960, 960)])
    assert np.mean(windows > 0.25) >= 0.9, (windows, output.underruns - underruns)


def test_the_app_reopens_its_device_on_the_rung_it_climbed_to(sound_server, monkeypatch):
    from soundon.media.audio_graph import AudioGraph
    from soundon.ui.player import live_audio
    starving = StarvingGraph()
    real_process = AudioGraph.process

    def slow_process(self, native, media_time_s):
        starving.process(native, media_time_s)
        return real_process(self, native, media_time_s)

    monkeypatch.setattr(AudioGraph, "process", slow_process)
    # from the first rung; what this test climbs is not kept for the tests after it
    monkeypatch.setattr(live_audio, "_climbed", 0)
    live_audio.close()
    output = live_audio.live_output()
    first_latency = output.latency_s
    feed = Feed()
    clock = output._clock_us
    tone = (0.3 * np.sin(2 * np.pi * 440 * np.arange(20 * RATE) / RATE)).astype(np.float32)
    feed.push(Chunk(clock() + 300_000, 0.0, np.repeat(tone[:, None], 2, axis=1)))
    output.listen_to(feed)
    with sound_server.recorder() as recorder:
        recorder.wait_for(lambda r: output.rung >= 1, timeout=15)
    climbed = output.rung
    live_audio.close()
    starving.starving = False
    again = live_audio.live_output()
    assert again is not output and again.working, again.problem
    assert again.rung == climbed and again.latency_s > first_latency
