"""What becomes of a take's streams besides its main picture and sound.

- Subtitles: mov_text (the text subtitles MP4 and MOV hold) are copied; any other kind can't go in
  an MP4/MOV as it is and is named instead.
- Timecode: the muxer writes a timecode track from the video stream's `timecode` tag, which the
  copy carries over, so a take's tmcd track comes back as it was.
- Everything else (a second audio track, cover art, other data, attachments) is not carried over,
  and each one is named with the reason, so nothing is dropped without a word.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from soundon.media.containers import Container
from soundon.media.streams import MediaStreams, Stream

CARRIED_SUBTITLES = ("mov_text",)


@dataclass
class ExtraStreams:
    subtitles: list[Stream] = field(default_factory=list)       # copied into the output
    not_carried: list[dict] = field(default_factory=list)       # index, type, codec, language, why


def _why(stream: Stream, take: MediaStreams, container: Container) -> str | None:
    """Why the stream can't be carried over, or None when it is."""
    if stream.kind == "subtitle":
        if stream.codec in CARRIED_SUBTITLES:
            return None
        return (f"{stream.codec} subtitles can't go in {container.name} files "
                "(only mov_text text subtitles can)")
    if stream.kind == "data" and stream.codec_tag == "tmcd":
        if take.video is not None and take.video.tags.get("timecode"):
            return None
        return "a timecode track without a start timecode to write it again from"
    if stream.kind == "audio":
        return "only the take's main audio track (the one marked default) is delivered"
    if stream.kind == "video":
        if (stream.raw.get("disposition") or {}).get("attached_pic"):
            return "cover art is not carried over"
        return "only the take's first video stream is delivered"
    if stream.kind == "attachment":
        return f"attachments can't go in {container.name} files"
    return f"a {stream.kind or 'unknown'} track Sound-On can't copy into {container.name} files"


def plan_extra_streams(take: MediaStreams, container: Container) -> ExtraStreams:
    plan = ExtraStreams()
    for stream in take.others:
        why = _why(stream, take, container)
        if why is None:
            if stream.kind == "subtitle":
                plan.subtitles.append(stream)
            continue
        plan.not_carried.append({"index": stream.index, "type": stream.kind or "unknown",
                                 "codec": stream.codec or stream.codec_tag, "language": stream.language,
                                 "why": why})
    return plan


def describe(entry: dict) -> str:
    """One line for the editor: 'stream 3 (subtitle subrip, eng): why'."""
    what = ", ".join(p for p in (f"{entry['type']} {entry['codec']}".strip(), entry.get("language")) if p)
    return f"stream {entry['index']} ({what}): {entry['why']}"
