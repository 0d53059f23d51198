"""Which audio goes in which container, and which video can be copied into it.

Sound-On writes the containers where the audio's start is signalled exactly (an edit list that
drops the AAC encoder's priming), so the offset that was verified is the one every player hears:
- mp4 / m4v: AAC 48 kHz, always. PCM in MP4 is refused up front: ffmpeg can't store it there and
  most players and NLEs would not play it if it could (the classic LosslessCut trap).
- mov: 24-bit PCM 48 kHz by default — the file is headed for an NLE, and PCM costs no generation —
  or AAC on request.
- Not mkv or webm: Matroska carries no AAC priming, so AAC there plays about 21 ms late, and WebM's
  Opus pre-skip is read differently by different players. A VP9 or AV1 take goes into .mp4.
- ProRes can't be stored in MP4, and VP9/AV1 not in MOV; DESIGN.md's untouched-video rule means we
  don't transcode them, so the editor is told which container to use.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soundon.media.swap_errors import DestinationError


@dataclass(frozen=True)
class Container:
    name: str                   # what the editor calls it
    muxer: str                  # ffmpeg's -f
    audio_codecs: tuple[str, ...]   # what we allow, first is the default
    faststart: bool
    video_codecs: tuple[str, ...] | None = None    # None: anything ffmpeg can mux
    refused_video: tuple[str, ...] = ()


CONTAINERS: dict[str, Container] = {
    ".mp4": Container("MP4", "mp4", ("aac",), True, refused_video=("prores",)),
    ".m4v": Container("M4V", "mp4", ("aac",), True, refused_video=("prores",)),
    ".mov": Container("QuickTime", "mov", ("pcm", "aac"), True, refused_video=("vp8", "vp9", "av1")),
}

AUDIO_ENCODERS = {"aac": "aac", "pcm": "pcm_s24le"}
LOSSY = {"aac"}


def container_for(path: Path) -> Container:
    try:
        return CONTAINERS[path.suffix.lower()]
    except KeyError:
        raise DestinationError(f"Sound-On writes .mp4, .m4v or .mov files (where the audio's start is exact); "
                               f"{path.name} has another extension.") from None


def audio_codec_for(container: Container, requested: str | None) -> str:
    """'aac' or 'pcm' for this container; a request that can't work is refused."""
    if requested is None:
        return container.audio_codecs[0]
    if requested not in container.audio_codecs:
        if requested == "pcm" and container.muxer == "mp4":
            raise DestinationError("PCM audio can't go in an MP4 file (players and NLEs refuse it). "
                                   "Write a .mov for PCM, or keep AAC for MP4.")
        allowed = " or ".join(c.upper() for c in container.audio_codecs)
        raise DestinationError(f"A {container.name} file takes {allowed} audio, not {requested.upper()}.")
    return requested


def check_video_fits(container: Container, video_codec: str, out: Path) -> None:
    if video_codec in container.refused_video or (
            container.video_codecs is not None and video_codec not in container.video_codecs):
        better = ".mov" if video_codec == "prores" else ".mp4"
        raise DestinationError(f"The take's {video_codec} video can't be copied into a {container.name} file "
                               f"({out.name}); use {better} instead (the video is never re-encoded).")


def suffix_for_video(preferred: str, video_codec: str) -> tuple[str, str | None]:
    """The suffix an export writes for a take, and a note if it had to differ from the preferred one."""
    container = CONTAINERS[preferred]
    if video_codec in container.refused_video:
        fallback = ".mov" if video_codec == "prores" else ".mp4"
        return fallback, f"{video_codec} video can't go in {preferred}; written as {fallback}"
    return preferred, None


def codec_can_be_copied(container: Container, audio_codec: str) -> bool:
    """Whether a take's native audio can go in as it is (no re-encode)."""
    if container.muxer == "mp4":
        return audio_codec in ("aac", "mp3", "ac3", "eac3", "alac")
    return audio_codec in ("aac", "alac") or audio_codec.startswith("pcm_")
