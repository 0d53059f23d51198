"""make bench: what the audio graph costs, as a share of real time, for 48 kHz stereo.

Phone + café (the heaviest everyday setup: mono sum, four biquads, compressor, limiter, noise bed,
safety limiter) and a post track mixed over the native bed, in the block sizes libVLC hands over
(10 and 40 ms) and the offline render's 1024 samples. CPU time of this process, not wall time:
the machine is shared. Budget (issue 10): ≤ 5 % of real time.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from soundon.core.listening import ListeningSetup
from soundon.core.swap_spec import SwapSpec
from soundon.media.audio_graph import AudioGraph, PostSource
from tests.benchmarks.conftest import budget, report
from tests.signals import RATE, programme

pytestmark = pytest.mark.bench
BUDGET = 0.05
SECONDS = 60.0


def _share(graph: AudioGraph, native: np.ndarray, block: int) -> float:
    graph.process(native[:block], 0.0)          # noise bed made, caches warm
    graph.reset()
    started = time.process_time()
    for begin in range(0, len(native), block):
        graph.process(native[begin:begin + block], begin / RATE)
    return (time.process_time() - started) / (len(native) / RATE)


def test_audio_graph_cost():
    native = np.tile(programme(10.0), (int(SECONDS / 10), 1)).astype(np.float32)
    post = PostSource(np.roll(native, RATE, axis=0), SwapSpec(offset=0.5, bed=-12.0), SECONDS)
    rows, worst = [], 0.0
    for label, setup, with_post in (
            ("phone + café", ListeningSetup("phone", "cafe", -6.0), False),
            ("phone + café, post over the bed", ListeningSetup("phone", "cafe", -6.0), True),
            ("laptop", ListeningSetup("laptop"), False),
            ("headphones (pass-through)", ListeningSetup("headphones"), False)):
        for block in (480, 1024, 1920):
            graph = AudioGraph(setup)
            if with_post:
                graph.set_post(post)
                graph.set_mix("mix")
            share = _share(graph, native, block)
            if setup.profile == "phone":
                worst = max(worst, share)
            rows.append((f"{label}, {block}-sample blocks", f"{share:.2%} of real time (budget ≤ {BUDGET:.0%})"))
    rows.append(("verdict", "within budget" if worst <= BUDGET else "OVER BUDGET"))
    report(f"Audio graph: {SECONDS:.0f} s of 48 kHz stereo, CPU time", rows)
    budget("dsp", worst * 100)
