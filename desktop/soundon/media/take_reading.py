"""Reading a take for the import in this process, from one opening of the file (PyAV): what it
holds (the same fields ffprobe gives, read by the same `probe.describe`), its poster frame, its
waveform peaks and the loudness measures of its sound, the last two from one decode of the sound.

A take PyAV can't open or describe is handed to ffprobe (`probe.probe`), whose answer and plain
reasons stay the authority on a file that is not usable media; its overview is then made on its
own (media/overview.py), or left out. What the in-process reading can't give is left out too:
colour tags (the import doesn't keep them).
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from soundon.media import priority
from soundon.media.overview import (Overview, OverviewError, audio_peaks, make_overview, poster_frame, poster_time,
                                    write_jpeg)
from soundon.media.probe import MediaInfo, ProbeError, describe, duration_of, probe
from soundon.media.safety import input_options, input_url
from soundon.media.sound_measure import MeasureError, SoundReading


@dataclass
class TakeReading:
    info: MediaInfo
    overview: Overview | None       # None: the overview could not be made (the take stays usable)
    sound: dict | None = None       # the sound's loudness measures (media/sound_measure.py), when measured


def read_for_import(path: str | os.PathLike, thumb_out: Path, peaks_out: Path, *,
                    background: bool = False) -> TakeReading:
    """What the take holds, and its overview when it has a picture. Raises ProbeError when it is
    not usable media (ffprobe's reason)."""
    path = Path(path)
    with priority.lowered(background):
        try:
            with av.open(input_url(path), options=input_options()) as container:
                data = _as_ffprobe_would(container)
                if not container.streams.video:
                    return TakeReading(describe(data), None)
                peaks = poster = measures = None
                sound, picture = _decodable(container.streams.audio), _decodable(container.streams.video)
                if sound is not None:       # first: from the start, before the poster's seek
                    reading = SoundReading(sound)
                    peaks = audio_peaks(container, reading)
                    measures = _measured(reading)
                if picture is not None:
                    poster = poster_frame(container, poster_time(duration_of(data["format"], data["streams"])))
                if poster is not None and poster.rotation:
                    data["streams"][container.streams.video[0].index]["side_data_list"] = [
                        {"rotation": poster.rotation}]
                info = describe(data)
                if not info.has_video:      # its only picture is cover art: not a take
                    return TakeReading(info, None)
                if peaks is not None and info.has_audio:
                    np.save(peaks_out, peaks)
                overview = Overview(write_jpeg(poster, thumb_out) if poster is not None else None,
                                    peaks_out if peaks is not None and info.has_audio else None)
                return TakeReading(info, overview, measures if info.has_audio else None)
        except (av.FFmpegError, OSError, ValueError, ProbeError):
            pass
    info = probe(path, background=background)       # raises ProbeError with ffprobe's reason
    if not info.has_video:
        return TakeReading(info, None)
    try:
        return TakeReading(info, make_overview(path, info, thumb_out, peaks_out, background=background))
    except OverviewError:
        return TakeReading(info, None)


def _measured(reading: SoundReading) -> dict | None:
    """The measures of the sound just decoded; None when it can't be measured (no samples, or more
    channels than the analysis handles: the analysis says why when it runs)."""
    try:
        return reading.finish()
    except MeasureError:
        return None


def _decodable(streams):
    """The first of these streams (the one the overview reads), if this FFmpeg can decode it."""
    return streams[0] if streams and streams[0].codec_context is not None else None


def _as_ffprobe_would(container) -> dict:
    """The fields of ffprobe's `-show_format -show_streams` JSON that `describe` reads."""
    fmt = {"format_name": container.format.name, "tags": dict(container.metadata)}
    if container.duration is not None:
        fmt["duration"] = container.duration / 1_000_000
    if container.bit_rate:
        fmt["bit_rate"] = container.bit_rate
    streams = []
    for stream in container.streams:
        entry = {"index": stream.index, "codec_type": stream.type, "tags": dict(stream.metadata),
                 "disposition": {"default": int(bool(stream.disposition & av.stream.Disposition.default)),
                                 "attached_pic": int(bool(stream.disposition & av.stream.Disposition.attached_pic))}}
        context = stream.codec_context
        if context is not None and context.codec is not None:
            entry["codec_name"] = context.codec.canonical_name
        if stream.duration is not None and stream.time_base:
            entry["duration"] = float(stream.duration * stream.time_base)
        if stream.type == "video":
            entry.update(width=context.width, height=context.height,
                         r_frame_rate=str(stream.base_rate or 0), avg_frame_rate=str(stream.average_rate or 0))
        elif stream.type == "audio":
            entry.update(channels=context.channels, channel_layout=context.layout.name,
                         sample_rate=context.sample_rate)
        streams.append(entry)
    return {"format": fmt, "streams": streams}
