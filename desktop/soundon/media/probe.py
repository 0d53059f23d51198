"""What a media file holds, read with ffprobe (through ffmpeg-python's argument conventions)."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import asdict, dataclass
from fractions import Fraction
from pathlib import Path

from ffmpeg._utils import convert_kwargs_to_cmd_line_args

from soundon.core.errors import SoundOnError
from soundon.media import priority, tools
from soundon.media.safety import input_options, input_url

PROBE_TIMEOUT_S = 30


class ProbeError(SoundOnError, RuntimeError):
    """The file is not usable media; the message says why in the editor's words."""


@dataclass
class MediaInfo:
    duration: float = 0.0
    width: int = 0
    height: int = 0
    rotation: int = 0               # degrees, as the player will turn the picture (0, 90, 180, 270)
    display_width: int = 0
    display_height: int = 0
    fps: float = 0.0
    variable_frame_rate: bool = False
    video_codec: str = ""
    audio_codec: str = ""
    has_video: bool = False
    has_audio: bool = False
    audio_channels: int = 0
    channel_layout: str = ""
    sample_rate: int = 0
    bit_rate: int = 0
    creation_time: str = ""
    container: str = ""
    audio_language: str = ""
    color_primaries: str = ""
    color_transfer: str = ""
    color_space: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def run_ffprobe(path: str | os.PathLike, *extra: str, background: bool = False, **options) -> dict:
    """ffprobe's JSON for a file (`background`: at a lower priority). Raises ProbeError with a plain
    reason on failure."""
    p = Path(path)
    if not p.exists():
        raise ProbeError("the file does not exist")
    if p.is_dir():
        raise ProbeError("it is a folder, not a file")
    if p.stat().st_size == 0:
        raise ProbeError("the file is empty (zero bytes)")
    args = [tools.ffprobe().path, "-v", "error", "-of", "json", *extra]
    args += convert_kwargs_to_cmd_line_args({**input_options(), **options})
    args += ["-i", input_url(p)]
    try:
        proc = priority.run(args, background=background, timeout=PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise ProbeError(f"ffprobe gave no answer within {PROBE_TIMEOUT_S} s") from None
    if proc.returncode != 0:
        raise ProbeError(_plain_reason(proc.stderr.decode("utf-8", "replace"), _head(p)))
    try:
        return json.loads(proc.stdout.decode("utf-8", "replace"))
    except json.JSONDecodeError:
        raise ProbeError("ffprobe's answer could not be read") from None


def _head(path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(16)
    except OSError:
        return b""


# First boxes of an ISO media file: a file that starts like this but has no index was cut short.
_ISO_BOXES = (b"ftyp", b"mdat", b"moov", b"wide", b"free", b"skip")


def _plain_reason(stderr: str, head: bytes = b"") -> str:
    text = stderr.lower()
    if "moov atom not found" in text and head[4:8] not in _ISO_BOXES:
        return "not a video or audio file Sound-On can read"
    if "moov atom not found" in text or "truncat" in text or "end of file" in text:
        return "the file is truncated or still being written (no index found)"
    if "invalid data found" in text or "not in allowed format" in text or "no such demuxer" in text:
        return "not a video or audio file Sound-On can read"
    if "permission denied" in text:
        return "permission denied"
    last = stderr.strip().splitlines()[-1:] or ["unknown error"]
    return f"ffprobe could not read it ({last[0].strip()[:200]})"


def _rate(text: str | None) -> float:
    try:
        value = Fraction(text or "0")
    except (ValueError, ZeroDivisionError):
        return 0.0
    return float(value) if value > 0 else 0.0


def _rotation(stream: dict) -> int:
    """Display rotation in degrees (0/90/180/270), as ffprobe reports it (display matrix or tag)."""
    angle = None
    for side in stream.get("side_data_list") or []:
        if "rotation" in side:
            angle = side["rotation"]
    if angle is None:
        angle = (stream.get("tags") or {}).get("rotate")
    try:
        angle = int(round(float(angle or 0)))
    except (TypeError, ValueError):
        angle = 0
    return angle % 360


def main_streams(streams: list[dict]) -> tuple[dict | None, dict | None]:
    """The picture and the sound of a file: its first video stream that is not cover art, and its
    audio track marked default (the one a player plays), or its first audio track when none is
    marked. Either may be None."""
    video = next((s for s in streams if s.get("codec_type") == "video"
                  and not (s.get("disposition") or {}).get("attached_pic")), None)
    audio_tracks = [s for s in streams if s.get("codec_type") == "audio"]
    audio = next((s for s in audio_tracks if (s.get("disposition") or {}).get("default")),
                 audio_tracks[0] if audio_tracks else None)
    return video, audio


def probe(path: str | os.PathLike, *, background: bool = False) -> MediaInfo:
    """Probe a take or a post track. Raises ProbeError when it is not usable media."""
    return describe(run_ffprobe(path, "-show_format", "-show_streams", background=background))


def describe(data: dict) -> MediaInfo:
    """What a file holds, from ffprobe's `-show_format -show_streams` answer (or the same fields
    read in process, media/take_reading.py). Raises ProbeError when it is not usable media."""
    fmt = data.get("format") or {}
    streams = data.get("streams") or []
    video, audio = main_streams(streams)
    if video is None and audio is None:
        raise ProbeError("it has neither a video nor an audio stream")

    info = MediaInfo(container=fmt.get("format_name", ""))
    info.duration = duration_of(fmt, streams)
    info.bit_rate = int(fmt.get("bit_rate") or 0)
    info.creation_time = (fmt.get("tags") or {}).get("creation_time", "")
    if video is not None:
        info.has_video = True
        info.video_codec = video.get("codec_name", "")
        info.width = int(video.get("width") or 0)
        info.height = int(video.get("height") or 0)
        info.rotation = _rotation(video)
        sideways = info.rotation in (90, 270)
        info.display_width, info.display_height = (
            (info.height, info.width) if sideways else (info.width, info.height))
        real, average = _rate(video.get("r_frame_rate")), _rate(video.get("avg_frame_rate"))
        info.fps = round(average or real, 3)
        # ffprobe's r_frame_rate is the lowest common timebase rate; when the average differs by
        # more than a rounding error the frames are not evenly spaced.
        info.variable_frame_rate = bool(real and average and abs(real - average) / real > 0.01)
        info.color_primaries = video.get("color_primaries", "") or ""
        info.color_transfer = video.get("color_transfer", "") or ""
        info.color_space = video.get("color_space", "") or ""
        if info.width <= 0 or info.height <= 0:
            raise ProbeError("its video stream has no picture size (damaged or truncated)")
    if audio is not None:
        info.has_audio = True
        info.audio_codec = audio.get("codec_name", "")
        info.audio_channels = int(audio.get("channels") or 0)
        info.channel_layout = audio.get("channel_layout", "") or ""
        info.sample_rate = int(audio.get("sample_rate") or 0)
        info.audio_language = (audio.get("tags") or {}).get("language", "") or ""
    if info.duration <= 0:
        raise ProbeError("it has no duration (damaged or truncated)")
    return info


def duration_of(fmt: dict, streams: list[dict]) -> float:
    """The file's length: the container's, else its first stream's that has one."""
    for candidate in [fmt.get("duration")] + [s.get("duration") for s in streams]:
        try:
            value = float(candidate)
        except (TypeError, ValueError):
            continue
        if value > 0:
            return round(value, 6)
    return 0.0
