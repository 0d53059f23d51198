"""The post track the editor hears in the app is the one the export writes: both lay it by the
take's swap spec as the library holds it, fades, bed and level included (no level chosen: the
batch's delivery target, in both)."""
import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.export_job import ExportJob, ExportRequest
from soundon.jobs.importer import Importer
from soundon.ui.controllers.live_listening import prepare


def test_the_preview_and_the_export_lay_the_post_track_by_one_spec(library, media, tmp_path):
    media.clip("kling_a.mp4", duration=2, audio="sine=frequency=440")
    Importer(library).run([media.folder], name="Shoot")
    take_id = library.takes("Shoot")[0].id
    track = media.clip("post.wav", video="", duration=3, audio="anoisesrc=color=pink:amplitude=0.1")
    saved = SwapSpec(offset=0.25, fit="trim", fade_in=0.2, fade_out=0.3, bed=-20)
    library.save_swap_spec(take_id, track, saved)
    library.set_audio_verdict(take_id, "replace")
    delivered = saved.with_changes(level=Level(target="social"))

    heard = prepare(library.take(take_id), match_gains=False)
    assert heard.problem == "" and heard.post.spec == delivered

    result = ExportJob(library, ExportRequest("Shoot", tmp_path / "out")).run()
    [written] = result.items
    assert written.status == "written" and written.audio == "post track"
    assert written.outcome["spec"] == delivered.to_dict()
    exported = written.outcome["timing"]
    preview = heard.post.timing.as_dict()
    assert preview["fade_in_s"] == pytest.approx(0.2) and preview["fade_out_s"] == pytest.approx(0.3)
    for key in ("video_s", "offset_s", "silence_before_s", "skipped_s", "loop", "cut_at_end", "silence_after_s",
                "fade_in_s", "fade_out_s"):
        assert preview[key] == pytest.approx(exported[key], abs=1e-3), key
