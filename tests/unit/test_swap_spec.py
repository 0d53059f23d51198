"""The swap spec and the sample plan it turns into (no ffmpeg here)."""
import pytest

from soundon.core.swap_level import Loudness, corrected_gain, plan_level
from soundon.core.swap_spec import Level, SwapSpec, SwapSpecError
from soundon.core.swap_timing import plan_timing


def test_spec_round_trips_through_its_stored_form():
    spec = SwapSpec(offset=-0.125, fit="loop", fade_in=0.2, fade_out=None, level=Level(lufs=-16, true_peak=-2),
                    bed=-18)
    stored = spec.to_dict()
    assert stored == {"offset": -0.125, "fit": "loop", "fade_in": 0.2, "fade_out": None,
                      "level": {"lufs": -16.0, "true_peak": -2.0}, "bed": -18.0}
    assert SwapSpec.from_dict(stored) == spec
    # the track is not part of the spec (the library keeps it beside it, a take's PostTrack holds both)
    with pytest.raises(SwapSpecError, match="track"):
        SwapSpec.from_dict({"track": "/x.wav", **stored})
    assert SwapSpec.from_dict({}) == SwapSpec()
    assert SwapSpec.from_dict({"level": "ebu-r128"}).level == Level(target="ebu-r128")


@pytest.mark.parametrize("fields, words", [
    ({"fit": "stretch"}, "--fit"),
    ({"offset": 7200}, "--offset"),
    ({"fade_out": -1}, "--fade-out"),
    ({"bed": 6}, "--bed"),
    ({"offset": "soon"}, "number"),
    ({"offset": float("nan")}, "finite"),
])
def test_spec_refuses_what_an_editor_could_not_mean(fields, words):
    with pytest.raises(SwapSpecError, match=words):
        SwapSpec(**fields)


def test_level_is_exactly_one_thing():
    with pytest.raises(SwapSpecError, match="one of"):
        Level(target="social", gain=3)
    with pytest.raises(SwapSpecError, match="Unknown delivery target"):
        Level(target="cinema")
    with pytest.raises(SwapSpecError, match="true-peak"):
        Level(target="social", true_peak=-2)
    assert Level(target="atsc-a85").goal() == (-24.0, -2.0)
    assert Level(lufs=-18).goal() == (-18.0, -1.0)
    assert Level(gain=-3).goal() is None and not Level(gain=-3).needs_measurement
    with pytest.raises(SwapSpecError, match="Unknown swap spec field"):
        SwapSpec.from_dict({"ofset": 1})


def test_default_level_is_the_batch_target_only_when_unset():
    assert SwapSpec().with_level_default("podcast").level == Level(target="podcast")
    assert SwapSpec(level=Level(gain=2)).with_level_default("podcast").level == Level(gain=2)


def test_positive_offset_delays_and_a_long_track_is_cut_with_a_fade():
    t = plan_timing(SwapSpec(offset=0.125), video_s=2.0, track_s=3.0)
    assert (t.out_samples, t.delay, t.skip) == (96000, 6000, 0)
    assert t.cut_at_end and t.audible_end == 96000
    assert t.fade_out.length == 2400 and t.fade_out.start == 96000 - 2400
    assert t.fade_in is None


def test_negative_offset_skips_into_the_track_with_a_short_fade_in():
    t = plan_timing(SwapSpec(offset=-0.25), video_s=2.0, track_s=3.0)
    assert (t.delay, t.skip, t.offset_samples) == (0, 12000, -12000)
    assert t.fade_in.start == 0 and t.fade_in.length == 480
    explicit = plan_timing(SwapSpec(offset=-0.25, fade_in=0), video_s=2.0, track_s=3.0)
    assert explicit.fade_in is None


def test_millisecond_offsets_are_exact_samples():
    assert plan_timing(SwapSpec(offset=0.001), 2.0, 3.0).delay == 48
    assert plan_timing(SwapSpec(offset=-0.017), 2.0, 3.0).skip == 816


def test_a_short_track_is_padded_unless_the_editor_said_trim():
    t = plan_timing(SwapSpec(), video_s=2.0, track_s=1.5)
    assert not t.cut_at_end and t.audible_end == 72000 and t.fade_out is None
    assert any("silence after" in n for n in t.notes)
    with pytest.raises(SwapSpecError, match="--fit pad"):
        plan_timing(SwapSpec(fit="trim"), video_s=2.0, track_s=1.5)


def test_pad_refuses_a_track_that_would_have_to_be_cut():
    with pytest.raises(SwapSpecError, match="--fit trim"):
        plan_timing(SwapSpec(fit="pad"), video_s=2.0, track_s=2.5)
    assert plan_timing(SwapSpec(fit="pad"), video_s=2.0, track_s=2.0005).audible_end == 96000


def test_loop_runs_to_the_end_of_the_video():
    t = plan_timing(SwapSpec(fit="loop"), video_s=2.0, track_s=0.4)
    assert t.loop and t.cut_at_end and t.audible_end == 96000 and t.fade_out.length == 2400


def test_offsets_that_leave_nothing_to_hear_are_refused():
    with pytest.raises(SwapSpecError, match="after the take ends"):
        plan_timing(SwapSpec(offset=2.5), 2.0, 3.0)
    with pytest.raises(SwapSpecError, match="skips past the end"):
        plan_timing(SwapSpec(offset=-3.5), 2.0, 3.0)
    with pytest.raises(SwapSpecError, match="fades"):
        plan_timing(SwapSpec(fade_in=1.5, fade_out=1.0), 2.0, 3.0)


def test_level_plan_adds_a_limiter_only_when_peaks_would_pass_the_ceiling():
    quiet = plan_level(-14, -1, Loudness(-30.0, -20.0), lossy=True)
    assert quiet.gain_db == 16 and quiet.limiter_dbtp is None
    peaky = plan_level(-14, -1, Loudness(-30.0, -6.0), lossy=True)
    assert peaky.limiter_dbtp == -2.0           # aimed 1 dB under the ceiling before AAC
    assert plan_level(-14, -1, Loudness(-30.0, -6.0), lossy=False).limiter_dbtp == pytest.approx(-1.2)
    assert corrected_gain(peaky, Loudness(-14.4, -2.0)).gain_db == pytest.approx(16.4)
