"""The post track's filter graph: resample, channel mapping, offset, fit, fades, bed and level.

Everything is one ffmpeg filter chain on the track's input, so conform and remux run as a single
ffmpeg process with the video stream copied (the speed budget in DESIGN.md allows no second pass
over the video). pydub would be the clearest tool for a lone fade or gain, but it decodes the
whole track into Python and needs an extra encode; here every edit has an ffmpeg filter that
counts in samples, which is also what makes the offset exact.

Channel mapping (the post track decides the delivery layout):
- mono becomes dual-mono stereo at full level in both channels (`pan`, not an up-mix that would
  lower it by 3 dB);
- stereo stays stereo; 5.1 (either flavour) stays 5.1;
- any other layout is folded down to stereo by ffmpeg's standard down-mix matrix.
The bed (the take's native audio) is mapped to the same layout with the standard matrix.

Resampling uses soxr (ffmpeg's high-quality resampler); the output rate is always 48 kHz.
The limiter runs at 192 kHz so it sees the peaks between samples (true peak), with its look-ahead
delay compensated (`latency=1`), so it never moves the audio in time.
"""
from __future__ import annotations

from dataclasses import dataclass

import ffmpeg

from soundon.core.swap_timing import Timing

LIMITER_RATE = 192000


@dataclass(frozen=True)
class Layout:
    name: str               # ffmpeg channel layout name
    channels: int
    from_mono: bool = False

    def describe(self) -> str:
        return {"stereo": "stereo", "5.1": "5.1", "5.1(side)": "5.1"}.get(self.name, self.name) + (
            " (from mono)" if self.from_mono else "")


def output_layout(channels: int, layout: str) -> Layout:
    if channels == 1:
        return Layout("stereo", 2, from_mono=True)
    if channels == 6 and layout in ("5.1", "5.1(side)"):
        return Layout(layout, 6)
    return Layout("stereo", 2)


def _resampled(stream, layout: Layout, source_channels: int, *, keep_timing: bool):
    if keep_timing:
        # Native audio: keep its place against the video (fill a late start with silence).
        stream = stream.filter("aresample", 48000, resampler="soxr", first_pts=0, **{"async": 1})
    else:
        stream = stream.filter("aresample", 48000, resampler="soxr")
    if source_channels == 1 and layout.channels == 2:
        # pan, not channelmap: channelmap lets both output channels share one buffer, and a later
        # in-place filter (volume) would then apply its gain twice. '<' (renormalised, here x1)
        # instead of '=' keeps the argument free of characters ffmpeg-python would escape.
        stream = stream.filter("pan", "stereo|c0<c0|c1<c0")
    return stream.filter("aformat", sample_fmts="fltp", channel_layouts=layout.name)


def _to_length(stream, samples: int):
    return stream.filter("apad", whole_len=samples).filter("atrim", end_sample=samples)


def conform(track, timing: Timing, layout: Layout, track_channels: int, *, native_track: bool = False,
            video_start_samples: int = 0, bed=None, bed_channels: int = 0, bed_db: float | None = None):
    """The conformed audio, before level: exactly timing.out_samples long, starting at 0.

    track / bed are ffmpeg-python audio streams. native_track means the "track" is the take's own
    audio (re-encoding a keep take), which keeps its place against the video instead of counting
    from its first sample."""
    a = _resampled(track, layout, track_channels, keep_timing=native_track)
    if native_track and video_start_samples:
        a = a.filter("atrim", start_sample=video_start_samples)
    a = a.filter("asetpts", "N/SR/TB")
    if timing.loop:
        # aloop keeps what it has read and repeats it once the track ends; the margin covers a
        # container that under-reports the track's length.
        a = a.filter("aloop", loop=-1, size=timing.track_samples + timing.rate)
    if timing.skip:
        a = a.filter("atrim", start_sample=timing.skip).filter("asetpts", "N/SR/TB")
    if timing.delay:
        a = a.filter("adelay", delays=f"{timing.delay}S", all=1)
    a = _to_length(a, timing.out_samples)
    if timing.fade_in:
        a = a.filter("afade", type="in", start_sample=timing.fade_in.start, nb_samples=timing.fade_in.length)
    if timing.fade_out:
        a = a.filter("afade", type="out", start_sample=timing.fade_out.start, nb_samples=timing.fade_out.length)
    if bed is not None and bed_db is not None:
        b = _resampled(bed, layout, bed_channels, keep_timing=True)
        if video_start_samples:
            b = b.filter("atrim", start_sample=video_start_samples)
        b = _to_length(b.filter("asetpts", "N/SR/TB"), timing.out_samples).filter("volume", f"{bed_db}dB")
        a = ffmpeg.filter([a, b], "amix", inputs=2, normalize=0, duration="first", dropout_transition=0)
    return a


def apply_level(stream, gain_db: float, limiter_dbtp: float | None):
    if gain_db:
        stream = stream.filter("volume", f"{gain_db:.3f}dB")
    if limiter_dbtp is not None:
        limit = 10 ** (limiter_dbtp / 20)
        stream = (stream.filter("aresample", LIMITER_RATE, resampler="soxr")
                  .filter("alimiter", limit=f"{limit:.6f}", level=0, latency=1, attack=5, release=50)
                  .filter("aresample", 48000, resampler="soxr"))
    return stream


def at_video_start(stream, video_start_s: float):
    """Timestamps counted in samples (whatever the track's container said), starting where the
    video starts in ffmpeg's timeline (almost always 0)."""
    if video_start_s > 0:
        return stream.filter("asetpts", f"N/SR/TB+{video_start_s:.6f}/TB")
    return stream.filter("asetpts", "N/SR/TB")


def measured(stream):
    """Append the EBU R128 meter (true peak on); its summary goes to stderr at the end."""
    return stream.filter("ebur128", peak="true")
