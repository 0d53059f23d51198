"""The post track on the take's timeline, for listening: decoded once, placed by the swap spec.

The track is decoded with ffmpeg to 48 kHz stereo float32 and kept in memory; `samples_at` then
reads the placed track at any take time by index arithmetic (the same Timing the swap uses:
offset, fit trim/pad/loop, fades, counted in samples). A new spec is planned against the decoded
track, never decoded again.

- Level: a plain gain as given; a delivery target or LUFS value becomes the gain that brings the
  placed track to it, measured with the project's meter on the track's K-weighted power (kept from
  the decode, so a new offset or fit is re-measured in milliseconds). The swap's true-peak limiter
  is not modelled here: listening hears the level, not the delivery's peak safety.
- The bed (native audio under the post track, for the graph's 'mix') is the spec's `bed` gain, or
  DEFAULT_BED_DB when the spec has none; the level applies to post and bed together, as in the swap.
- A spec change crossfades from the old placement to the new over 5 ms in the next block, so a
  slip is heard at once without a click.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass

import numpy as np

from soundon.core.swap_spec import SwapSpec, SwapSpecError
from soundon.core.swap_timing import Timing, plan_timing
from soundon.media import loudness
from soundon.media.dsp.decode import RATE, decode
from soundon.media.dsp.measure import weighted_power
from soundon.media.dsp.ramp import RAMP_SAMPLES
from soundon.media.probe import probe

DEFAULT_BED_DB = -12.0


@dataclass(frozen=True)
class _Placement:
    timing: Timing
    level_gain: float      # linear
    native_gain: float     # linear gain on the native audio in 'mix' (bed × level)


class PostSource:
    def __init__(self, track: np.ndarray, spec: SwapSpec, video_duration_s: float):
        """track: the decoded post track, (n, 2) float32 at 48 kHz."""
        self._track = np.asarray(track, np.float32)
        self._power = weighted_power(self._track, RATE).astype(np.float32)
        self._video_s = float(video_duration_s)
        self._lock = threading.Lock()
        self._placement = self._plan(spec)
        self._previous: _Placement | None = None
        self.spec = spec

    @classmethod
    def load(cls, path: str | os.PathLike, spec: SwapSpec, video_duration_s: float) -> "PostSource":
        """Decode the post track at `path`. Raises ListeningError / ProbeError when it can't be read,
        SwapSpecError when the spec can't place it under this take."""
        info = probe(path)
        if not info.has_audio:
            raise SwapSpecError(f"{os.path.basename(path)} has no audio stream to use as a post track.")
        return cls(decode(path, max(1, info.audio_channels)), spec, video_duration_s)

    @property
    def timing(self) -> Timing:
        return self._placement.timing

    @property
    def native_gain(self) -> float:
        """Linear gain of the take's own audio under the post track in the graph's 'mix'."""
        return self._placement.native_gain

    def set_spec(self, spec: SwapSpec) -> None:
        """Place the track by a new spec from the next block on. Raises SwapSpecError (and keeps
        the current placement) when the spec can't hold."""
        placement = self._plan(spec)
        with self._lock:
            self._previous, self._placement = self._placement, placement
            self.spec = spec

    def samples_at(self, media_time_s: float, n: int) -> np.ndarray:
        """(n, 2) float32 of the placed track (level applied) from take time media_time_s; silence
        outside the track."""
        return self.samples_from(round(media_time_s * RATE), n)

    def samples_from(self, start: int, n: int) -> np.ndarray:
        with self._lock:
            placement, previous, self._previous = self._placement, self._previous, None
        out = self._placed(placement, start, n)
        if previous is not None:
            fade = min(n, RAMP_SAMPLES)
            ramp = (np.arange(1, fade + 1, dtype=np.float32) / fade)[:, None]
            old = self._placed(previous, start, fade)
            out[:fade] = old + (out[:fade] - old) * ramp
        return out

    # -- placing ----------------------------------------------------------------------------------

    def _plan(self, spec: SwapSpec) -> _Placement:
        timing = plan_timing(spec, self._video_s, len(self._track) / RATE)
        level = spec.level
        if level is None:
            gain_db = 0.0
        elif level.gain is not None:
            gain_db = level.gain
        else:
            goal_lufs, _ceiling = level.goal()
            measured = loudness.integrated_loudness(self._placed_power(timing), RATE)
            gain_db = 0.0 if measured is None else goal_lufs - measured
        level_gain = 10 ** (gain_db / 20)
        bed_db = spec.bed if spec.bed is not None else DEFAULT_BED_DB
        return _Placement(timing, level_gain, level_gain * 10 ** (bed_db / 20))

    def _sources(self, timing: Timing, start: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        """For output samples start … start+n: which are audible, and the track sample each reads."""
        k = np.arange(start, start + n)
        audible = (k >= timing.delay) & (k < timing.audible_end) & (k < timing.out_samples)
        source = k - timing.delay + timing.skip
        if timing.loop:
            source %= len(self._track)
        else:
            audible &= source < len(self._track)
        return audible, np.where(audible, source, 0)

    def _fade_gains(self, timing: Timing, k: np.ndarray) -> np.ndarray | None:
        gains = None
        if timing.fade_in:
            f = timing.fade_in
            gains = np.clip((k - f.start) / f.length, 0.0, 1.0)
        if timing.fade_out:
            f = timing.fade_out
            out = np.clip((f.start + f.length - k) / f.length, 0.0, 1.0)
            gains = out if gains is None else gains * out
        return gains

    def _placed(self, placement: _Placement, start: int, n: int) -> np.ndarray:
        timing = placement.timing
        out = np.zeros((n, 2), np.float32)
        audible, source = self._sources(timing, start, n)
        if not audible.any():
            return out
        out[audible] = self._track[source[audible]]
        gains = self._fade_gains(timing, np.arange(start, start + n))
        scale = placement.level_gain if gains is None else placement.level_gain * gains[:, None]
        out *= np.asarray(scale, np.float32)
        return out

    def _placed_power(self, timing: Timing) -> np.ndarray:
        audible, source = self._sources(timing, 0, timing.out_samples)
        power = np.where(audible, self._power[source], 0.0)
        gains = self._fade_gains(timing, np.arange(timing.out_samples))
        return power if gains is None else power * gains * gains
