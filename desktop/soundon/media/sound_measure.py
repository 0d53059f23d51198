"""The loudness side of a take's translation report, measured in this process from its decoded
sound: one decode (PyAV, at the take's own rate), the branches the measures need filtered here,
and numpy's running sums over them.

The branches, as channels × samples rows:

    raw         the channels as decoded            → true peak, clipping, silence, correlation
    K-weighted  BS.1770 pre-filter + RLB            → loudness, LRA, short-term max, mono loss
    low-passed  4th order at 250 Hz                 → share of energy below 250 Hz
    phone       the phone profile's response (its mono sum and EQ from the same profile data the
                audio graph plays, without its level-dependent dynamics), K-weighted → phone loss
    (+ the standard stereo downmix, raw and K-weighted, when the take has more than two channels)

The filters are biquads in double precision with their state carried from block to block
(media/dsp/biquads.py), so a take of any length is measured in blocks with flat memory. The same
measures came from an ffmpeg filter graph on a pipe before; in this process they cost about half
of its CPU (no process, no pipe, no second copy of the samples).

`SoundMeasure` is fed blocks by whoever decodes (`measure_file` here, or a reading that decodes the
sound for something else too); `result()` gives the report's loudness fields.

Choices where the design is silent:
- Phone loss is measured through the phone's response (mono sum + EQ) but not its compressor and
  limiter: those depend on playback level, and the figure is meant to show what the speaker removes.
- A mono take reads as dual mono (see loudness.channel_weights); its mono loss is 0 and its
  correlation 1.
- Clipping: four or more equal samples in a row above −0.1 dBFS (a flat top: a clean sine's crest,
  even a 50 Hz one at full scale, never holds that long), or decoded samples beyond full scale (what
  a lossy codec makes of a clipped master: the flat tops come back as overshoots).
- Correlation blocks where both channels are below −70 dBFS are left out (silence has no phase);
  a block with one silent channel counts as 0 (nothing to cancel).
- Digital silence: every sample exactly zero.
- Short takes: a take under 3 s has no loudness range (None) and its short-term maximum is its
  loudness over its whole length.
"""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np

from soundon.core.errors import SoundOnError
from soundon.core.listening import DEFAULT_PROFILE, EqBand, profile_named
from soundon.media import loudness, plot_data, priority
from soundon.media.dsp.biquads import Filter, sections
from soundon.media.dsp.measure import k_weighting_sections
from soundon.media.safety import input_options, input_url

LOW_FREQ_SPLIT_HZ = 250
# The 250 Hz split: a 4th-order Butterworth low-pass as two biquads (the Q of each pole pair).
LOW_SPLIT = (EqBand("lowpass", LOW_FREQ_SPLIT_HZ, q=0.5412), EqBand("lowpass", LOW_FREQ_SPLIT_HZ, q=1.3066))
CLIP_LEVEL = 10 ** (-0.1 / 20)
CLIP_FLAT = 1.5e-5                   # half a 16-bit step: "the same sample value"
CLIP_RUN = 3                         # equal steps in a row, i.e. four equal samples
SILENT_BLOCK_POWER = 1e-7            # −70 dBFS mean square
MONO_LOSS_FLOOR_LU = -60.0           # the fold-down cancels (almost) everything
# What `SoundMeasure.result()` gives: the report's fields from the sound's measures (the analysis
# takes these over from the import's report; tests/unit/test_sound_measure.py holds the two alike).
FIELDS = ("integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs", "momentary_max_lufs", "mono_loss_lu",
          "correlation_p5", "low_freq_share", "phone_loss_lu", "sample_peak_dbfs", "digital_silence",
          "clipped_runs", "overs", "silent_share", "short_term_lufs", "short_term_hop_s", "short_term_first_s")
BLOCK_FRAMES = 1 << 16               # samples measured at a time: numpy's per-call cost stays small
MAX_CHANNELS = 8                     # up to 7.1


class MeasureError(SoundOnError, RuntimeError):
    """The sound could not be measured; the message says why in plain words."""


class MeasureCancelled(SoundOnError, RuntimeError):
    pass


