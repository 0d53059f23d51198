"""Checking a written file before it takes its final name.

1. Video untouched: every video packet of the output has the same size and CRC-32 as the source's,
   in the same order and at the same time (±1 ms from the first frame, which allows a timebase
   change and nothing more). CRC-32 catches every change of up to four bytes in a row and all but
   one in four billion of any others, and packets are also compared by size. The source's packets
   are read and hashed in this process while ffmpeg writes (`read_source`, on the second core),
   so the source is read once and the writing run does no hashing.
2. Lengths: the output's audio, decoded the way a player decodes it (AAC priming dropped through
   the edit list), starts where the video starts and ends within one audio frame of the video's
   end. Where the video "starts" is its first shown frame, as the demuxer reports it: a take cut
   with `-ss … -c copy` begins at the keyframe before the cut, and its edit list hides the frames
   up to the cut point (they are copied, decoded as references, never shown).
3. The offset holds: a few seconds of the decoded output are cross-correlated with the post track
   at the place the spec puts it; the best match must sit within 1 ms of that place. A stretch
   with nothing to correlate (silence, or a pure tone, whose periods all match) is reported as
   not measurable rather than passed or failed.

The output is read once, in this process (PyAV): video packets hashed, audio decoded for its span
and the correlation window. What it is compared with — the source's packets and the post track's
window (a small ffmpeg run) — was read while the output was being written.
"""
from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import av
import ffmpeg
import numpy as np

from soundon.media import tools
from soundon.media.ffrun import CancelToken, run_ffmpeg
from soundon.media.remux import RemuxPlan
from soundon.media.safety import input_options, input_url
from soundon.media.swap_errors import SourceError

TIMING_TOLERANCE_S = 0.001
OFFSET_TOLERANCE_S = 0.001
FRAME_SAMPLES = {"aac": 1024, "pcm": 1024}
WINDOW_S = 5.0          # how much of the output is correlated with the post track
SEARCH_S = 0.25         # how far either side of the expected place the match is looked for
EDGE_S = 0.05           # keep clear of fades
MIN_WINDOW_S = 0.25
MIN_CORRELATION = 0.3
SILENT_RMS = 1e-4       # -80 dBFS


@dataclass
class Packet:
    time_s: float | None
    size: int
    digest: str
    end_s: float | None = None


@dataclass
class Verification:
    ok: bool = True
    video_packets: int = 0
    video_identical: bool = False
    video_timing_identical: bool = False
    audio_packets_identical: bool | None = None     # native audio copied
    video_start_s: float = 0.0
    video_end_s: float = 0.0
    audio_start_s: float | None = None
    audio_end_s: float | None = None
    length_difference_ms: float | None = None
    length_tolerance_ms: float | None = None
    offset: dict | None = None
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.ok = False
        self.problems.append(problem)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "video_packets": self.video_packets, "video_identical": self.video_identical,
            "video_timing_identical": self.video_timing_identical,
            "audio_packets_identical": self.audio_packets_identical,
            "video_start_s": round(self.video_start_s, 6), "video_end_s": round(self.video_end_s, 6),
            "audio_start_s": None if self.audio_start_s is None else round(self.audio_start_s, 6),
            "audio_end_s": None if self.audio_end_s is None else round(self.audio_end_s, 6),
            "length_difference_ms": None if self.length_difference_ms is None else round(self.length_difference_ms, 3),
            "length_tolerance_ms": self.length_tolerance_ms, "offset": self.offset, "problems": self.problems,
        }

    def summary(self) -> str:
        parts = [f"{self.video_packets} video packets identical" if self.video_identical
                 else "video packets differ"]
        if self.length_difference_ms is not None:
            parts.append(f"audio ends {self.length_difference_ms:+.1f} ms from the video's end")
        if self.offset and self.offset.get("measured_s") is not None:
            parts.append(f"offset measured {self.offset['measured_s']:+.3f} s")
        elif self.offset:
            parts.append(f"offset not measurable ({self.offset.get('reason')})")
        return ", ".join(parts)


# -- packets ------------------------------------------------------------------------------------

def _packet(packet) -> Packet:
    tb = packet.time_base
    time_s = None if packet.pts is None else float(packet.pts * tb)
    end_s = None if packet.pts is None else float((packet.pts + (packet.duration or 0)) * tb)
    return Packet(time_s, packet.size, f"{zlib.crc32(packet):08x}", end_s)


