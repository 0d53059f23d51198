"""The typed take: what the library lists, as the library stores it (a real library file and a real
imported clip)."""
import json
from pathlib import Path

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.core.take import PostTrack, Take
from soundon.core.timecode import DEFAULT_FPS
from soundon.jobs.importer import Importer

# The keys `soundon import/list/review --json` have always printed for a take, in their order.
JSON_KEYS = [
    "id", "batch_id", "rel_path", "fingerprint", "size", "model", "prompt", "prompt_group", "seed", "variation",
    "generated_at", "duration", "width", "height", "rotation", "display_width", "display_height", "fps",
    "variable_frame_rate", "video_codec", "audio_codec", "has_audio", "audio_channels", "channel_layout",
    "sample_rate", "bit_rate", "creation_time", "container", "thumbnail", "waveform", "imported_at", "batch",
    "batch_root", "batch_target", "flag", "rating", "audio_verdict", "integrated_lufs", "true_peak_dbtp", "lra",
    "short_term_max_lufs", "mono_loss_lu", "correlation_p5", "low_freq_share", "phone_loss_lu", "av_offset_ms",
    "av_confidence", "nudge_ms", "speech_share", "intelligibility",
    "intelligibility_volume_db", "analysis_target",
    "post_track", "path", "analysis_flags", "swap_spec"]


@pytest.fixture
def take(library, media) -> Take:
    media.clip("kling_a.mp4", duration=1, audio="sine=frequency=440")
    Importer(library).run([media.folder], name="Shoot")
    return library.takes("Shoot")[0]


def test_a_library_row_is_a_typed_take(library, media, take):
    assert isinstance(take, Take)
    assert take.path == str(media.folder.resolve() / "kling_a.mp4") and Path(take.path).is_absolute()
    assert take.has_audio is True and take.variable_frame_rate is False
    assert isinstance(take.duration, float) and isinstance(take.width, int) and isinstance(take.imported_at, str)
    assert (take.batch, take.model, take.flag, take.rating, take.audio_verdict) == ("Shoot", "Kling", "none", 0,
                                                                                   "undecided")
    # The import measured the sound (a −18 dBFS sine is under the social target); no post track.
    assert take.analysis_flags == ("too_quiet",) and take.integrated_lufs < -17 and take.swap is None
    library.save_analysis(take.id, "social", {"integrated_lufs": -30.0, "flags": ["too_quiet"]})
    analysed = library.take(take.id)
    assert analysed.analysis_flags == ("too_quiet",) and analysed.integrated_lufs == -30.0
    with pytest.raises(AttributeError):
        analysed.flag = "pick"          # frozen: a new decision is a new row from the library


def test_frame_rate_is_the_takes_or_the_default_when_unknown(library, take):
    assert take.fps == pytest.approx(25.0) and take.frame_rate == take.fps
    library.db.execute("UPDATE takes SET fps = 0 WHERE id = ?", [take.id])   # a rate the probe could not read
    unknown = library.take(take.id)
    assert unknown.fps == 0 and unknown.frame_rate == DEFAULT_FPS == 25.0


def test_the_post_track_and_its_spec_round_trip_through_the_library(library, media, take):
    track = media.clip("post.wav", video="", duration=1, audio="sine=frequency=220")
    spec = SwapSpec(offset=-0.25, fit="trim", fade_in=0.1, fade_out=0.4, level=Level(lufs=-18, true_peak=-2), bed=-20)
    library.save_swap_spec(take.id, track, spec)
    stored = library.take(take.id)
    assert stored.swap == PostTrack(str(track), spec)
    assert stored.as_json()["post_track"] == str(track) and stored.as_json()["swap_spec"] == spec.to_dict()
    # no level chosen: the export and the app both lay it at the batch's delivery target
    library.save_swap_spec(take.id, track, spec.with_changes(level=None))
    assert library.take(take.id).delivered_swap() == PostTrack(str(track), spec.with_changes(level=Level(target="social")))


def test_a_stored_spec_that_cant_be_read_keeps_its_track_and_says_why(library, media, take):
    track = media.clip("post.wav", video="", duration=1, audio="sine=frequency=220")
    library.save_swap_spec(take.id, track, SwapSpec())
    library.db.execute("UPDATE swap_specs SET spec = ? WHERE take_id = ?", [json.dumps({"fit": "stretch"}), take.id])
    damaged = library.take(take.id)
    assert damaged.swap.path == str(track) and "--fit" in damaged.swap.problem
    assert damaged.as_json()["post_track"] == str(track) and damaged.as_json()["swap_spec"] is None


def test_as_json_is_the_listing_the_cli_has_always_printed(library, media, take):
    document = take.as_json()
    assert list(document) == JSON_KEYS
    assert document["has_audio"] is True and document["analysis_flags"] == ["too_quiet"] and document["swap_spec"] is None
    json.dumps(document)                 # plain JSON values only
