"""The picks as an OpenTimelineIO timeline (`.otio`, written by opentimelineio itself): a video track
and, when the picks have sound, an audio track of the same clips. Each clip carries the review data
under metadata["soundon"] (flag, rating, model, prompt, verdicts, keywords, notes) and a marker per
note, in the clip's source time (its first frame is its source timecode)."""
from __future__ import annotations

import opentimelineio as otio

from soundon.core.handoff.selects import SelectClip, Selects

NOTE_COLOR = otio.schema.MarkerColor.YELLOW


def build(selects: Selects) -> otio.schema.Timeline:
    """MixedRates / NothingToHandOff when the picks can't make one timeline."""
    rate = float(selects.timeline_rate())
    timeline = otio.schema.Timeline(name=f"{selects.batch} selects",
                                    global_start_time=otio.opentime.RationalTime(selects.timeline_start(
                                        selects.timeline_rate()), rate))
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(video)
    for clip in selects.picks:
        video.append(_clip(clip))
    if any(c.timing.has_audio for c in selects.picks):
        audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
        timeline.tracks.append(audio)
        for clip in selects.picks:
            audio.append(_clip(clip) if clip.timing.has_audio else otio.schema.Gap(
                source_range=otio.opentime.TimeRange(duration=otio.opentime.RationalTime(clip.frames, rate))))
    return timeline


def write(selects: Selects) -> str:
    return otio.adapters.write_to_string(build(selects), "otio_json")


def _clip(clip: SelectClip) -> otio.schema.Clip:
    rate = float(clip.rate)
    available = otio.opentime.TimeRange(otio.opentime.RationalTime(clip.timing.start_frame, rate),
                                        otio.opentime.RationalTime(clip.frames, rate))
    reference = otio.schema.ExternalReference(target_url=clip.uri, available_range=available)
    item = otio.schema.Clip(name=clip.name, media_reference=reference, source_range=available,
                            metadata={"soundon": clip.review()})
    for marker in clip.markers:
        item.markers.append(otio.schema.Marker(
            name=marker.text, color=NOTE_COLOR, metadata={"soundon": {"to_do": marker.to_do}},
            marked_range=otio.opentime.TimeRange(
                otio.opentime.RationalTime(clip.timing.start_frame + marker.start, rate),
                otio.opentime.RationalTime(marker.duration, rate))))
    return item
