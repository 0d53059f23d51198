"""Checking a nudged take: its native audio copied as it was, and shifted by the asked amount.

The nudge is written without re-encoding anything: the audio input is read with `-itsoffset`, so
every packet keeps its bytes and only its timestamps move; the MP4/MOV muxer writes the shift as an
edit list (an empty edit ahead of a later start, a skip into the media for an earlier one). So:

1. (media/verify.py) The output's audio packets are a run of the source's, in order, byte for
   byte. A nudge earlier can leave out the packets that would fall before the picture starts.
2. (here) The shift holds: a few seconds of the output's audio, decoded as a player decodes it (edit list
   honoured), are cross-correlated with the source's audio at the place the nudge puts it; the
   best match must sit within 1 ms of it. A stretch with nothing to correlate (silence, a steady
   tone) is reported as not measurable rather than passed or failed.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from soundon.media import tools
from soundon.media.ffrun import CancelToken, run_ffmpeg
from soundon.media.safety import input_options, input_url
from soundon.media.verify import MIN_CORRELATION, OFFSET_TOLERANCE_S, SILENT_RMS, measure_lag

RATE = 48000
EDGE_S = 0.1
WINDOW_S = 5.0
SEARCH_S = 0.25
MIN_WINDOW_S = 0.25


def _decode(path: Path, seconds: float, cancel: CancelToken | None) -> np.ndarray:
    """The first `seconds` of the file's first audio stream, on the file's timeline from 0."""
    args = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-loglevel", "error"]
    for key, value in input_options().items():
        args += [f"-{key}", value]
    args += ["-i", input_url(path), "-map", "0:a:0",
             "-af", f"aresample={RATE}:first_pts=0,aformat=sample_fmts=flt:channel_layouts=mono",
             "-t", f"{seconds:.6f}", "-f", "f32le", "pipe:1"]
    data = run_ffmpeg(args, capture_stdout=True, cancel=cancel, what="Reading audio back for the check").stdout
    return np.frombuffer(data[: len(data) // 4 * 4], dtype="<f4")


def measure_shift(source: Path, output: Path, nudge_s: float, audio_s: float,
                  cancel: CancelToken | None = None) -> dict:
    """How far the output's audio sits from the source's, against the nudge asked for."""
    result = {"expected_s": round(nudge_s, 6), "measured_s": None, "error_ms": None, "correlation": None,
              "ok": None, "reason": ""}
    out_start = max(0.0, nudge_s) + EDGE_S
    ref_start = out_start - nudge_s
    length = min(WINDOW_S, audio_s - EDGE_S - max(out_start, ref_start))
    if length < MIN_WINDOW_S:
        result["reason"] = "the take is too short to measure the shift"
        return result
    search = round(SEARCH_S * RATE)
    a, n = round(out_start * RATE), round(length * RATE)
    r = round(ref_start * RATE)
    written = _decode(output, out_start + length, cancel)[a:a + n]
    reference = _decode(source, ref_start + length + SEARCH_S, cancel)
    lead = max(0, search - r)
    reference = np.concatenate((np.zeros(lead, dtype="<f4"), reference))[r + lead - search: r + lead + n + search]
    if len(written) < n or len(reference) < n + 2 * search:
        result["reason"] = "the audio ends before the stretch the check reads"
        return result
    if np.sqrt(np.mean(written ** 2)) < SILENT_RMS:
        result["reason"] = "the native audio is silent there"
        return result
    lag, peak, unambiguous = measure_lag(written, reference, search)
    result["correlation"] = round(peak, 3)
    if peak < MIN_CORRELATION:
        result["ok"] = False
        result["reason"] = "the native audio was not found near where the nudge puts it"
        return result
    if not unambiguous:
        result["reason"] = "the native audio repeats itself there (a steady tone), so any period matches"
        return result
    measured = nudge_s - lag / RATE
    result.update(measured_s=round(measured, 6), error_ms=round((measured - nudge_s) * 1000, 3),
                  ok=abs(measured - nudge_s) <= OFFSET_TOLERANCE_S)
    return result
