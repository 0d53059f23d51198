"""A take's overview for browsing: a poster-frame thumbnail and waveform peaks, made in this
process from one opening of the file (PyAV): the poster frame decoded from the keyframe before it,
the audio decoded once for the peaks. No process is started per take: at import, a process start
(exec, ~200 shared libraries) cost as much as the decoding itself."""
from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from soundon.core.errors import SoundOnError
from soundon.media import priority
from soundon.media.probe import MediaInfo
from soundon.media.safety import input_options, input_url
from soundon.media.sound_measure import SoundReading

THUMB_WIDTH = 320
THUMB_QUALITY = 4           # JPEG quantiser, as ffmpeg's -q:v (2 best … 31 worst)
PEAKS_PER_SECOND = 100


class OverviewError(SoundOnError, RuntimeError):
    pass


@dataclass
class Overview:
    thumbnail: Path | None
    waveform: Path | None


def poster_time(duration: float) -> float:
    """The poster frame: one second in (AI takes often open on a fade), or the middle of a short take."""
    return min(1.0, duration / 2)


def make_overview(path: str | os.PathLike, info: MediaInfo, thumb_out: Path, peaks_out: Path, *,
                  background: bool = False) -> Overview:
    path = Path(path)
    if not (info.has_video or info.has_audio):
        return Overview(None, None)
    with priority.lowered(background):
        try:
            with av.open(input_url(path), options=input_options()) as container:
                return write_overview(container, info, thumb_out, peaks_out)
        except (av.FFmpegError, OSError, ValueError) as exc:
            raise OverviewError(f"the thumbnail and waveform could not be made ({str(exc)[:200]})") from None


def write_overview(container, info: MediaInfo, thumb_out: Path, peaks_out: Path) -> Overview:
    """The overview from a file just opened. Raises av.FFmpegError, OSError or ValueError."""
    waveform = thumbnail = None
    if info.has_audio and container.streams.audio:     # first: from the start, before any seek
        np.save(peaks_out, audio_peaks(container))
        waveform = peaks_out
    if info.has_video and container.streams.video:
        frame = poster_frame(container, poster_time(info.duration))
        thumbnail = write_jpeg(frame, thumb_out) if frame is not None else None
    return Overview(thumbnail, waveform)


# A frame whose timestamp is this far before the poster's is decoded only when other frames refer to it.
SKIP_BEFORE_S = 0.1


def poster_frame(container, at_s: float):
    """The first frame at or after `at_s` (the last one, if the picture ends before), or None;
    as ffmpeg's `-ss` picks it.

    The frames between the keyframe and the poster that no other frame refers to (most B-frames
    of a model's take) are not decoded: the poster is the same to the pixel, for about a quarter
    less decoding (62 -> 45 ms of CPU for the poster at 1 s of a 720p take from x264's medium
    preset; a take of P-frames only, as the import bench's, costs the same as before)."""
    stream = container.streams.video[0]
    stream.thread_type = "SLICE"     # one frame wanted: frame threads would only decode ahead
    start = float(stream.start_time * stream.time_base) if stream.start_time is not None else 0.0
    target = start + at_s
    if at_s > 0:
        container.seek(int(target / stream.time_base), stream=stream, backward=True)
    context = stream.codec_context
    chosen, skipped = None, False
    for packet in container.demux(stream):
        early = packet.pts is not None and float(packet.pts * stream.time_base) < target - SKIP_BEFORE_S
        context.skip_frame = "NONREF" if early else "DEFAULT"
        skipped = skipped or early
        for frame in packet.decode():
            chosen = frame
            if frame.time is not None and frame.time >= target - 1e-6:
                return frame
    context.skip_frame = "DEFAULT"
    if skipped and chosen is not None:
        # The picture ended before the poster's time: its last frame, which may have been skipped.
        container.seek(int(target / stream.time_base), stream=stream, backward=True)
        for frame in container.decode(stream):
            chosen = frame
    return chosen


