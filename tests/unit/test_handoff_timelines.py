"""The timeline files of the NLE hand-off (FCP7 XML, CMX3600 EDL, OTIO), each read back by a reader
that is not ours: OpenTimelineIO's fcp_xml and cmx_3600 adapters and its own .otio reader, and the
EDL a second time with pycmx. Clip names, media paths, lengths in frames and note positions at
23.976, 25, 29.97, 30 and 60 fps."""
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pycmx
import pytest
from lxml import etree

from soundon.core.handoff.rates import to_timecode
from soundon.jobs.handoff_job import hand_off, original_media
from tests.handoff_batch import NAMES, NOTES, note_frames, reviewed_batch

RATES = ["23.976", "25", "29.97", "30", "60"]
PICKS = [Path(NAMES[0]).stem, Path(NAMES[1]).stem]


@pytest.fixture(scope="module", params=RATES)
def handed_off(request, tmp_path_factory, media_cache):
    """One batch per rate, handed off once to every format."""
    from soundon.store.library import Library
    from tests.conftest import MediaFactory
    tmp_path = tmp_path_factory.mktemp(f"handoff {request.param}")
    (tmp_path / "media").mkdir()
    library = Library(tmp_path / "library.sqlite")
    batch = reviewed_batch(library, MediaFactory(media_cache, tmp_path / "media"), tmp_path, request.param)
    result = hand_off(library, batch.name, original_media(library, batch.name), tmp_path / "to the NLE")
    yield batch, result
    library.close()


def frames(time: otio.opentime.RationalTime, rate: Fraction) -> int:
    return round(time.to_seconds() * float(rate))


def video_clips(timeline) -> list:
    return list(timeline.video_tracks()[0].find_clips())


def check_timeline(timeline, batch, *, paths=True):
    clips = video_clips(timeline)
    assert [c.name for c in clips] == PICKS
    assert [frames(c.source_range.duration, batch.rate) for c in clips] == [batch.frames[NAMES[0]],
                                                                            batch.frames[NAMES[1]]]
    if paths:
        assert [Path(otio.url_utils.filepath_from_url(c.media_reference.target_url)) for c in clips] == \
            [batch.folder / NAMES[0], batch.folder / NAMES[1]]
    assert [m.name for m in clips[0].markers] == [n[0] for n in NOTES]
    assert [frames(m.marked_range.start_time, batch.rate) for m in clips[0].markers] == \
        [start for start, _ in note_frames(batch.rate)]
    assert len(clips[1].markers) == 0                       # a take without notes


def test_otio_file_reads_back_with_the_review_data(handed_off):
    batch, result = handed_off
    timeline = otio.adapters.read_from_file(result.files["otio"])
    check_timeline(timeline, batch)
    assert video_clips(timeline)[0].source_range.duration.rate == pytest.approx(float(batch.rate))
    review = video_clips(timeline)[0].metadata["soundon"]
    assert (review["flag"], review["rating"], review["audio_verdict"]) == ("pick", 4, "keep")
    assert [n["text"] for n in review["notes"]] == [n[0] for n in NOTES]
    assert [m.marked_range.duration.value for m in video_clips(timeline)[0].markers] == \
        [d for _, d in note_frames(batch.rate)]
    assert len(timeline.audio_tracks()) == 1


def test_fcp7_xml_reads_back(handed_off):
    batch, result = handed_off
    assert result.files["xmeml"].endswith(".xml")
    text = Path(result.files["xmeml"]).read_text(encoding="utf-8")
    assert "<xmeml" in text and ("<ntsc>TRUE</ntsc>" in text) == (batch.rate.denominator == 1001)
    timeline = otio.adapters.read_from_file(result.files["xmeml"], adapter_name="fcp_xml")
    check_timeline(timeline, batch)


def test_edl_reads_back_with_otio_and_with_pycmx(handed_off):
    batch, result = handed_off
    text = Path(result.files["edl"]).read_text(encoding="utf-8")
    assert "FCM: NON-DROP FRAME" in text
    timeline = otio.adapters.read_from_string(text, adapter_name="cmx_3600", rate=float(batch.rate))
    check_timeline(timeline, batch, paths=False)
    assert [c.media_reference.target_url for c in video_clips(timeline)] == \
        [str(batch.folder / NAMES[0]), str(batch.folder / NAMES[1])]

    edl = pycmx.parse_cmx3600(Path(result.files["edl"]).open(encoding="utf-8"))
    events = list(edl.events)
    assert len(events) == 2
    edits = [event.edits[0] for event in events]
    assert [e.clip_name for e in edits] == PICKS
    assert [e.source_file for e in edits] == [str(batch.folder / NAMES[0]), str(batch.folder / NAMES[1])]
    start = 3600 * round(batch.rate)
    assert edits[0].record_in == to_timecode(start, batch.rate)
    assert edits[1].record_out == to_timecode(start + batch.frames[NAMES[0]] + batch.frames[NAMES[1]], batch.rate)
    assert edits[0].source_out == to_timecode(batch.frames[NAMES[0]], batch.rate)
    locs = [line for line in text.splitlines() if line.startswith("* LOC:")]
    assert [line.split(None, 4)[2] for line in locs] == [to_timecode(s, batch.rate) for s, _ in note_frames(batch.rate)]


def test_no_warning_file_for_constant_rate_takes(handed_off):
    _, result = handed_off
    assert result.warnings == [] and result.warnings_file == ""
    assert result.refused == {} and result.notes == []


@pytest.mark.parametrize("rate, timecode, frame", [("25", "01:00:10:00", 90250), ("29.97", "00:10:00;00", 17982)])
def test_start_timecode_comes_from_the_tmcd_track(library, media, tmp_path, rate, timecode, frame):
    batch = reviewed_batch(library, media, tmp_path, rate, extra=("-timecode", timecode))
    result = hand_off(library, batch.name, original_media(library, batch.name), tmp_path / "nle")
    for name, adapter in (("otio", None), ("xmeml", "fcp_xml")):
        first = video_clips(otio.adapters.read_from_file(result.files[name], adapter_name=adapter))[0]
        assert frames(first.source_range.start_time, batch.rate) == frame, name
        assert [frames(m.marked_range.start_time, batch.rate) for m in first.markers] == \
            [frame + start for start, _ in note_frames(batch.rate)], name
    event = next(line for line in Path(result.files["edl"]).read_text(encoding="utf-8").splitlines()
                 if line.startswith("001"))
    assert event.split()[4] == to_timecode(frame, batch.rate)
    document = etree.parse(result.files["fcpxml"])
    starts = {Fraction(a.get("start").rstrip("s")) for a in document.iter("asset")}
    assert starts == {frame / batch.rate}


def test_without_a_tmcd_track_clips_start_at_zero(handed_off):
    batch, result = handed_off
    event = next(line for line in Path(result.files["edl"]).read_text(encoding="utf-8").splitlines()
                 if line.startswith("001"))
    assert event.split()[4] == "00:00:00:00"
