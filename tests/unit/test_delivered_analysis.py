"""A replace take with a post track is measured as it will be delivered: the post mix the swap
writes (its level and the native bed applied), not the native audio it replaces."""
from __future__ import annotations

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.analysis_job import AnalysisJob, takes_due
from soundon.jobs.export_preflight import preflight
from soundon.jobs.importer import Importer


@pytest.fixture
def take_and_track(media, library, tmp_path):
    media.clip("kling_a.mp4", duration=3, audio="sine=frequency=440:sample_rate=48000",
               audio_filter="volume=-12dB")
    [take] = Importer(library).run([media.folder], name="Shoot").added
    quieter = media.clip("post.wav", video="", duration=3, audio="sine=frequency=440:sample_rate=48000",
                         audio_filter="volume=-22dB", folder=tmp_path / "tracks")
    return take, quieter


def analyse(library) -> None:
    outcome = AnalysisJob(library, takes_due(library)).run()
    assert outcome.failed == {}


def test_a_post_track_10_db_quieter_reads_10_lu_lower_than_the_native(library, take_and_track):
    take, quieter = take_and_track
    analyse(library)
    native = library.take(take.id)
    assert native.analysis_measured_on == "native audio"
    library.save_swap_spec(take.id, quieter, SwapSpec(level=Level(gain=0)))   # the track at its own level
    library.set_audio_verdict(take.id, "replace")
    assert takes_due(library) == [take.id]                 # what will be delivered changed
    analyse(library)
    post = library.take(take.id)
    assert post.analysis_measured_on == "post mix"
    assert post.integrated_lufs == pytest.approx(native.integrated_lufs - 10, abs=0.3)
    assert library.analysis(take.id)["summary"].endswith("(measured on the post mix).")
    assert takes_due(library) == []


def test_the_level_and_the_bed_are_applied_before_measuring(library, take_and_track):
    take, quieter = take_and_track
    analyse(library)
    native = library.take(take.id).integrated_lufs
    library.set_audio_verdict(take.id, "replace")
    library.save_swap_spec(take.id, quieter, SwapSpec(level=Level(gain=6)))
    analyse(library)
    assert library.take(take.id).integrated_lufs == pytest.approx(native - 10 + 6, abs=0.3)
    library.save_swap_spec(take.id, quieter, SwapSpec(level=None))   # unset: the batch's target (social, -14)
    analyse(library)
    assert library.take(take.id).integrated_lufs == pytest.approx(-14, abs=0.5)
    library.save_swap_spec(take.id, quieter, SwapSpec(level=Level(gain=0), bed=0.0))
    analyse(library)
    # The native at full level under a track 10 dB quieter: louder than the native alone.
    assert library.take(take.id).integrated_lufs > native + 1


def test_a_keep_verdict_goes_back_to_the_native_audio(library, take_and_track):
    take, quieter = take_and_track
    library.set_audio_verdict(take.id, "replace")
    library.save_swap_spec(take.id, quieter, SwapSpec(level=Level(gain=0)))
    analyse(library)
    library.set_audio_verdict(take.id, "keep")
    assert takes_due(library) == [take.id]
    analyse(library)
    assert library.take(take.id).analysis_measured_on == "native audio"


def test_the_pre_flight_judges_a_replace_pick_on_its_post_mix(library, take_and_track, media, tmp_path):
    take, _ = take_and_track
    clipped = media.clip("clipped.wav", video="", duration=3, audio="sine=frequency=440:sample_rate=48000",
                         audio_filter="volume=30dB", folder=tmp_path / "tracks")
    library.set_flag(take.id, "pick")
    library.set_audio_verdict(take.id, "replace")
    library.save_swap_spec(take.id, clipped, SwapSpec(level=Level(gain=0)))
    analyse(library)
    [finding] = [f for f in preflight([library.take(take.id)], normalize_keep=False) if f.kind == "wont_translate"]
    assert "measured on the post mix" in finding.message
