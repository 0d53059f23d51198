"""The A/V sync estimate: flashes with clicks at known offsets, and steady noise over motion."""
from __future__ import annotations

import pytest

from soundon.jobs.analysis_job import AnalysisJob
from soundon.jobs.importer import Importer
from soundon.media.analysis import analyze
from soundon.media.av_sync import CANT_TELL, describe, estimate, out_of_sync
from tests.signals import sine, write_wav
from tests.sync_takes import FPS, flash_and_click_take, steady_noise_take

FRAME_MS = 1000 / FPS


@pytest.mark.parametrize("offset_ms", [0, 40, -40, 120, -120, 200])
def test_flashes_and_clicks_at_a_known_offset_are_estimated_within_a_frame(tmp_path, offset_ms):
    found = estimate(flash_and_click_take(tmp_path / "take.mp4", offset_ms), FPS)
    assert found.offset_ms is not None, found
    assert abs(found.offset_ms - offset_ms) <= FRAME_MS
    assert found.confidence > 0.5


def test_steady_noise_over_a_moving_pattern_cant_tell(tmp_path):
    found = estimate(steady_noise_take(tmp_path / "noise.mp4"), FPS)
    assert found.offset_ms is None
    assert found.reason == CANT_TELL
    assert describe(found.offset_ms, found.confidence, found.reason) == "no sharp events: can't tell"


def test_noticeable_is_more_than_45_ms_early_or_100_ms_late():
    assert [out_of_sync(ms) for ms in (-46, -45, 0, 100, 101, None)] == [True, False, False, False, True, False]
    assert describe(120, 0.9) == "sound 120 ms late (confidence 90%) — noticeable"
    assert describe(-40, 0.8) == "sound 40 ms early (confidence 80%)"


def test_the_analysis_report_carries_the_estimate(tmp_path):
    report = analyze(flash_and_click_take(tmp_path / "late.mp4", 120))
    assert abs(report["av_offset_ms"] - 120) <= FRAME_MS and report["av_confidence"] > 0.5
    sound_only = analyze(write_wav(tmp_path / "tone.wav", sine(-20, 1.0)))
    assert sound_only["av_offset_ms"] is None and sound_only["av_confidence"] == 0.0


def test_the_background_analysis_stores_it_with_the_take(library, tmp_path):
    folder = tmp_path / "Shoot"
    folder.mkdir()
    flash_and_click_take(folder / "late.mp4", 200)
    steady_noise_take(folder / "noise.mp4")
    Importer(library).run([folder], name="Shoot")
    takes = {t.rel_path: t for t in library.takes("Shoot")}
    outcome = AnalysisJob(library, [t.id for t in takes.values()], background=True).run()
    assert not outcome.failed
    late, noise = library.take(takes["late.mp4"].id), library.take(takes["noise.mp4"].id)
    assert abs(late.av_offset_ms - 200) <= FRAME_MS and late.av_confidence > 0.5
    assert noise.av_offset_ms is None and noise.av_confidence < 0.3
    assert library.analysis(late.id)["av_offset_ms"] == late.av_offset_ms
