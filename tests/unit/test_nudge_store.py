"""A keep take's nudge: stored in its swap spec, kept across attaching and detaching a post track,
and written by the export as a verified stream-copy shift."""
from __future__ import annotations

import pytest

from soundon.core.swap_spec import SwapSpec, SwapSpecError
from soundon.jobs.export_job import ExportJob, ExportRequest
from soundon.jobs.importer import Importer
from tests.sync_takes import flash_and_click_take


@pytest.fixture
def late_take(library, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    flash_and_click_take(folder / "late.mp4", 120)
    Importer(library).run([folder], name="B")
    return library.takes("B")[0]


def test_a_nudge_is_stored_and_survives_a_post_track_coming_and_going(library, late_take, media):
    library.set_nudge(late_take.id, -120)
    take = library.take(late_take.id)
    assert take.nudge_ms == -120 and take.swap is None
    assert take.as_json()["nudge_ms"] == -120 and take.as_json()["swap_spec"] is None
    track = media.clip("post.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.1")
    library.save_swap_spec(late_take.id, track, SwapSpec(offset=0.02))
    take = library.take(late_take.id)
    assert take.swap.spec.offset == 0.02 and take.swap.spec.nudge_ms == -120 and take.nudge_ms == -120
    library.delete_swap_spec(late_take.id)
    take = library.take(late_take.id)
    assert take.swap is None and take.nudge_ms == -120
    library.set_nudge(late_take.id, 0)
    assert library.take(late_take.id).nudge_ms == 0
    with pytest.raises(SwapSpecError, match="between -5000 and 5000 ms"):
        library.set_nudge(late_take.id, 9000)


def test_the_export_writes_a_keep_take_nudged_and_verified(library, late_take, tmp_path):
    library.set_flag(late_take.id, "pick")
    library.set_audio_verdict(late_take.id, "keep")
    library.set_nudge(late_take.id, -120)
    result = ExportJob(library, ExportRequest("B", tmp_path / "out", picked_only=True)).run()
    item = result.items[0]
    assert item.status == "written", item.notes
    check = item.outcome["verification"]
    assert check["ok"] and check["audio_packets_identical"]
    assert check["offset"]["measured_s"] == pytest.approx(-0.120, abs=0.001)
    assert item.outcome["reencoded"] == [] and "native audio nudged -120 ms" in item.notes
