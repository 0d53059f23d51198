"""FCPXML 1.10 (Final Cut Pro 10.6+, DaVinci Resolve): an event holding one asset-clip per take, and,
when the picks share a rate, a project whose spine holds the picks in order.

Written here with the standard library's ElementTree, not with OpenTimelineIO's fcpx adapter: that adapter writes FCPXML 1.8 and
drops ratings, keywords and metadata. Each clip carries:
- `<rating value="favorite|reject">` from the flag (none for an unflagged take);
- a `<keyword>` each for the model, the prompt group, the audio verdict and the translation verdict;
- a to-do `<marker completed="0">` per note, over the note's range;
- the rating (0–5 stars), the prompt and the verdicts as `<metadata>`.
Times are rational seconds of whole frames ("1001/24000s" a frame at 23.976); a clip's local time
starts at its source timecode, so a marker's start is that timecode plus its frames.
The result validates against Apple's FCPXML 1.10 DTD (resources/fcpxml/FCPXMLv1_10.dtd).
"""
from __future__ import annotations

import re
from fractions import Fraction
from xml.etree import ElementTree as etree

from soundon.core.handoff.selects import NothingToHandOff, MixedRates, Selects, SelectClip

VERSION = "1.10"
METADATA_PREFIX = "com.soundon."
RATING_VALUES = {"pick": "favorite", "reject": "reject"}


def fcp_time(frames: int, rate: Fraction) -> str:
    """`frames` frames as FCPXML time: 120 frames at 24000/1001 is "120120/24000s"."""
    if frames == 0:
        return "0s"
    if rate.denominator == 1 and frames % rate.numerator == 0:
        return f"{frames // rate.numerator}s"
    return f"{frames * rate.denominator}/{rate.numerator}s"


def write(selects: Selects, with_project: bool = True) -> tuple[str, str]:
    """The document, and a sentence when the project was left out (no picks, or mixed rates): the
    event is written all the same."""
    root = etree.Element("fcpxml", version=VERSION)
    resources = etree.SubElement(root, "resources")
    formats: dict[tuple, str] = {}
    assets: dict[int, str] = {}
    for clip in selects.clips:
        key = (clip.rate, clip.timing.width, clip.timing.height)
        if key not in formats:
            formats[key] = f"r{len(formats) + 1}"
            etree.SubElement(resources, "format", id=formats[key], frameDuration=fcp_time(1, clip.rate),
                             width=str(clip.timing.width), height=str(clip.timing.height))
    for number, clip in enumerate(selects.clips, start=1):
        assets[clip.take_id] = f"a{number}"
        asset = etree.SubElement(resources, "asset", id=assets[clip.take_id], name=clip.name,
                                 start=fcp_time(clip.timing.start_frame, clip.rate),
                                 duration=fcp_time(clip.frames, clip.rate), hasVideo="1",
                                 format=_format_of(formats, clip), hasAudio="1" if clip.timing.has_audio else "0")
        if clip.timing.has_audio:
            asset.set("audioSources", "1")
            asset.set("audioChannels", str(clip.timing.audio_channels or 2))
            asset.set("audioRate", str(clip.timing.sample_rate or 48000))
        etree.SubElement(asset, "media-rep", kind="original-media", src=clip.uri)
    library = etree.SubElement(root, "library")
    event = etree.SubElement(library, "event", name=selects.batch)
    for clip in selects.clips:
        _asset_clip(event, clip, assets[clip.take_id], _format_of(formats, clip))
    left_out = ""
    if with_project:
        try:
            rate = selects.timeline_rate()
        except (NothingToHandOff, MixedRates) as exc:
            left_out = f"The FCPXML has the event but no project: {exc}"
        else:
            _project(event, selects, rate, assets, formats)
    return _document(root), left_out


# What XML 1.0 can't carry, even escaped: C0 controls but tab, newline and return; lone surrogates;
# U+FFFE and U+FFFF. A prompt pasted from a model's page can hold them; they are dropped, so the
# hand-off is written and its NLE reads it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _document(root) -> str:
    for element in root.iter():
        for key, value in element.attrib.items():
            element.set(key, _NOT_XML.sub("", value))
    etree.indent(root, space="  ")
    return ("<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE fcpxml>\n"
            + etree.tostring(root, encoding="unicode") + "\n")


def _format_of(formats: dict, clip: SelectClip) -> str:
    return formats[(clip.rate, clip.timing.width, clip.timing.height)]


def _asset_clip(parent, clip: SelectClip, ref: str, format_id: str, offset: str | None = None):
    element = etree.SubElement(parent, "asset-clip", ref=ref, name=clip.name)
    if offset is not None:
        element.set("offset", offset)
    element.set("format", format_id)
    element.set("start", fcp_time(clip.timing.start_frame, clip.rate))
    element.set("duration", fcp_time(clip.frames, clip.rate))
    element.set("tcFormat", "NDF")
    # Child order as the DTD wants it: markers, ratings and keywords (any order), then metadata.
    for marker in clip.markers:
        etree.SubElement(element, "marker", start=fcp_time(clip.timing.start_frame + marker.start, clip.rate),
                         duration=fcp_time(marker.duration, clip.rate), value=marker.text,
                         completed="0" if marker.to_do else "1")
    if clip.flag in RATING_VALUES:
        etree.SubElement(element, "rating", value=RATING_VALUES[clip.flag])
    for word in clip.keywords():
        etree.SubElement(element, "keyword", start=fcp_time(clip.timing.start_frame, clip.rate),
                         duration=fcp_time(clip.frames, clip.rate), value=word)
    metadata = etree.SubElement(element, "metadata")
    for key, value, kind, shown in (("rating", str(clip.rating), "integer", "Rating (stars)"),
                                    ("prompt", clip.prompt, "string", "Prompt"),
                                    ("model", clip.model, "string", "Model"),
                                    ("audio-verdict", clip.audio_verdict, "string", "Audio verdict"),
                                    ("translation", clip.translation, "string", "Translation")):
        etree.SubElement(metadata, "md", key=METADATA_PREFIX + key, value=value, type=kind, displayName=shown)
    return element


def _project(event, selects: Selects, rate: Fraction, assets: dict, formats: dict) -> None:
    start = selects.timeline_start(rate)
    total = sum(c.frames for c in selects.picks)
    project = etree.SubElement(event, "project", name=f"{selects.batch} selects")
    sequence = etree.SubElement(project, "sequence", format=_format_of(formats, selects.picks[0]),
                                duration=fcp_time(total, rate), tcStart=fcp_time(start, rate), tcFormat="NDF")
    spine = etree.SubElement(sequence, "spine")
    position = start
    for clip in selects.picks:
        _asset_clip(spine, clip, assets[clip.take_id], _format_of(formats, clip), offset=fcp_time(position, rate))
        position += clip.frames