def write_jpeg(chosen, out: Path) -> Path:
    """The frame scaled to THUMB_WIDTH wide (even height, aspect kept), as a JPEG."""
    chosen = upright(chosen)
    width = THUMB_WIDTH
    height = max(2, round(chosen.height * width / chosen.width / 2) * 2)
    small = chosen.reformat(width=width, height=height, format="yuvj420p", interpolation="BICUBIC")
    encoder = av.CodecContext.create("mjpeg", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuvj420p"
    encoder.time_base = Fraction(1, 25)
    encoder.qmin = encoder.qmax = THUMB_QUALITY     # one fixed quantiser, as -q:v gives ffmpeg
    small.pts = 0
    data = b"".join(bytes(p) for p in [*encoder.encode(small), *encoder.encode(None)])
    out.write_bytes(data)
    return out


def upright(frame):
    """The frame turned as a player shows it (its display matrix), as ffmpeg turns a picture
    unless told not to (`-autorotate`)."""
    turns = round((frame.rotation or 0) / 90) % 4
    if not turns:
        return frame
    # A display matrix's rotation counts counter-clockwise; np.rot90 turns counter-clockwise too.
    picture = np.ascontiguousarray(np.rot90(frame.to_ndarray(format="rgb24"), turns))
    return av.VideoFrame.from_ndarray(picture, format="rgb24")


def audio_peaks(container, reading: SoundReading | None = None) -> np.ndarray:
    """Peaks of the first audio stream from its start, at its own rate, of the sound as a
    `SoundReading` gathers it: float as decoded (the usual AAC/Opus), other formats made float,
    more than two channels as their standard stereo downmix (as ffmpeg's `-ac 2` would). Read
    before any seek: seeking back to the start of a WebM lands on the picture's first cue and drops
    the audio before it.

    `reading`: one that also measures the sound, from the same decode (the import's); its
    `on_block` becomes the peaks'."""
    stream = container.streams.audio[0]
    rate = stream.codec_context.sample_rate or stream.sample_rate or 48000
    reducer = _PeakReducer(rate)
    reading = reading or SoundReading(stream, measured=False)
    reading.on_block = lambda rows: reducer.add(np.abs(rows).max(axis=0))
    for frame in container.decode(stream):
        reading.add(frame)
    reading.end()
    return reducer.result()


class _PeakReducer:
    """`peaks` of a stream of magnitudes, reduced every few seconds: a long take's audio at its
    own rate is never held whole."""

    KEEP_S = 10

    def __init__(self, rate: int):
        self.rate, self.bucket = rate, max(1, rate // PEAKS_PER_SECOND)
        self.pending: list[np.ndarray] = []
        self.count = 0
        self.done: list[np.ndarray] = []

    def add(self, magnitude: np.ndarray) -> None:
        self.pending.append(magnitude)
        self.count += len(magnitude)
        if self.count >= self.KEEP_S * self.rate:
            data = np.concatenate(self.pending)
            usable = len(data) - len(data) % self.bucket
            self.done.append(peaks(data[:usable, None], self.rate))
            self.pending, self.count = [data[usable:]], len(data) - usable

    def result(self) -> np.ndarray:
        rest = peaks(np.concatenate(self.pending)[:, None], self.rate) if self.count else np.zeros(0, np.float16)
        return np.concatenate([*self.done, rest]) if self.done else rest


def peaks(samples: np.ndarray, rate: int, per_second: int = PEAKS_PER_SECOND) -> np.ndarray:
    """Absolute peak per bucket across channels, 0…1, as float16 (small on disk, plenty for drawing)."""
    if samples.size == 0:
        return np.zeros(0, dtype=np.float16)
    mono_peak = np.abs(samples).max(axis=1)
    bucket = max(1, rate // per_second)
    usable = len(mono_peak) - len(mono_peak) % bucket
    head = mono_peak[:usable].reshape(-1, bucket).max(axis=1) if usable else np.zeros(0, np.float32)
    if usable < len(mono_peak):
        head = np.append(head, mono_peak[usable:].max())
    return np.clip(head, 0.0, 1.0).astype(np.float16)


def load_peaks(path: str | os.PathLike) -> np.ndarray:
    return np.load(path).astype(np.float32)
