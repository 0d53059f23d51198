"""Is the native sound in sync with the picture? An estimate of the offset, with a confidence.

One ffmpeg run decodes the take once: the picture as small grey frames (64 px wide) at its frame
rate, the sound as 16 kHz mono, both put on the same clock (the first frame and the first sample
at the file's start, padded where a stream starts late). Then:

    motion onset   per frame: the mean absolute difference from the previous frame (motion
                   energy), and of that only its rises (a flash, a cut, an impact starting)
    sound onset    per millisecond: the rises of the log energy over 2 ms windows (a click, a hit)

The sound onsets are spread over a triangle one frame wide on each side (a sound between two
frames counts towards both, in proportion), sampled at each frame's time shifted by a lag, and
correlated (Pearson) with the motion onsets for every lag from −300 to +300 ms in 1 ms steps.

- The offset is the lag of the best correlation: positive when the sound comes after the picture
  (late), negative when it comes before (early).
- The confidence is that correlation times how much it stands out from the best one more than a
  frame away (1 − second / best): a take with no sharp events, or events too regular to tell one
  from the next, has a low one, and its offset is not given ("no sharp events: can't tell").
"""
from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundon.media import priority, tools
from soundon.media.listening import SINGLE_THREAD
from soundon.media.safety import input_options, input_url

SEARCH_MS = 300
AUDIO_RATE = 16000
FRAME_WIDTH = 64
FRAME_HEIGHT = 36
ENERGY_WINDOW_MS = 2
MIN_CONFIDENCE = 0.3
# Where viewers notice (ITU-R BT.1359 rounded as the design asks): sound early by more than 45 ms,
# late by more than 100 ms.
EARLY_LIMIT_MS = -45
LATE_LIMIT_MS = 100
CANT_TELL = "no sharp events: can't tell"
TIMEOUT_S = 600


@dataclass(frozen=True)
class SyncEstimate:
    offset_ms: int | None       # None when the confidence is too low to say
    confidence: float
    reason: str = ""            # why there is no offset

    def as_report(self) -> dict:
        return {"av_offset_ms": self.offset_ms, "av_confidence": round(self.confidence, 3),
                "av_sync_note": self.reason or None}


def out_of_sync(offset_ms: int | None) -> bool:
    """True when viewers would notice: the sound more than 45 ms early or 100 ms late."""
    return offset_ms is not None and (offset_ms < EARLY_LIMIT_MS or offset_ms > LATE_LIMIT_MS)


def noticed_offset(offset_ms: int | None) -> str | None:
    """'sound 120 ms late' / 'sound 60 ms early' when viewers would notice the offset, else None
    (in sync, within the thresholds, or can't tell): the badge's words, in the inspector and on the
    take cards alike."""
    if not out_of_sync(offset_ms):
        return None
    return f"sound {abs(offset_ms)} ms {'late' if offset_ms > 0 else 'early'}"


def describe(offset_ms: int | None, confidence: float | None, reason: str | None = None) -> str:
    """The estimate in the inspector's words."""
    if offset_ms is None:
        return reason or CANT_TELL
    if offset_ms == 0:
        where = "in sync"
    else:
        where = f"sound {abs(offset_ms)} ms {'late' if offset_ms > 0 else 'early'}"
    sure = f" (confidence {confidence:.0%})" if confidence is not None else ""
    return where + sure + (" — noticeable" if out_of_sync(offset_ms) else "")


def motion_onsets(frames: np.ndarray) -> np.ndarray:
    """Per frame: the rise in motion energy (frames × pixels in, one value per frame out)."""
    if len(frames) < 2:
        return np.zeros(len(frames))
    energy = np.zeros(len(frames))
    energy[1:] = np.abs(np.diff(frames.astype(np.float32), axis=0)).mean(axis=1)
    rise = np.zeros(len(frames))
    rise[1:] = np.maximum(np.diff(energy), 0.0)
    return rise


def sound_onsets(samples: np.ndarray, rate: int = AUDIO_RATE) -> np.ndarray:
    """Per millisecond: the rise of the log energy over 2 ms windows."""
    hop = rate // 1000
    count = len(samples) // hop
    if count < 2:
        return np.zeros(count)
    power = np.square(samples[:count * hop].astype(np.float64)).reshape(count, hop).mean(axis=1)
    window = np.convolve(power, np.ones(ENERGY_WINDOW_MS) / ENERGY_WINDOW_MS, mode="full")[:count]
    floor = max(float(window.max()) * 1e-6, 1e-12)     # 60 dB below the loudest: quieter rises are noise
    level = np.log10(window + floor)
    rise = np.zeros(count)
    rise[ENERGY_WINDOW_MS:] = np.maximum(level[ENERGY_WINDOW_MS:] - level[:-ENERGY_WINDOW_MS], 0.0)
    return rise


