"""The import measures each take's sound from the decode that makes its waveform, and stores the
report those measures give: a batch's level and translation verdicts are there when its import
ends. The analysis that follows adds the dialogue and the A/V sync from the stored measures."""
from __future__ import annotations

import pytest

from soundon.core.take import NATIVE_SOURCE, SOUND_AT_IMPORT_SOURCE
from soundon.jobs.analysis_job import AnalysisJob, takes_due
from soundon.jobs.importer import Importer
from soundon.media import analysis, sound_measure
from soundon.media.analysis import analyze


@pytest.fixture
def batch(media):
    media.clip("kling_loud.mp4", duration=4, audio="anoisesrc=color=pink:amplitude=0.3:sample_rate=48000")
    media.clip("veo_quiet.mp4", duration=4, audio="sine=frequency=440:sample_rate=48000", audio_filter="volume=-40dB")
    media.clip("seedance_mute.mp4", duration=2, audio="")
    return media.folder


def test_each_take_has_its_sound_report_when_the_import_ends(library, batch):
    added = {t.rel_path: t for t in Importer(library).run([batch]).added}
    assert len(added) == 3
    for name in ("kling_loud.mp4", "veo_quiet.mp4"):
        stored = library.analysis(added[name].id)
        full = analyze(batch / name, added[name].batch_target)
        assert stored is not None, name
        for key in sound_measure.FIELDS:
            assert stored[key] == full[key], (name, key)
        assert stored["source"] == SOUND_AT_IMPORT_SOURCE
    assert "too_quiet" in library.analysis(added["veo_quiet.mp4"].id)["flags"]
    assert library.analysis(added["seedance_mute.mp4"].id)["flags"] == ["no_audio"]
    # The verdicts are shown in the lists at once...
    takes = {t.rel_path: t for t in library.takes()}
    assert "too_quiet" in takes["veo_quiet.mp4"].analysis_flags
    assert takes["kling_loud.mp4"].analysis_measured_on == "native audio"
    # ...and every take is still due its analysis (the dialogue and the sync), decided in SQL.
    assert sorted(takes_due(library)) == sorted(t.id for t in added.values())
    assert all(sure for _take_id, sure in library.analysis_candidates())
    assert not any(t.analysis_current for t in takes.values())


def test_the_analysis_takes_the_import_measures_over_and_adds_dialogue_and_sync(library, batch, monkeypatch):
    added = {t.rel_path: t for t in Importer(library).run([batch]).added}
    at_import = library.analysis(added["kling_loud.mp4"].id)

    def not_again(*_args, **_kwargs):
        raise AssertionError("the sound was decoded for its measures a second time")

    monkeypatch.setattr(analysis, "measure_file", not_again)
    outcome = AnalysisJob(library, takes_due(library)).run()
    assert not outcome.failed and len(outcome.reports) == 3
    after = library.analysis(added["kling_loud.mp4"].id)
    assert after["source"] == NATIVE_SOURCE
    assert after["integrated_lufs"] == at_import["integrated_lufs"]
    assert "speech_share" in after and "av_sync_note" in after    # the dialogue and the sync were measured
    assert takes_due(library) == []


def test_a_surround_take_is_measured_at_import_on_its_channels_and_downmix(library, media):
    take = media.clip("surround.mkv", duration=4, channels=8, audio="anoisesrc=color=pink:amplitude=0.3:sample_rate=48000")
    added = Importer(library).run([media.folder]).added
    assert len(added) == 1
    stored = library.analysis(added[0].id)
    full = analyze(take)
    assert stored["integrated_lufs"] == full["integrated_lufs"] is not None
    assert stored["mono_loss_lu"] == full["mono_loss_lu"]
