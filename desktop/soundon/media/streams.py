"""What a swap needs to know about a take and a post track, from one ffprobe call per file.

probe.probe() answers the library's questions (size, rate, codecs); a swap needs a little more —
the video stream's own start and length, its codec tag, the metadata to carry over — and needs it
fast, so this reads the same ffprobe JSON once and keeps those details. The streams besides the
main picture and sound (`others`: more audio tracks, subtitles, timecode, data) are kept too, so
the swap can carry over what the container holds and name what it can't.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from soundon.media.probe import ProbeError, main_streams, run_ffprobe
from soundon.media.swap_errors import SourceError


def _float(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number


def _rate(text) -> float:
    try:
        num, _, den = str(text or "0").partition("/")
        return float(num) / float(den or 1) if float(den or 1) else 0.0
    except ValueError:
        return 0.0


def _tag_duration(tags: dict) -> float | None:
    """Matroska keeps a stream's length in a DURATION tag ('00:00:02.000000000')."""
    text = tags.get("DURATION") or tags.get("duration")
    if not text or ":" not in str(text):
        return None
    try:
        h, m, s = str(text).split(":")
        return int(h) * 3600 + int(m) * 60 + float(s)
    except ValueError:
        return None


@dataclass
class Stream:
    index: int
    codec: str
    codec_tag: str = ""
    start: float = 0.0
    duration: float | None = None
    channels: int = 0
    channel_layout: str = ""
    sample_rate: int = 0
    language: str = ""
    frames: int = 0                 # packets, where the container says (mp4/mov do)
    fps: float = 0.0
    tags: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    kind: str = ""                  # ffprobe's codec_type: video, audio, subtitle, data, attachment


@dataclass
class MediaStreams:
    path: Path
    container: str
    start: float
    duration: float | None
    size: int
    tags: dict
    video: Stream | None
    audio: Stream | None
    others: list[Stream] = field(default_factory=list)

    @property
    def creation_time(self) -> str:
        return self.tags.get("creation_time", "") or (self.video.tags.get("creation_time", "") if self.video else "")

    @property
    def video_duration(self) -> float:
        """The video stream's length as a player shows it (falls back to the file's length)."""
        for value in (self.video.duration if self.video else None, self.duration):
            if value and value > 0:
                return value
        return 0.0

    @property
    def audio_duration(self) -> float:
        for value in (self.audio.duration if self.audio else None, self.duration):
            if value and value > 0:
                return value
        return 0.0

    @property
    def video_start_in_output(self) -> float:
        """Where the video starts once ffmpeg has shifted the file to start at zero."""
        if not self.video:
            return 0.0
        return max(0.0, self.video.start - self.start)


def _stream(s: dict) -> Stream:
    tags = s.get("tags") or {}
    duration = _float(s.get("duration"))
    start = _float(s.get("start_time")) or 0.0
    if not duration or duration <= 0:
        # Matroska's DURATION tag is where the stream ends, counted from zero, not its length.
        end = _tag_duration(tags)
        duration = (end - max(0.0, start)) if end else None
    return Stream(
        index=int(s.get("index", 0)),
        codec=s.get("codec_name", "") or "",
        codec_tag=s.get("codec_tag_string", "") or "",
        start=start,
        duration=duration,
        channels=int(s.get("channels") or 0),
        channel_layout=s.get("channel_layout", "") or "",
        sample_rate=int(s.get("sample_rate") or 0),
        language=(tags.get("language") or "") if tags.get("language") not in (None, "und") else "",
        frames=int(s.get("nb_frames") or 0) if str(s.get("nb_frames") or "").isdigit() else 0,
        fps=_rate(s.get("avg_frame_rate")) or _rate(s.get("r_frame_rate")),
        tags=tags,
        raw=s,
        kind=s.get("codec_type", "") or "",
    )


def read_streams(path: str | os.PathLike, role: str) -> MediaStreams:
    """Streams of a take (role 'take') or a post track (role 'post track'). Raises SourceError."""
    p = Path(path)
    try:
        data = run_ffprobe(p, "-show_format", "-show_streams")
    except ProbeError as exc:
        raise SourceError(f"The {role} {p} can't be used: {exc}.") from None
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    video, audio = main_streams(streams)
    if video is None and audio is None:
        raise SourceError(f"The {role} {p} can't be used: it holds neither video nor audio.")
    return MediaStreams(
        path=p, container=fmt.get("format_name", "") or "", start=_float(fmt.get("start_time")) or 0.0,
        duration=_float(fmt.get("duration")), size=int(fmt.get("size") or p.stat().st_size),
        tags=fmt.get("tags") or {}, video=_stream(video) if video else None, audio=_stream(audio) if audio else None,
        others=[_stream(s) for s in streams if s is not video and s is not audio])


def read_take(path: str | os.PathLike) -> MediaStreams:
    take = read_streams(path, "take")
    if take.video is None:
        raise SourceError(f"{take.path} has no video stream; a swap needs a video take "
                          "(an audio file can only be the post track).")
    if take.video_duration <= 0:
        raise SourceError(f"{take.path} has no readable length (damaged or still being written).")
    return take


def read_post_track(path: str | os.PathLike) -> MediaStreams:
    track = read_streams(path, "post track")
    if track.audio is None:
        raise SourceError(f"The post track {track.path} has no audio stream; choose a file with sound.")
    if track.audio_duration <= 0:
        raise SourceError(f"The post track {track.path} has no readable length (damaged or truncated).")
    return track