@dataclass
class _Layout:
    """Where each branch sits in the rows the accumulator reads."""

    channels: int
    raw: slice
    k: slice
    low: slice
    phone: int
    stereo_raw: slice | None = None   # downmix, only for more than two channels
    stereo_k: slice | None = None
    total: int = 0


def _layout(channels: int) -> _Layout:
    c = channels
    layout = _Layout(c, slice(0, c), slice(c, 2 * c), slice(2 * c, 3 * c), 3 * c)
    total = 3 * c + 1
    if c > 2:
        layout.stereo_raw, layout.stereo_k = slice(total, total + 2), slice(total + 2, total + 4)
        total += 4
    layout.total = total
    return layout


class SoundMeasure:
    """The loudness measures of one stream, fed its samples block by block at its own rate."""

    def __init__(self, channels: int, rate: int):
        if channels > MAX_CHANNELS:
            raise MeasureError(f"the audio has {channels} channels; the analysis handles up to {MAX_CHANNELS}.")
        self.channels, self.rate = channels, rate
        self.layout = _layout(channels)
        phone = profile_named(DEFAULT_PROFILE)
        assert phone.mono, "the phone branch is one channel: the profile's mono sum"
        k = k_weighting_sections(rate)
        self._k = Filter(k, channels)
        self._low = Filter(sections(LOW_SPLIT, rate), channels)
        # The phone branch is its EQ after the K-weighting of the mono sum: filters that don't
        # change with time can go in either order, and the K-weighted channels are there already.
        self._phone = Filter(sections(phone.eq, rate), 1)
        self._stereo_k = Filter(k, 2) if channels > 2 else None
        self._accumulator = _Accumulator(self.layout, rate, loudness.channel_weights(channels))

    @property
    def frames(self) -> int:
        return self._accumulator.frames

    def feed(self, raw: np.ndarray, stereo: np.ndarray | None = None) -> None:
        """raw: channels × n, the channels as decoded; stereo: 2 × n, their standard downmix (for
        more than two channels; a mono or stereo take is its own)."""
        lay = self.layout
        n = raw.shape[1]
        rows = np.empty((lay.total, n), np.float32)
        rows[lay.raw] = raw
        rows[lay.low] = self._low.filter_rows(np.array(raw, np.float64, order="C"))
        weighted = self._k.filter_rows(np.array(raw, np.float64, order="C"))
        rows[lay.k] = weighted
        if self.channels > 2:
            assert stereo is not None and stereo.shape == (2, n), "more than two channels need their downmix"
            rows[lay.stereo_raw] = stereo
            weighted = self._stereo_k.filter_rows(np.array(stereo, np.float64, order="C"))
            rows[lay.stereo_k] = weighted
        # The phone's mono sum of the stereo (a mono take: its one channel), K-weighted.
        mono = np.array(weighted[0:1]) if self.channels == 1 else (0.5 * weighted[0] + 0.5 * weighted[1])[None, :]
        rows[lay.phone] = self._phone.filter_rows(mono)[0]
        self._accumulator.feed_rows(rows)

    def result(self) -> dict:
        return self._accumulator.result()


def measure_file(path: str | os.PathLike, cancel: threading.Event | None = None, *,
                 background: bool = False) -> dict:
    """The loudness measures of the file's first audio stream, from one decode in this process.
    Raises MeasureError (no audio, or it would not decode) or MeasureCancelled."""
    with priority.lowered(background):
        try:
            with av.open(input_url(path), options=input_options()) as container:
                if not container.streams.audio:
                    raise MeasureError("the file has no audio stream.")
                stream = container.streams.audio[0]
                reading = SoundReading(stream)
                for frame in container.decode(stream):
                    if cancel is not None and cancel.is_set():
                        raise MeasureCancelled()
                    reading.add(frame)
                return reading.finish()
        except (av.FFmpegError, ValueError) as exc:   # ValueError: frames PyAV or numpy could not take apart
            raise MeasureError(f"the audio could not be decoded ({str(exc)[:300]}).") from None


