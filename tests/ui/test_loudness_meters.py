"""The playback meters' view: momentary, short-term and peak of the delivered mix, labelled as
read before the listening profile; blank when nothing plays."""
from __future__ import annotations

import numpy as np

from soundon.media.dsp.meter import LoudnessMeter
from soundon.ui.views.loudness_meters import LoudnessMeters

RATE = 48000


def test_the_meters_show_the_delivered_mix_and_go_blank_when_it_stops(qtbot):
    meter = LoudnessMeter(RATE)
    view = LoudnessMeters(lambda: meter)
    qtbot.addWidget(view)
    view.show()
    assert "delivered mix" in view.title.text().lower() and "before the listening profile" in view.toolTip()
    assert view.momentary.text() == "M —"
    t = np.arange(RATE) / RATE
    tone = np.column_stack([0.1 * np.sin(2 * np.pi * 1000 * t)] * 2).astype(np.float32)
    for begin in range(0, RATE, 480):
        meter.feed(tone[begin:begin + 480])
    qtbot.waitUntil(lambda: view.momentary.text() != "M —", timeout=2000)
    assert view.momentary.text() == "M −20.0" and view.short_term.text() == "S −20.0"
    assert view.peak.text() == "Peak −20.0"
    qtbot.waitUntil(lambda: view.momentary.text() == "M —", timeout=3000)   # nothing more came
    assert view.peak.text() == "Peak —"