def source_packets(plan: RemuxPlan, cancel: CancelToken | None = None) -> dict[int, list[Packet]]:
    """The source's video packets (and its native audio's, when those are copied) by stream index,
    hashed as they are read."""
    wanted = [plan.take.video.index] + ([plan.take.audio.index] if plan.route == "native-copy" else [])
    packets: dict[int, list[Packet]] = {index: [] for index in wanted}
    try:
        with av.open(input_url(plan.take.path), options=input_options()) as container:
            for packet in container.demux([container.streams[i] for i in wanted]):
                if cancel is not None and cancel.cancelled:
                    break
                if packet.size:
                    packets[packet.stream.index].append(_packet(packet))
    except (av.FFmpegError, OSError) as exc:
        raise SourceError(f"The take {plan.take.path} could not be read for the check ({exc}).") from None
    return packets


def compare_packets(source: list[Packet], output: list[Packet]) -> tuple[bool, bool, str]:
    """(data identical, timing identical, a sentence about the first difference). Timing is
    compared from each file's first frame: the new file may start its timeline at that frame."""
    if len(source) != len(output):
        return False, False, f"the output has {len(output)} video packets, the source {len(source)}"
    timing = True
    zero_a, zero_b = _span(source)[0], _span(output)[0]
    for number, (a, b) in enumerate(zip(source, output)):
        if (a.size, a.digest) != (b.size, b.digest):
            return False, False, f"video packet {number} differs from the source's"
        if a.time_s is not None and b.time_s is not None and \
                abs((a.time_s - zero_a) - (b.time_s - zero_b)) > TIMING_TOLERANCE_S:
            timing = False
    return True, timing, "" if timing else "video packets are identical but their timing moved"


def _span(packets: list[Packet]) -> tuple[float, float]:
    times = [p.time_s for p in packets if p.time_s is not None]
    ends = [p.end_s for p in packets if p.end_s is not None]
    return (min(times) if times else 0.0), (max(ends) if ends else 0.0)


def shown_video_span(stream, packets: list[Packet]) -> tuple[float, float]:
    """Where the output's picture starts and ends as a player shows it. The packets alone can't
    say: frames an edit list hides still have their packets (and timestamps before the shown
    start). The demuxer's stream start and length honour the edit list; the packets' span is the
    fallback when it reports none."""
    start, end = _span(packets)
    if stream.start_time is None:
        return start, end
    shown_start = float(stream.start_time * stream.time_base)
    length = float(stream.duration * stream.time_base) if stream.duration else 0.0
    return shown_start, (shown_start + length if length else end)


def packets_identical(original: list[Packet], written: list[Packet]) -> bool:
    return [(p.size, p.digest) for p in original] == [(p.size, p.digest) for p in written]


def packets_kept(original: list[Packet], written: list[Packet]) -> bool:
    """The written packets are a contiguous run of the original ones (same size and hash)."""
    source = [(p.size, p.digest) for p in original]
    output = [(p.size, p.digest) for p in written]
    if not output or len(output) > len(source):
        return False
    return any(source[start:start + len(output)] == output for start in range(len(source) - len(output) + 1))


# -- the offset ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    out_start: int          # first output sample correlated
    length: int
    ref_start: int          # post-track sample (48 kHz) expected at out_start
    search: int


def offset_window(plan: RemuxPlan) -> Window | None:
    t = plan.timing
    if plan.route != "post" or t is None:
        return None
    edge = round(EDGE_S * t.rate)
    lo = t.delay + (t.fade_in.length if t.fade_in else 0) + edge
    hi = min(t.track_end, t.audible_end - (t.fade_out.length if t.fade_out else 0)) - edge
    length = min(hi - lo, round(WINDOW_S * t.rate))
    if length < round(MIN_WINDOW_S * t.rate):
        return None
    return Window(lo, length, lo - t.delay + t.skip, round(SEARCH_S * t.rate))


