"""A file's timing for the NLE hand-off: its exact frame rate, its length in whole frames and the
timecode of its first frame, read with ffprobe."""
from __future__ import annotations

import os

from soundon.core.handoff.rates import RateError, exact_rate, timecode_to_frames
from soundon.core.handoff.selects import MediaTiming
from soundon.media.probe import ProbeError, main_streams, run_ffprobe


def read_timing(path: str | os.PathLike) -> MediaTiming:
    """ProbeError when the file has no picture (the NLE files describe video clips)."""
    data = run_ffprobe(path, "-show_format", "-show_streams")
    streams = data.get("streams") or []
    video, audio = main_streams(streams)
    if video is None:
        raise ProbeError("it has no video stream")
    real, average = _rate(video.get("r_frame_rate")), _rate(video.get("avg_frame_rate"))
    rate = average or real
    if rate is None:
        raise ProbeError("its frame rate can't be read")
    # As media/probe.py: an average away from the stream's base rate means unevenly spaced frames.
    variable = bool(real and average and abs(real - average) / real > 0.01)
    frames = _int(video.get("nb_frames"))
    if not frames:
        duration = _float(video.get("duration")) or _float((data.get("format") or {}).get("duration"))
        frames = round(duration * rate)
    if frames <= 0:
        raise ProbeError("it has no frames (damaged or truncated)")
    return MediaTiming(rate=rate, frames=frames, start_frame=_start_frame(data, streams, rate),
                       variable_rate=variable, width=_int(video.get("width")), height=_int(video.get("height")),
                       has_audio=audio is not None, audio_channels=_int((audio or {}).get("channels")),
                       sample_rate=_int((audio or {}).get("sample_rate")))


def _start_frame(data: dict, streams: list[dict], rate) -> int:
    """The first frame's timecode from a tmcd (timecode) track, else 00:00:00:00."""
    tagged = [s for s in streams if s.get("codec_tag_string") == "tmcd"] + streams + [data.get("format") or {}]
    for item in tagged:
        text = (item.get("tags") or {}).get("timecode")
        if text:
            try:
                return timecode_to_frames(text, rate)
            except RateError:
                continue
    return 0


def _rate(text):
    if not text or text.startswith("0/"):
        return None
    try:
        return exact_rate(text)
    except RateError:
        return None


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0