class SoundReading:
    """Decoded frames of one audio stream gathered into blocks of float samples at the stream's own
    rate, for its measures (`measure`, made when the first frame says how many channels and what
    rate it decodes to) and for whoever else reads the sound from the same decode: `on_block` hears
    each block as the listener's channels (a mono or stereo take's own, a wider one's standard
    stereo downmix), as the waveform's peaks want them."""

    def __init__(self, stream, on_block: Callable[[np.ndarray], None] | None = None, *, measured: bool = True):
        """measured=False: the blocks only, for `on_block` (nothing is measured)."""
        self._stream = stream
        self.on_block = on_block
        self._measured = measured
        self._ended = False
        self.measure: SoundMeasure | None = None
        self._channels = 0
        self._to_float = None          # frames that are not float planar (PCM, most codecs but AAC/Opus)
        self._to_stereo = None         # more than two channels: the standard downmix beside them
        self._pending: list[list[np.ndarray]] = []          # per channel, the planes not yet in a block
        self._pending_stereo: list[list[np.ndarray]] = [[], []]
        self._count = 0
        self._problem: str | None = None   # why this stream is not measured (said by finish())

    def add(self, frame) -> None:
        if not self._channels:
            self._start(frame)
        for part in self._converted(self._to_float, frame):
            self._keep(part, self._pending)
            self._count += part.samples
        if self._to_stereo is not None:
            for part in self._converted(self._to_stereo, frame):
                self._keep(part, self._pending_stereo)
        if self._count >= BLOCK_FRAMES:
            self._flush()

    def end(self) -> None:
        """Every frame is in: the last block goes out."""
        if self._ended:
            return
        self._ended = True
        for resampler, pending in ((self._to_float, self._pending), (self._to_stereo, self._pending_stereo)):
            if resampler is not None:
                for part in resampler.resample(None):
                    self._keep(part, pending)
                    if pending is self._pending:
                        self._count += part.samples
        self._flush()

    def finish(self) -> dict:
        """The measures, once every frame is in. Raises MeasureError when there are none."""
        self.end()
        if self._problem is not None:
            raise MeasureError(self._problem)
        if self.measure is None or self.measure.frames == 0:
            raise MeasureError("the audio stream holds no samples.")
        return self.measure.result()

    def _start(self, frame) -> None:
        self._channels = channels = len(frame.layout.channels)
        rate = frame.sample_rate or self._stream.codec_context.sample_rate or 48000
        self._pending = [[] for _ in range(channels)]
        try:
            self.measure = SoundMeasure(channels, rate) if self._measured else None
        except MeasureError as exc:
            self._problem = str(exc)      # the waveform is still read
        if frame.format.name != "fltp":
            self._to_float = av.AudioResampler(format="fltp", layout=frame.layout, rate=rate)
        if channels > 2:
            self._to_stereo = av.AudioResampler(format="fltp", layout="stereo", rate=rate)

    @staticmethod
    def _converted(resampler, frame):
        if resampler is None:
            return [frame]
        frame.pts = None    # the resamplers count samples; a gap in the timestamps is not sound
        return resampler.resample(frame)

    @staticmethod
    def _keep(frame, pending: list[list[np.ndarray]]) -> None:
        """A float planar frame's samples, read from its buffers (no copy until the block is made)."""
        count = frame.samples
        for plane, kept in zip(frame.planes, pending):
            kept.append(np.frombuffer(plane, np.float32, count))

    def _flush(self) -> None:
        if not self._count:
            return
        raw = _joined(self._pending)
        stereo = None
        if self._to_stereo is not None:
            stereo = _joined(self._pending_stereo)
            # The downmix may lag the channels by a few samples (its own resampler's buffer).
            usable = min(raw.shape[1], stereo.shape[1])
            self._pending = [[row[usable:]] for row in raw]
            self._pending_stereo = [[row[usable:]] for row in stereo]
            self._count = raw.shape[1] - usable
            raw, stereo = raw[:, :usable], stereo[:, :usable]
        else:
            self._pending, self._count = [[] for _ in range(self._channels)], 0
        if not raw.shape[1]:
            return
        if self.measure is not None:
            self.measure.feed(raw, stereo)
        if self.on_block is not None:
            self.on_block(raw if stereo is None else stereo)