def measure_lag(output: np.ndarray, reference: np.ndarray, search: int) -> tuple[int, float, bool]:
    """Lag (samples) at which `output` best matches `reference` (which has `search` extra samples
    on either side), its normalised correlation, and whether that match is unambiguous."""
    n = len(output)
    size = 1 << int(np.ceil(np.log2(len(reference) + n)))
    spectrum = np.fft.rfft(reference, size) * np.conj(np.fft.rfft(output, size))
    raw = np.fft.irfft(spectrum, size)[: 2 * search + 1]
    energy = np.concatenate(([0.0], np.cumsum(reference.astype(np.float64) ** 2)))
    window_energy = energy[n: n + 2 * search + 1] - energy[: 2 * search + 1]
    # A stretch of the reference that is nearly silent must not win by dividing by almost nothing.
    floor = max(1e-20, 0.01 * float(window_energy.max()))
    norm = np.sqrt(np.maximum(window_energy, floor) * float(np.dot(output, output)))
    rho = raw / norm
    best = int(np.argmax(rho))
    peak = float(rho[best])
    guard = 96   # 2 ms either side of the best match belongs to the same peak
    others = np.concatenate((rho[: max(0, best - guard)], rho[best + guard + 1:]))
    unambiguous = others.size == 0 or float(others.max()) < 0.95 * peak
    return best - search, peak, unambiguous


def _decode_window(args: list[str], cancel: CancelToken | None, samples: int) -> np.ndarray:
    data = run_ffmpeg(args, capture_stdout=True, cancel=cancel, what="Reading audio back for the check").stdout
    audio = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
    if len(audio) < samples:
        audio = np.concatenate((audio, np.zeros(samples - len(audio), dtype="<f4")))
    return audio[:samples]


def _reference(plan: RemuxPlan, window: Window, cancel: CancelToken | None) -> np.ndarray:
    start = window.ref_start - window.search
    lead = max(0, -start)
    count = window.length + 2 * window.search
    stream = (ffmpeg.input(input_url(plan.track.path), **input_options())[str(plan.track.audio.index)]
              .filter("aresample", 48000, resampler="soxr").filter("asetpts", "N/SR/TB"))
    if plan.timing.loop:
        stream = stream.filter("aloop", loop=-1, size=plan.timing.track_samples + plan.timing.rate)
    stream = (stream.filter("atrim", start_sample=max(0, start), end_sample=start + count)
              .filter("aformat", sample_fmts="flt", channel_layouts="mono"))
    args = ffmpeg.output(stream, "pipe:1", f="f32le").compile(cmd=tools.ffmpeg().path)
    args[1:1] = ["-hide_banner", "-nostdin", "-loglevel", "error"]
    audio = _decode_window(args, cancel, count - lead)
    return np.concatenate((np.zeros(lead, dtype="<f4"), audio))


def _judge_offset(plan: RemuxPlan, window: Window, output: np.ndarray, reference: np.ndarray) -> dict:
    rate = plan.timing.rate
    expected = plan.timing.offset_samples / rate
    result = {"expected_s": round(expected, 6), "measured_s": None, "error_ms": None, "correlation": None,
              "ok": None, "reason": "", "window_s": [round(window.out_start / rate, 3),
                                                     round((window.out_start + window.length) / rate, 3)]}
    core = reference[window.search: window.search + window.length]
    if np.sqrt(np.mean(output ** 2)) < SILENT_RMS or np.sqrt(np.mean(core ** 2)) < SILENT_RMS:
        result["reason"] = "the post track is silent there"
        return result
    lag, peak, unambiguous = measure_lag(output, reference, window.search)
    result["correlation"] = round(peak, 3)
    if peak < MIN_CORRELATION:
        if plan.bed_db is not None:
            result["reason"] = "the native bed covers the post track there"
            return result
        result["ok"] = False
        result["reason"] = "the post track was not found near its place in the output"
        return result
    if not unambiguous:
        result["reason"] = "the post track repeats itself there (a steady tone), so any period matches"
        return result
    measured = expected - lag / rate
    result.update(measured_s=round(measured, 6), error_ms=round((measured - expected) * 1000, 3),
                  ok=abs(measured - expected) <= OFFSET_TOLERANCE_S)
    return result


# -- the check --------------------------------------------------------------------------------------

@dataclass
class _Read:
    """What one read of the output gives the check."""
    video: list[Packet] = field(default_factory=list)
    audio: list[Packet] = field(default_factory=list)       # decoded frames (or copied packets)
    shown: tuple[float, float] = (0.0, 0.0)
    window: np.ndarray | None = None


