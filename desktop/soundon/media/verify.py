"""Checking a written file before it takes its final name.

1. Video untouched: every video packet of the output hashes the same as the source's (ffmpeg's
   framehash muxer with `-c copy`, per packet, murmur3), in the same order and at the same time
   (±1 ms from the first frame, which allows a timebase change and nothing more). The source's
   hashes come from the remux run itself (a second output), so the source is read once.
2. Lengths: the output's audio, decoded the way a player decodes it (AAC priming dropped through
   the edit list), starts where the video starts and ends within one audio frame of the video's
   end. Where the video "starts" is its first shown frame, as the demuxer reports it: a take cut
   with `-ss … -c copy` begins at the keyframe before the cut, and its edit list hides the frames
   up to the cut point (they are copied, decoded as references, never shown).
3. The offset holds: a few seconds of the decoded output are cross-correlated with the post track
   at the place the spec puts it; the best match must sit within 1 ms of that place. A stretch
   with nothing to correlate (silence, or a pure tone, whose periods all match) is reported as
   not measurable rather than passed or failed.

One ffmpeg run reads the output for all three (hashes to small text files, the correlation window
to a pipe), and a second one, at the same time, decodes only the post track's window.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import ffmpeg
import numpy as np

from soundon.media import tools
from soundon.media.ffrun import CancelToken, run_ffmpeg
from soundon.media.probe import ProbeError, run_ffprobe
from soundon.media.remux import PACKET_HASH, RemuxPlan
from soundon.media.safety import input_options, input_url, output_url

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


# -- framehash files ------------------------------------------------------------------------------

def read_framehash(path: Path) -> dict[int, list[Packet]]:
    """Packets per stream index from a framehash file (format version 2)."""
    timebases: dict[int, Fraction] = {}
    streams: dict[int, list[Packet]] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("#tb "):
            index, _, tb = line[4:].partition(":")
            timebases[int(index)] = Fraction(tb.strip())
            continue
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split(",")]
        if len(fields) < 6:
            continue
        index = int(fields[0])
        tb = timebases.get(index, Fraction(1, 1))
        pts = None if fields[2] in ("", "NOPTS") else int(fields[2])
        duration = int(fields[3]) if fields[3].lstrip("-").isdigit() else 0
        time_s = None if pts is None else float(pts * tb)
        end_s = None if pts is None else float((pts + duration) * tb)
        streams.setdefault(index, []).append(Packet(time_s, int(fields[4]), fields[5], end_s))
    return streams


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


def shown_video_span(output: Path, packets: list[Packet]) -> tuple[float, float]:
    """Where the output's picture starts and ends as a player shows it. The packets alone can't
    say: frames an edit list hides still have their packets (and timestamps before the shown
    start). The demuxer's stream start and length honour the edit list; the packets' span is the
    fallback when it reports none."""
    start, end = _span(packets)
    try:
        streams = run_ffprobe(output, "-show_streams", "-select_streams", "v:0").get("streams") or []
    except ProbeError:
        return start, end
    info = streams[0] if streams else {}
    shown_start, length = _seconds(info.get("start_time")), _seconds(info.get("duration"))
    if shown_start is None:
        return start, end
    return shown_start, (shown_start + length if length else end)


def _seconds(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


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

def verify_output(plan: RemuxPlan, output: Path, source_hashes: Path, work_dir: Path,
                  cancel: CancelToken | None = None) -> Verification:
    result = Verification()
    window = offset_window(plan)
    out_in = ffmpeg.input(input_url(output), **input_options())
    video_hashes = work_dir / "output-video.framehash"
    audio_hashes = work_dir / "output-audio.framehash"
    outputs = [ffmpeg.output(out_in["v:0"], output_url(video_hashes), f="framehash", hash=PACKET_HASH, c="copy")]
    has_audio = plan.route != "none"
    if has_audio:
        # Decoded (not copied) for a swap: the length a player plays, priming removed.
        codec = "copy" if plan.route == "native-copy" else "pcm_s16le"
        outputs.append(ffmpeg.output(out_in["a:0"], output_url(audio_hashes), f="framehash", hash=PACKET_HASH,
                                     **{"c:a": codec}))
    if window is not None:
        win = (out_in["a:0"].filter("atrim", start_sample=window.out_start,
                                    end_sample=window.out_start + window.length)
               .filter("aformat", sample_fmts="flt", channel_layouts="mono"))
        outputs.append(ffmpeg.output(win, "pipe:1", f="f32le"))
    args = ffmpeg.merge_outputs(*outputs).compile(cmd=tools.ffmpeg().path)
    args[1:1] = ["-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    with ThreadPoolExecutor(max_workers=1) as pool:
        # The post track's window decodes while the output is read: two small ffmpeg runs at once.
        reference = pool.submit(_reference, plan, window, cancel) if window is not None else None
        data = run_ffmpeg(args, capture_stdout=True, cancel=cancel, what="Checking the written file").stdout
        reference_audio = reference.result() if reference is not None else None

    source = read_framehash(source_hashes)
    written = read_framehash(video_hashes)
    same, timing, why = compare_packets(source.get(0, []), written.get(0, []))
    result.video_packets = len(written.get(0, []))
    result.video_identical, result.video_timing_identical = same, timing
    if not (same and timing):
        result.fail(why)
    result.video_start_s, result.video_end_s = shown_video_span(output, written.get(0, []))

    if has_audio:
        audio = read_framehash(audio_hashes).get(0, [])
        if not audio:
            result.fail("the output has no audio packets")
            return result
        result.audio_start_s, result.audio_end_s = _span(audio)
        if plan.route == "native-copy":
            original = source.get(1, [])
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
        written_window = np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")
        if len(written_window) < window.length:
            written_window = np.concatenate(
                (written_window, np.zeros(window.length - len(written_window), dtype="<f4")))
        result.offset = _judge_offset(plan, window, written_window[: window.length], reference_audio)
        if result.offset["ok"] is False:
            detail = (f"measured {result.offset['measured_s']:+.3f} s against {result.offset['expected_s']:+.3f} s"
                      if result.offset["measured_s"] is not None else result.offset["reason"])
            result.fail(f"the offset does not hold ({detail})")
    return result