def correlate(motion: np.ndarray, fps: float, sound: np.ndarray, search_ms: int = SEARCH_MS) -> SyncEstimate:
    """The best lag (ms) of the sound onsets against the motion onsets, and how sure it is."""
    if not len(motion) or not len(sound) or not np.any(motion > 0) or not np.any(sound > 0):
        return SyncEstimate(None, 0.0, CANT_TELL)
    period_ms = 1000.0 / fps
    half = max(1, int(round(period_ms)))
    triangle = 1.0 - np.abs(np.arange(-half, half + 1)) / (half + 1)
    spread = np.convolve(sound, triangle, mode="same")
    frame_ms = np.round(np.arange(len(motion)) * period_ms).astype(np.int64)
    lags = np.arange(-search_ms, search_ms + 1)
    scores = np.full(len(lags), -1.0)
    for i, lag in enumerate(lags):
        at = frame_ms + lag
        inside = (at >= 0) & (at < len(spread))
        if inside.sum() < 3:
            continue
        x, y = motion[inside], spread[at[inside]]
        x, y = x - x.mean(), y - y.mean()
        norm = np.sqrt(np.dot(x, x) * np.dot(y, y))
        if norm > 0:
            scores[i] = float(np.dot(x, y) / norm)
    best = int(np.argmax(scores))
    peak = scores[best]
    # Ties (a plateau) are settled at their middle.
    plateau = np.flatnonzero(scores >= peak - 1e-9)
    plateau = plateau[np.abs(plateau - best) <= half]
    best = int(round(plateau.mean()))
    far = np.abs(lags - lags[best]) > period_ms * 1.5
    second = float(scores[far].max()) if far.any() else 0.0
    if peak <= 0:
        return SyncEstimate(None, 0.0, CANT_TELL)
    confidence = float(np.clip(peak, 0, 1) * np.clip(1 - max(second, 0.0) / peak, 0, 1))
    if confidence < MIN_CONFIDENCE:
        return SyncEstimate(None, confidence, CANT_TELL)
    return SyncEstimate(int(lags[best]), confidence)


def _input(path) -> list[str]:
    args: list[str] = []
    for key, value in input_options().items():
        args += [f"-{key}", value]
    return args + ["-sn", "-dn", "-i", input_url(path)]


def estimate(path, fps: float, *, background: bool = False) -> SyncEstimate:
    """Decode the take once at a low resolution and estimate its sound's offset against the picture.

    Raises OSError when ffmpeg can't run, RuntimeError (with ffmpeg's reason) when decoding fails."""
    fps = fps or 25.0
    with tempfile.TemporaryDirectory(prefix="soundon-sync-") as work:
        picture, sound = Path(work) / "picture.gray", Path(work) / "sound.f32"
        graph = (f"[0:v:0]fps={fps:.6f}:start_time=0,scale={FRAME_WIDTH}:{FRAME_HEIGHT},format=gray[v];"
                 f"[0:a:0]aresample={AUDIO_RATE}:first_pts=0,aformat=sample_fmts=flt:channel_layouts=mono[a]")
        args = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", *SINGLE_THREAD,
                *_input(path), "-filter_complex", graph,
                "-map", "[v]", "-f", "rawvideo", str(picture), "-map", "[a]", "-f", "f32le", str(sound)]
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                stdin=subprocess.DEVNULL, **priority.popen_options(background))
        priority.lower(proc, background)
        try:
            _out, errors = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise RuntimeError(f"decoding took longer than {TIMEOUT_S} s") from None
        if proc.returncode != 0:
            lines = errors.decode("utf-8", "replace").strip().splitlines()
            raise RuntimeError(lines[-1][:300] if lines else f"ffmpeg exit status {proc.returncode}")
        frames = np.fromfile(picture, dtype=np.uint8)
        frames = frames[:len(frames) - len(frames) % (FRAME_WIDTH * FRAME_HEIGHT)]
        frames = frames.reshape(-1, FRAME_WIDTH * FRAME_HEIGHT)
        samples = np.fromfile(sound, dtype="<f4")
    return correlate(motion_onsets(frames), fps, sound_onsets(samples))