def read_output(plan: RemuxPlan, output: Path, window: Window | None, cancel: CancelToken | None) -> _Read:
    read = _Read()
    with av.open(input_url(output), options=input_options()) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if plan.route != "none" and container.streams.audio else None
        # Decoded (not copied) for a swap: the length a player plays, priming removed.
        decode = audio is not None and plan.route != "native-copy"
        mono = av.AudioResampler(format="flt", layout="mono") if window is not None else None
        chunks: list[np.ndarray] = []
        decoded = 0
        wanted = window.out_start + window.length if window is not None else 0
        for packet in container.demux([s for s in (video, audio) if s is not None]):
            if cancel is not None and cancel.cancelled:
                break
            if packet.stream is video:
                if packet.size:
                    read.video.append(_packet(packet))
                continue
            if not decode:
                if packet.size:
                    read.audio.append(_packet(packet))
                continue
            for frame in packet.decode():
                seconds = frame.samples / frame.sample_rate
                begin = float(frame.pts * frame.time_base) if frame.pts is not None else None
                read.audio.append(Packet(begin, frame.samples, "", None if begin is None else begin + seconds))
                if mono is not None and decoded < wanted:
                    for part in mono.resample(frame):
                        chunks.append(part.to_ndarray().reshape(-1))
                decoded += frame.samples
        read.shown = shown_video_span(video, read.video)
    if window is not None:
        samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
        samples = samples[window.out_start: window.out_start + window.length]
        if len(samples) < window.length:
            samples = np.concatenate((samples, np.zeros(window.length - len(samples), dtype=np.float32)))
        read.window = samples
    return read


@dataclass
class SourceReading:
    """What the output is compared with."""
    packets: dict[int, list[Packet]]
    reference: np.ndarray | None        # the post track around where the check correlates


def read_source(plan: RemuxPlan, cancel: CancelToken | None = None) -> SourceReading:
    """The source's packets, hashed here, and the post track's window, decoded by ffmpeg at the
    same time."""
    window = offset_window(plan)
    with ThreadPoolExecutor(max_workers=1) as pool:
        reference = pool.submit(_reference, plan, window, cancel) if window is not None else None
        packets = source_packets(plan, cancel)
        return SourceReading(packets, reference.result() if reference is not None else None)


def verify_output(plan: RemuxPlan, output: Path, source: SourceReading,
                  cancel: CancelToken | None = None) -> Verification:
    """Check `output` against the plan and what `read_source` read."""
    result = Verification()
    window = offset_window(plan)
    try:
        read = read_output(plan, output, window, cancel)
    except (av.FFmpegError, OSError, IndexError) as exc:
        result.fail(f"the written file can't be read back ({exc})")
        return result
    if cancel is not None:
        cancel.check()

    same, timing, why = compare_packets(source.packets.get(plan.take.video.index, []), read.video)
    result.video_packets = len(read.video)
    result.video_identical, result.video_timing_identical = same, timing
    if not (same and timing):
        result.fail(why)
    result.video_start_s, result.video_end_s = read.shown

    if plan.route != "none":
        audio = read.audio
        if not audio:
            result.fail("the output has no audio packets")
            return result
        result.audio_start_s, result.audio_end_s = _span(audio)
        if plan.route == "native-copy":
            original = source.packets.get(plan.take.audio.index, [])
            # A nudge earlier may leave out the packets before the picture's start, nothing else.
            kept = packets_kept if plan.nudge_s else packets_identical
            result.audio_packets_identical = kept(original, audio)
            if not result.audio_packets_identical:
                result.fail("the native audio packets differ from the source's")
            # A kept native track is delivered as it came, so its length is reported, not enforced.
            result.length_difference_ms = (result.audio_end_s - result.video_end_s) * 1000
            return result
        tolerance = FRAME_SAMPLES.get(plan.audio_codec, 1024) / 48000
        result.length_tolerance_ms = round(tolerance * 1000, 3)
        result.length_difference_ms = (result.audio_end_s - result.video_end_s) * 1000
        if abs(result.audio_start_s - result.video_start_s) > TIMING_TOLERANCE_S:
            result.fail(f"the audio starts {1000 * (result.audio_start_s - result.video_start_s):+.1f} ms "
                        "away from the video")
        if abs(result.audio_end_s - result.video_end_s) > tolerance:
            result.fail(f"the audio ends {result.length_difference_ms:+.1f} ms away from the video's end "
                        f"(allowed: one audio frame, {tolerance * 1000:.1f} ms)")
    if window is not None:
        result.offset = _judge_offset(plan, window, read.window, source.reference)
        if result.offset["ok"] is False:
            detail = (f"measured {result.offset['measured_s']:+.3f} s against {result.offset['expected_s']:+.3f} s"
                      if result.offset["measured_s"] is not None else result.offset["reason"])
            result.fail(f"the offset does not hold ({detail})")
    return result
