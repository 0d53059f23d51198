"""The FCPXML 1.10 of the NLE hand-off: valid against Apple's DTD, and read back by OpenTimelineIO's
fcpx adapter (a reader that is not ours) with every pick, name, path, length and note in place."""
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from lxml import etree

from soundon.core.review import Note
from soundon.jobs.handoff_job import hand_off, original_media
from soundon.resources import resource_path
from tests.handoff_batch import NAMES, NOTES, note_frames, reviewed_batch

DTD = etree.DTD(str(resource_path("fcpxml", "FCPXMLv1_10.dtd")))


def frames(time: otio.opentime.RationalTime, rate: Fraction) -> int:
    """A time the reader gives back in floating point, as whole frames of `rate`."""
    return round(time.to_seconds() * float(rate))


def fcp_seconds(text: str) -> Fraction:
    return Fraction(text.rstrip("s"))


@pytest.mark.parametrize("rate", ["23.976", "25", "29.97", "30", "60"])
def test_fcpxml_validates_and_reads_back_at_each_rate(library, media, tmp_path, rate):
    batch = reviewed_batch(library, media, tmp_path, rate)
    result = hand_off(library, batch.name, original_media(library, batch.name), tmp_path / "nle out", ("fcpxml",))
    path = Path(result.files["fcpxml"])
    document = etree.parse(str(path))
    assert DTD.validate(document), DTD.error_log.filter_from_errors()
    assert document.getroot().get("version") == "1.10"

    # Apple's structure, read with a plain XML parser: the event holds every take, the rating,
    # keywords, to-do markers and metadata in place.
    event = document.find("library/event")
    assert event.get("name") == batch.name
    clips = {c.get("name"): c for c in event.findall("asset-clip")}
    assert set(clips) == {Path(n).stem for n in NAMES}
    first = clips[Path(NAMES[0]).stem]
    frame = Fraction(document.find("resources/format").get("frameDuration").rstrip("s"))
    assert frame == 1 / batch.rate
    assert fcp_seconds(first.get("duration")) / frame == batch.frames[NAMES[0]]
    assert first.find("rating").get("value") == "favorite"
    assert clips[Path(NAMES[2]).stem].find("rating").get("value") == "reject"
    assert clips[Path(NAMES[1]).stem].find("marker") is None            # a take without notes
    markers = first.findall("marker")
    assert [m.get("value") for m in markers] == [n[0] for n in NOTES]
    assert [(fcp_seconds(m.get("start")) / frame, fcp_seconds(m.get("duration")) / frame) for m in markers] \
        == note_frames(batch.rate)
    assert {m.get("completed") for m in markers} == {"0"}
    keywords = [k.get("value") for k in first.findall("keyword")]
    # The level verdict is the import's: the take's sine plays below the social target.
    assert keywords == [batch.takes[0].model, "Audio keep", "Level off target"]
    metadata = {md.get("key"): md.get("value") for md in first.find("metadata")}
    assert metadata["com.soundon.rating"] == "4"
    media_rep = document.find(f"resources/asset[@id='{first.get('ref')}']/media-rep")
    assert media_rep.get("src") == (batch.folder / NAMES[0]).as_uri()

    # OpenTimelineIO's reader: the project's spine holds the picks in order.
    timeline = otio.adapters.read_from_file(str(path), adapter_name="fcpx_xml")
    if isinstance(timeline, otio.schema.SerializableCollection):
        timeline = next(t for t in timeline.find_children(descended_from_type=otio.schema.Timeline))
    clips = list(timeline.find_clips())
    assert [c.name for c in clips] == [Path(NAMES[0]).stem, Path(NAMES[1]).stem]
    assert [frames(c.source_range.duration, batch.rate) for c in clips] == [batch.frames[NAMES[0]], batch.frames[NAMES[1]]]
    # (the fcpx reader rounds a 1000/1001 rate down to a whole number; its times in seconds stay exact)
    # (it looks for the media on the asset's src, where FCPXML 1.8 had it; 1.10 has it on
    # media-rep, checked above)
    assert [m.name for m in clips[0].markers] == [n[0] for n in NOTES]
    read = [frames(m.marked_range.start_time, batch.rate) for m in clips[0].markers]
    expected = [start for start, _ in note_frames(batch.rate)]
    if batch.rate.denominator == 1:
        assert read == expected
    else:   # its whole-number rate puts a marker up to a frame early at 23.976 and 29.97
        assert all(0 <= e - r <= 1 for r, e in zip(read, expected)), (read, expected)
    assert len(clips[1].markers) == 0


def test_a_note_with_characters_xml_cannot_carry_is_written_without_them(library, media, tmp_path):
    """A note pasted from a model's page with a stray control character: the FCPXML is written,
    valid, with the rest of the note (lxml refused the whole document; ElementTree would have
    written one no NLE can read)."""
    batch = reviewed_batch(library, media, tmp_path)
    first = batch.takes[0]
    library.add_note(first.id, Note("bell\x07 at \x1b[0m the end\ufffe", 0.5, None))
    result = hand_off(library, batch.name, original_media(library, batch.name), tmp_path / "out", ("fcpxml",))
    document = etree.parse(result.files["fcpxml"])
    assert DTD.validate(document), DTD.error_log.filter_from_errors()
    values = [m.get("value") for m in document.find("library/event").find(f"asset-clip[@name='{Path(NAMES[0]).stem}']").findall("marker")]
    assert "bell at [0m the end" in values, values
