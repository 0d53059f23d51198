"""A take's translation report from one decode of its audio.

One ffmpeg process decodes the audio once at its native rate and splits it inside the filter graph
into the branches the measurements need, merged into one multichannel f32 stream on a pipe:

    raw         the channels as decoded            → true peak, clipping, silence, correlation
    K-weighted  BS.1770 pre-filter + RLB            → loudness, LRA, short-term max, mono loss
    low-passed  4th order at 250 Hz                 → share of energy below 250 Hz
    phone       the phone profile's response (its mono sum and EQ from the same profile data the
                audio graph plays, without its level-dependent dynamics), K-weighted → phone loss
    (+ a stereo downmix, raw and K-weighted, when the take has more than two channels)

numpy reads the pipe chunk by chunk and keeps only 100 ms sums and running peaks, so memory stays
flat whatever the take's length.

Two more runs complete the report: the audio decoded to 48 kHz stereo for where the speech is and
how it carries on a phone in noise (media/intelligibility.py, with the spectrum the inspector
draws, media/plot_data.py), and the picture and sound at a low resolution for the A/V sync
estimate (media/av_sync.py).

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
import queue
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

import numpy as np

from soundon.core.errors import SoundOnError
from soundon.core.listening import DEFAULT_PROFILE, profile_named
from soundon.core.targets import DEFAULT_TARGET, DeliveryTarget, target_named
from soundon.core.translation import DEFAULT_ENVIRONMENT, flags_for, summary, verdict
from soundon.media import av_sync, intelligibility, loudness, plot_data, priority, tools
from soundon.media.dsp.decode import decode
from soundon.media.listening import (SINGLE_THREAD, ListeningError, device_response_graph, k_weighting_chain,
                                     source_args)
from soundon.media.probe import MediaInfo, probe

LOW_FREQ_SPLIT_HZ = 250
CLIP_LEVEL = 10 ** (-0.1 / 20)
CLIP_FLAT = 1.5e-5                   # half a 16-bit step: "the same sample value"
CLIP_RUN = 3                         # equal steps in a row, i.e. four equal samples
SILENT_BLOCK_POWER = 1e-7            # −70 dBFS mean square
MONO_LOSS_FLOOR_LU = -60.0           # the fold-down cancels (almost) everything
CHUNK_FRAMES = 1 << 16
TIMEOUT_S = 600


class AnalysisError(SoundOnError, RuntimeError):
    """The audio could not be analysed; the message says why in plain words."""


class AnalysisCancelled(SoundOnError, RuntimeError):
    pass


@dataclass
class _Layout:
    """Where each branch sits in the merged stream."""

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


# Layout names by channel count: every branch is pinned to one before they are merged, because
# amerge drops channels when a branch arrives without a layout.
LAYOUTS = {1: "mono", 2: "stereo", 3: "3.0", 4: "4.0", 5: "5.0", 6: "5.1", 7: "6.1", 8: "7.1"}
MAX_CHANNELS = max(LAYOUTS)


def analysis_graph(channels: int, rate: int) -> tuple[str, _Layout]:
    layout = _layout(channels)
    name = LAYOUTS[channels]
    pin = f"aformat=channel_layouts={name}"
    branches = 4 + (2 if channels > 2 else 0)
    parts = [f"[0:a:0]{pin},aformat=sample_fmts=dblp,asplit={branches}[araw][ak][alow][aph]"
             + ("[asd][asdk]" if channels > 2 else "")]
    parts.append(f"[araw]{pin}[rawo]")
    parts.append(f"[ak]{k_weighting_chain(rate, name)}[ko]")
    parts.append(f"[alow]lowpass=f={LOW_FREQ_SPLIT_HZ}:p=2:t=q:w=0.5412,"
                 f"lowpass=f={LOW_FREQ_SPLIT_HZ}:p=2:t=q:w=1.3066,{pin}[lowo]")
    parts.append(device_response_graph(profile_named(DEFAULT_PROFILE), channels=channels, rate=rate,
                                       source="aph", output="pho"))
    parts.append(f"[pho]{k_weighting_chain(rate, 'mono')}[phk]")
    inputs = "[rawo][ko][lowo][phk]"
    if channels > 2:
        parts.append("[asd]aformat=channel_layouts=stereo[sdr]")
        parts.append(f"[asdk]aformat=channel_layouts=stereo,{k_weighting_chain(rate, 'stereo')}[sdk]")
        inputs += "[sdr][sdk]"
    count = inputs.count("[")
    parts.append(f"{inputs}amerge=inputs={count},aformat=sample_fmts=flt[m]")
    return ";".join(parts), layout


class _Accumulator:
    """Everything the report needs, kept as running sums while the pipe is read."""

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

    def feed(self, data: np.ndarray) -> None:
        # Channel-major copy first: every measure below then runs over contiguous rows.
        # float32 products, float64 sums: plenty for loudness (errors far below 0.01 LU), and fast.
        lay = self.layout
        rows = np.ascontiguousarray(data.T)
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
        self.blocks.feed(series.T)

    def _flat_tops(self, raw: np.ndarray, magnitude: np.ndarray) -> np.ndarray:
        """Per sample (channels × frames): it and the one before are the same value near full scale."""
        previous = np.concatenate((self._last[:, None], raw[:, :-1]), axis=1)
        self._last = raw[:, -1].copy()
        return (magnitude >= CLIP_LEVEL) & (np.abs(previous) >= CLIP_LEVEL) & (np.abs(raw - previous) < CLIP_FLAT)

    def _count_clips(self, hot: np.ndarray) -> None:
        """Count runs of CLIP_RUN+ hot samples per channel, carrying a run across chunks."""
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


def analyze(path: str | os.PathLike, target: str | DeliveryTarget = DEFAULT_TARGET, *,
            info: MediaInfo | None = None, cancel: threading.Event | None = None,
            background: bool = False, volume_db: float = 0.0, environment: str = DEFAULT_ENVIRONMENT) -> dict:
    """The translation report of one file, in `soundon analyze --json`'s shape.

    background=True decodes at a lower priority (the app's job; the CLI waits for its answer).
    volume_db and environment: the phone volume the dialogue's intelligibility is judged at, and
    the noise environment whose rating raises dialogue_lost_in_noise.

    Raises ProbeError (not media), AnalysisError (decoding failed) or AnalysisCancelled.
    """
    started = time.perf_counter()
    target = target if isinstance(target, DeliveryTarget) else target_named(target)
    info = info or probe(path)
    report: dict = {"file": str(path), "target": target.name, "duration": info.duration,
                    "has_audio": info.has_audio}
    if not info.has_audio:
        metrics = {k: None for k in ("integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs",
                                     "mono_loss_lu", "correlation_p5", "low_freq_share", "phone_loss_lu",
                                     "speech_share", "intelligibility")}
        report.update(metrics)
    else:
        channels = max(1, info.audio_channels or 2)
        if channels > MAX_CHANNELS:
            raise AnalysisError(f"the audio has {channels} channels; the analysis handles up to {MAX_CHANNELS}.")
        rate = info.sample_rate or 48000
        report.update(_measure(path, channels, rate, cancel, background))
        report["channels"], report["sample_rate"] = channels, rate
        report.update(_dialogue(path, channels, cancel, background, volume_db, environment))
    report.update(_sync(path, info, cancel, background))
    flags = flags_for(report, target)
    report["flags"] = flags
    report["verdict"] = verdict(flags)
    report["summary"] = summary(flags, target)
    report["analysis_seconds"] = round(time.perf_counter() - started, 3)
    return report


def _dialogue(path, channels: int, cancel: threading.Event | None, background: bool, volume_db: float,
              environment: str) -> dict:
    """Where the speech is and how well it carries on a phone in noise (media/intelligibility.py)."""
    if cancel is not None and cancel.is_set():
        raise AnalysisCancelled()
    try:
        native = decode(path, channels, background=background)
    except ListeningError as exc:
        return {"speech_share": None, "intelligibility": None, "intelligibility_note": str(exc)}
    return {**intelligibility.assess(native, volume_db=volume_db, chosen=environment),
            "spectrum": plot_data.spectrum(native, intelligibility.RATE)}


def _sync(path, info: MediaInfo, cancel: threading.Event | None, background: bool) -> dict:
    """The A/V sync estimate (media/av_sync.py); a take without picture or sound has none."""
    if not (info.has_audio and info.has_video):
        return av_sync.SyncEstimate(None, 0.0, "needs both picture and sound").as_report()
    if cancel is not None and cancel.is_set():
        raise AnalysisCancelled()
    try:
        return av_sync.estimate(path, info.fps, background=background).as_report()
    except (OSError, RuntimeError) as exc:
        # The loudness report stands on its own: a picture that won't decode only loses this line.
        return av_sync.SyncEstimate(None, 0.0, f"the picture could not be read ({exc})").as_report()


def _measure(path, channels: int, rate: int, cancel: threading.Event | None, background: bool) -> dict:
    graph, layout = analysis_graph(channels, rate)
    args = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", *SINGLE_THREAD, *source_args(path),
            "-filter_complex", graph, "-map", "[m]", "-f", "f32le", "-c:a", "pcm_f32le", "pipe:1"]
    accumulator = _Accumulator(layout, rate, loudness.channel_weights(channels))
    frame_bytes = 4 * layout.total
    deadline = time.monotonic() + TIMEOUT_S
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL,
                                **priority.popen_options(background))
        priority.lower(proc, background)
        # A reader thread keeps ffmpeg busy while numpy works on the previous chunk (a pipe holds
        # only 64 KiB: read and compute in turn, they would run one after the other).
        chunks: queue.Queue = queue.Queue(maxsize=4)
        reader = threading.Thread(target=_pump, args=(proc.stdout, CHUNK_FRAMES * frame_bytes, chunks),
                                  name="analysis-reader", daemon=True)
        reader.start()
        try:
            pending = b""
            while True:
                if cancel is not None and cancel.is_set():
                    raise AnalysisCancelled()
                try:
                    chunk = chunks.get(timeout=max(0.0, deadline - time.monotonic()))
                except queue.Empty:
                    raise AnalysisError(f"decoding the audio took longer than {TIMEOUT_S} s.") from None
                if not chunk:
                    break
                pending += chunk
                usable = len(pending) - len(pending) % frame_bytes
                if usable:
                    accumulator.feed(np.frombuffer(pending[:usable], dtype="<f4").reshape(-1, layout.total))
                    pending = pending[usable:]
            code = proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            while reader.is_alive():  # it may be blocked on a full queue: keep emptying it
                _drain(chunks)
                reader.join(timeout=0.05)
            proc.stdout.close()
        if code != 0:
            errors.seek(0)
            lines = errors.read().decode("utf-8", "replace").strip().splitlines()
            reason = lines[-1][:300] if lines else f"ffmpeg exit status {code}"
            raise AnalysisError(f"the audio could not be decoded ({reason}).")
    if accumulator.frames == 0:
        raise AnalysisError("the audio stream holds no samples.")
    return accumulator.result()


def _pump(stream, size: int, chunks: queue.Queue) -> None:
    """Read the pipe into the queue; an empty bytes object marks the end."""
    try:
        while True:
            chunk = stream.read(size)
            chunks.put(chunk)
            if not chunk:
                return
    except (OSError, ValueError):  # the pipe was closed under us (cancel, kill)
        chunks.put(b"")


def _drain(chunks: queue.Queue) -> None:
    """Unblock a reader waiting on a full queue after the consumer stopped."""
    try:
        while True:
            chunks.get_nowait()
    except queue.Empty:
        pass