def _joined(pending: list[list[np.ndarray]]) -> np.ndarray:
    """channels × samples float32 from each channel's pieces."""
    if not pending or not pending[0]:
        return np.zeros((len(pending), 0), np.float32)
    return np.stack([np.concatenate(pieces) for pieces in pending])


class _Accumulator:
    """Everything the report needs, kept as running sums while the blocks come."""

    SERIES = ("loudness", "mono", "phone", "lr", "ll", "rr", "downmix")

    def __init__(self, layout: _Layout, rate: int, weights: np.ndarray):
        self.layout, self.rate, self.weights = layout, rate, weights.astype(np.float32)
        self.blocks = loudness.BlockSums(rate, len(self.SERIES))
        self.true_peak = loudness.TruePeakMeter(layout.channels)
        self.sample_peak = 0.0
        self.energy = 0.0
        self.low_energy = 0.0
        self.overs = 0
        self.clipped_runs = 0
        self._run = np.zeros(layout.channels, dtype=np.int64)
        self._last = np.full(layout.channels, np.nan, np.float32)
        self.frames = 0

    def feed_rows(self, rows: np.ndarray) -> None:
        """rows: layout.total × n float32, each row contiguous. float32 products, float64 sums:
        plenty for loudness (errors far below 0.01 LU), and fast."""
        lay = self.layout
        raw = rows[lay.raw]
        k = rows[lay.k]
        self.frames += rows.shape[1]
        self.true_peak.feed_channels(raw)
        magnitude = np.abs(raw)
        self.sample_peak = max(self.sample_peak, float(magnitude.max()))
        self.overs += int(np.count_nonzero(magnitude > 1.0 + 1e-6))
        self._count_clips(self._flat_tops(raw, magnitude))
        low = rows[lay.low]
        self.energy += float(np.einsum("ij,ij->", raw, raw, dtype=np.float64))
        self.low_energy += float(np.einsum("ij,ij->", low, low, dtype=np.float64))
        series = np.empty((len(self.SERIES), rows.shape[1]), np.float32)
        np.matmul(self.weights, k * k, out=series[0])
        if lay.channels == 1:
            series[1] = series[0]
            left = right = raw[0]
        else:
            stereo_k = rows[lay.stereo_k] if lay.stereo_k else k[:2]
            stereo_raw = rows[lay.stereo_raw] if lay.stereo_raw else raw[:2]
            folded = stereo_k[0] + stereo_k[1]
            np.multiply(folded, folded * 0.5, out=series[1])      # (L+R)/2 on both speakers
            left, right = stereo_raw[0], stereo_raw[1]
        if lay.stereo_k:
            series[6] = stereo_k[0] * stereo_k[0] + stereo_k[1] * stereo_k[1]
        else:
            series[6] = series[0]
        phone = rows[lay.phone]
        np.multiply(phone, phone * 2, out=series[2])
        np.multiply(left, right, out=series[3])
        np.multiply(left, left, out=series[4])
        np.multiply(right, right, out=series[5])
        self.blocks.feed_series(series)

    def _flat_tops(self, raw: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
        """Per sample (channels × frames): it and the one before are the same value near full scale."""
        previous = np.concatenate((self._last[:, None], raw[:, :-1]), axis=1)
        self._last = raw[:, -1].copy()
        return (magnitude >= CLIP_LEVEL) & (np.abs(previous) >= CLIP_LEVEL) & (np.abs(raw - previous) < CLIP_FLAT)

    def _count_clips(self, hot: np.ndarray) -> None:
        """Count runs of CLIP_RUN+ hot samples per channel, carrying a run across blocks."""
        for channel in range(hot.shape[0]):
            column = hot[channel]
            if not column.any():
                self.clipped_runs += int(self._run[channel] >= CLIP_RUN)
                self._run[channel] = 0
                continue
            edges = np.diff(np.concatenate(([0], column.view(np.int8), [0])))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            lengths = ends - starts
            if starts[0] == 0:
                lengths[0] += self._run[channel]
            elif self._run[channel] >= CLIP_RUN:
                self.clipped_runs += 1
            touches_end = ends[-1] == len(column)
            finished = lengths[:-1] if touches_end else lengths
            self.clipped_runs += int(np.count_nonzero(finished >= CLIP_RUN))
            self._run[channel] = lengths[-1] if touches_end else 0

    def result(self) -> dict:
        self.clipped_runs += int(np.count_nonzero(self._run >= CLIP_RUN))
        self._run[:] = 0
        blocks = self.blocks.window_means(loudness.BLOCK_S)
        short = self.blocks.window_means(loudness.SHORT_TERM_S)
        integrated = loudness.gated_loudness(blocks[:, 0]) if len(blocks) else None
        mono = loudness.gated_loudness(blocks[:, 1]) if len(blocks) else None
        downmix = loudness.gated_loudness(blocks[:, 6]) if len(blocks) else None
        phone = loudness.gated_loudness(blocks[:, 2]) if len(blocks) else None
        long_enough = self.frames >= loudness.SHORT_TERM_S * self.rate
        lra = loudness.loudness_range_of(short[:, 0]) if long_enough and len(short) else None
        st_max = float(loudness.to_lufs(short[:, 0].max())) if len(short) and short[:, 0].max() > 0 else None
        momentary_max = float(loudness.to_lufs(blocks[:, 0].max())) if len(blocks) and blocks[:, 0].max() > 0 else None
        true_peak = loudness.db(self.true_peak.best)
        return {
            "integrated_lufs": _round(integrated, 2),
            "true_peak_dbtp": _round(true_peak, 2),
            "lra": _round(lra, 2),
            "short_term_max_lufs": _round(st_max if st_max is None or st_max > loudness.ABSOLUTE_GATE_LUFS else None, 2),
            "momentary_max_lufs": _round(momentary_max if momentary_max is None
                                         or momentary_max > loudness.ABSOLUTE_GATE_LUFS else None, 2),
            "mono_loss_lu": _round(self._difference(mono, downmix), 2),
            "correlation_p5": _round(self._correlation_p5(blocks), 3),
            "low_freq_share": _round(self.low_energy / self.energy if self.energy > 0 else None, 3),
            "phone_loss_lu": _round(self._difference(phone, integrated), 2),
            "sample_peak_dbfs": _round(loudness.db(self.sample_peak), 2),
            "digital_silence": self.sample_peak == 0.0,
            "clipped_runs": self.clipped_runs,
            "overs": self.overs,
            "silent_share": _round(self._silent_share(blocks), 3),
            "short_term_lufs": plot_data.loudness_series(short[:, 0] if len(short) else short, loudness.to_lufs),
            "short_term_hop_s": 0.1,
            "short_term_first_s": round(min(loudness.SHORT_TERM_S, self.frames / self.rate), 3),
        }

    @staticmethod
    def _difference(through: float | None, flat: float | None) -> float | None:
        if flat is None:
            return None
        if through is None:
            return MONO_LOSS_FLOOR_LU
        return max(through - flat, MONO_LOSS_FLOOR_LU)

    def _correlation_p5(self, blocks: np.ndarray) -> float | None:
        if self.layout.channels == 1:
            return 1.0 if len(blocks) else None
        if not len(blocks):
            return None
        lr, ll, rr = blocks[:, 3], blocks[:, 4], blocks[:, 5]
        audible = (ll > SILENT_BLOCK_POWER) | (rr > SILENT_BLOCK_POWER)
        if not audible.any():
            return None
        lr, ll, rr = lr[audible], ll[audible], rr[audible]
        denominator = np.sqrt(ll * rr)
        correlation = np.divide(lr, denominator, out=np.zeros_like(lr), where=denominator > 1e-20)
        return float(np.percentile(np.clip(correlation, -1, 1), 5))

    @staticmethod
    def _silent_share(blocks: np.ndarray) -> float | None:
        if not len(blocks):
            return None
        return float(np.mean(loudness.to_lufs(blocks[:, 0]) <= loudness.ABSOLUTE_GATE_LUFS))


def _round(value, digits):
    return None if value is None else round(float(value), digits)
