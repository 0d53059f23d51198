"""Background analysis of imported takes, stored in a real library."""
from __future__ import annotations

import os

import pytest

from soundon.core.take import SOUND_AT_IMPORT_SOURCE
from soundon.jobs.analysis_job import AnalysisJob, takes_due
from soundon.jobs.importer import Importer


@pytest.fixture
def takes_by_name(media, library):
    media.clip("kling_a.mp4", duration=1)
    media.clip("veo_b.mp4", duration=1.5, audio="sine=frequency=60:sample_rate=48000")
    media.clip("mute_c.mp4", duration=1, audio="")
    result = Importer(library).run([media.folder], name="Shoot")
    return {t.rel_path: t for t in result.added}


def test_every_take_gets_a_stored_report(library, takes_by_name):
    due = takes_due(library, "Shoot")
    assert sorted(due) == sorted(t.id for t in takes_by_name.values())
    progress = []
    outcome = AnalysisJob(library, due).run(lambda done, total, take_id: progress.append((done, total)))
    assert outcome.failed == {} and len(outcome.reports) == 3
    assert progress[-1] == (3, 3)
    bass = library.take(takes_by_name["veo_b.mp4"].id)
    assert bass.analysis_target == "social"
    assert "bass_dependent" in bass.analysis_flags
    assert library.take(takes_by_name["mute_c.mp4"].id).analysis_flags == ("no_audio",)
    stored = library.analysis(takes_by_name["kling_a.mp4"].id)
    assert stored["integrated_lufs"] == pytest.approx(outcome.reports[takes_by_name["kling_a.mp4"].id]["integrated_lufs"])
    assert stored["verdict"] in ("ok", "level", "problem") and stored["summary"]
    assert takes_due(library, "Shoot") == []


def test_a_new_batch_target_makes_takes_due_again(library, takes_by_name):
    AnalysisJob(library, takes_due(library)).run()
    library.set_batch_target("Shoot", "ebu-r128")
    due = takes_due(library, "Shoot")
    assert len(due) == 3
    AnalysisJob(library, due).run()
    assert {library.take(i).analysis_target for i in due} == {"ebu-r128"}


def test_a_missing_file_fails_alone(library, takes_by_name):
    missing = takes_by_name["kling_a.mp4"]
    os.remove(library.take(missing.id).path)
    outcome = AnalysisJob(library, takes_due(library)).run()
    assert "missing" in outcome.failed[missing.id]
    assert len(outcome.reports) == 2
    # Nothing new is stored for it: the report its import made from its sound stays, still due.
    assert library.analysis(missing.id)["source"] == SOUND_AT_IMPORT_SOURCE
    assert missing.id in takes_due(library)


def test_cancel_before_start_stores_nothing(library, takes_by_name):
    job = AnalysisJob(library, takes_due(library))
    job.cancel()
    outcome = job.run()
    assert outcome.cancelled and outcome.reports == {}
    # Nothing is stored: each take keeps the report its import made from its sound.
    assert all(library.analysis(t.id)["source"] == SOUND_AT_IMPORT_SOURCE for t in takes_by_name.values())


def test_library_notifies_each_stored_report(library, takes_by_name):
    heard = []
    library.subscribe(lambda kind, ids: heard.append((kind, tuple(ids))))
    AnalysisJob(library, takes_due(library)).run()
    assert sorted(ids[0] for kind, ids in heard if kind == "analysis") == sorted(t.id for t in takes_by_name.values())


def test_unknown_target_is_refused_up_front(library):
    with pytest.raises(ValueError, match="Unknown delivery target"):
        AnalysisJob(library, [], target="cinema")
