"""The export job on its own (as the app will run it): progress, cancel, keep/replace per take."""
import json
from pathlib import Path

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.export_job import ExportJob, ExportRequest
from soundon.jobs.importer import Importer
from soundon.media.destination import PART_SUFFIX


@pytest.fixture
def picked_takes(library, media, tmp_path):
    folder = tmp_path / "batch"
    for number, name in enumerate(("kling_a.mp4", "veo_b.mp4", "seedance_c.mp4")):
        media.clip(name, duration=1, folder=folder, audio=f"sine=frequency={300 + 100 * number}")
    Importer(library).run([folder], name="B")
    takes = library.takes("B")
    for take in takes:
        library.set_flag(take.id, "pick")
    track = media.clip("post.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.1")
    library.set_audio_verdict(takes[0].id, "replace")
    library.save_swap_spec(takes[0].id, track, SwapSpec(offset=0.02, level=Level(gain=-2)))
    return takes


def test_progress_reports_overall_and_per_file(library, picked_takes, tmp_path):
    ticks = []
    result = ExportJob(library, ExportRequest("B", tmp_path / "out", picked_only=True),
                       on_progress=ticks.append).run()
    assert [i.status for i in result.items] == ["written"] * 3
    overall = [t.overall_fraction for t in ticks]
    assert overall == sorted(overall) and overall[0] == 0.0 and overall[-1] == pytest.approx(1.0)
    for index in (1, 2, 3):
        mine = [t for t in ticks if t.index == index]
        assert mine[0].file_fraction == 0.0 and mine[-1].file_fraction == 1.0 and mine[0].total == 3
    assert {t.phase for t in ticks} >= {"writing", "verifying"}
    first = result.items[0]
    assert first.audio == "post track" and first.outcome["level"]["gain_db"] == -2
    assert first.outcome["verification"]["offset"]["measured_s"] == pytest.approx(0.02, abs=0.001)


def test_cancel_stops_the_export_and_records_what_happened(library, picked_takes, tmp_path):
    out = tmp_path / "out"
    job = ExportJob(library, ExportRequest("B", out, picked_only=True))
    job.on_progress = lambda t: job.cancel() if t.index == 2 and t.phase == "writing" else None
    result = job.run()
    assert [i.status for i in result.items] == ["written", "cancelled", "cancelled"]
    assert result.cancelled
    assert sorted(p.name for p in out.glob("*.mp4")) == ["kling_a.mp4"]
    assert not list(out.glob(f".*{PART_SUFFIX}"))
    manifest = json.loads(Path(result.manifest_json).read_text())
    assert manifest["cancelled"] and [f["status"] for f in manifest["files"]] == ["written", "cancelled", "cancelled"]


def test_a_missing_source_fails_that_take_only(library, picked_takes, tmp_path):
    Path(picked_takes[1].path).unlink()
    result = ExportJob(library, ExportRequest("B", tmp_path / "out")).run()
    assert [i.status for i in result.items] == ["written", "failed", "written"]
    assert "missing" in result.items[1].error and "relink" in result.items[1].error


def test_a_take_replaced_on_disk_is_refused_before_writing_and_the_rest_goes_on(library, picked_takes, media, tmp_path):
    # Another clip saved over a take after the import: same name, different content.
    replaced = Path(picked_takes[1].path)
    media.clip("other.mp4", duration=1, audio="sine=frequency=1200", folder=tmp_path / "elsewhere")
    replaced.write_bytes((tmp_path / "elsewhere" / "other.mp4").read_bytes())
    seen = []
    result = ExportJob(library, ExportRequest("B", tmp_path / "out"), on_item=seen.append).run()
    assert [i.status for i in result.items] == ["written", "failed", "written"]
    error = result.items[1].error
    assert replaced.name in error and "changed on disk" in error and "Import it again" in error
    assert seen[0].take_id == picked_takes[1].id           # listed before any file is written
    written = {Path(t.path).name for t in picked_takes} - {replaced.name}
    assert {p.name for p in (tmp_path / "out").glob("*.mp4")} == written
    manifest = json.loads(Path(result.manifest_json).read_text())
    assert [f["status"] for f in manifest["files"]] == ["written", "failed", "written"]


def test_a_take_changed_after_the_pre_flight_is_still_refused(library, picked_takes, tmp_path):
    from soundon.jobs.swap_job import SwapJob, SwapRequest
    from soundon.media.swap_errors import SourceError
    take = Path(picked_takes[2].path)
    with take.open("r+b") as fh:             # one byte changed in the file's first MiB
        fh.seek(100)
        byte = fh.read(1)
        fh.seek(100)
        fh.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(SourceError, match="changed on disk"):
        SwapJob(SwapRequest(take, tmp_path / "x.mp4", None, expected_fingerprint=picked_takes[2].fingerprint)).run()
    assert not (tmp_path / "x.mp4").exists()


def _fill(folder: Path) -> None:
    """Fill the disk holding `folder` to the last byte, as another program writing there would."""
    with (folder / "someone-else.bin").open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\1" * 4096)
        except OSError:
            pass


def test_a_disk_that_fills_still_gets_the_manifest_of_what_was_written(library, picked_takes):
    from tests.swap_helpers import small_filesystem
    with small_filesystem("24m") as folder:
        job = ExportJob(library, ExportRequest("B", folder / "out"))
        job.on_progress = lambda t: _fill(folder) if t.index == 2 and t.phase == "starting" else None
        result = job.run()
        assert [i.status for i in result.items] == ["written", "failed", "failed"]
        assert all("full" in i.error or "MB free" in i.error for i in result.items[1:])
        names = {Path(t.path).name for t in picked_takes}
        written = {p.name for p in (folder / "out").iterdir()} & names
        assert written == {Path(picked_takes[0].path).name}       # nothing under the failed takes' names
        assert not list((folder / "out").glob(f".*{PART_SUFFIX}"))
        manifest = json.loads(Path(result.manifest_json).read_text())
        assert [f["status"] for f in manifest["files"]] == ["written", "failed", "failed"]
        assert manifest["files"][0]["output"] == result.items[0].output
        rows = Path(result.manifest_csv).read_text().splitlines()
        assert len(rows) == 4 and ",written," in rows[1]
