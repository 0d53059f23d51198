"""The audio graph: what the editor hears, computed block by block, live or offline.

    native ─┐
            ├─ mix (native | post | post over the native bed) → device (profile) → programme gain
    post ───┘     (match loudness + phone volume) → + environment noise → safety limiter → out

The live route feeds it libVLC's decoded blocks with their take times; `render` (soundon preview)
feeds it a decoded file in fixed blocks. Same code, same samples, whatever the block size.

- Every setting (profile, noise, volume, match gain, mix, post track and its spec) is handed over
  under a lock and taken up at the start of the next `process`: a change is heard from the next
  block. Gains move over 5 ms and a new device chain is crossfaded in over 5 ms (its filters start
  from rest), so nothing clicks.
- The graph never moves the position. It counts samples from the take time of the first block
  after a reset and follows the block times while they agree with that count within
  RESYNC_TOLERANCE (a clock's jitter must not jump the post track or the noise); a larger
  disagreement is a discontinuity the route did not report, and the count restarts there.
- Headphones with nothing added is a plain pass-through: the output is the input, bit for bit.
- Noise and phone volume apply to the profiles that take noise (the phones), as ListeningSetup's
  `effective` says; the noise bed is added after the volume (lowering the phone doesn't quiet the
  café).
- 'post' or 'mix' with no post track set plays the native audio (there is nothing else to hear).
- A nudged take's native audio (`set_nudged`, made by `nudged_native`) is the take's decoded audio
  laid like a post track at the nudge's offset, with no fades, as the export's stream copy shifts
  it: the graph reads it at the take time of each block instead of the block libVLC decoded, so
  the position never moves, and a new nudge is a new placement of the same samples, crossfaded in
  over 5 ms from the next block (so is the change from libVLC's blocks to the nudged audio and back).
- The meters (`meter`, media/dsp/meter.py) read the delivered mix, before the listening profile:
  for a take delivered with a post track (`set_delivered`), the placed track with the native bed
  its spec asks for (none without one), as the export writes it, whatever is being heard; else
  the native audio. The audio thread only adds each block's K-weighted sum of squares and peak.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soundon.core.listening import ListeningSetup, profile_named
from soundon.core.swap_spec import SwapSpec
from soundon.media.dsp.decode import WavWriter, decode
from soundon.media.dsp.device import DeviceChain
from soundon.media.dsp.dynamics import SafetyLimiter
from soundon.media.dsp.measure import integrated_lufs
from soundon.media.dsp.meter import LoudnessMeter
from soundon.media.dsp.noise import calibrated_bed, loop_samples
from soundon.media.dsp.ramp import RAMP_SAMPLES, GainRamp
from soundon.media.listening import ListeningError
from soundon.media.post_source import PostSource
from soundon.media.probe import probe

MIX_MODES = ("native", "post", "mix")
RESYNC_TOLERANCE = 96          # samples (2 ms)
RENDER_BLOCK = 1024

__all__ = ["AudioGraph", "PostSource", "render", "render_samples", "match_gain", "nudged_native",
           "nudge_spec", "MIX_MODES"]


def nudge_spec(nudge_ms: float) -> SwapSpec:
    """The placement of the native audio nudged by nudge_ms (positive: later): no fades, as the
    export's stream copy (media/remux.py) writes it."""
    return SwapSpec(offset=round(nudge_ms / 1000, 6), fade_in=0.0, fade_out=0.0)


def nudged_native(native: np.ndarray, nudge_ms: float) -> PostSource:
    """The decoded native audio ((n, 2) float32, 48 kHz) placed at its nudge, for `set_nudged`;
    `set_spec(nudge_spec(ms))` moves it to another nudge without copying the samples."""
    return PostSource(native, nudge_spec(nudge_ms), len(native) / AudioGraph.RATE)


@dataclass
class _Pending:
    setup: ListeningSetup
    match_gain_db: float
    chain: DeviceChain | None = None     # a new device chain to crossfade to
    mix: str = "native"
    post: PostSource | None = None
    volume_db: float = 0.0
    delivered: PostSource | None = None
    metered: bool = True
    nudged: PostSource | None = None


def _prepare_noise(setup: ListeningSetup) -> None:
    """Make the environment's noise bed now, on the caller's thread (it takes a good part of a second,
    which inside the device callback would be heard as a gap); the audio thread then only reads it."""
    if setup.noise:
        calibrated_bed(setup.noise)


def _db(db: float) -> float:
    return 10 ** (db / 20)


class AudioGraph:
    RATE = 48000

    def __init__(self, setup: ListeningSetup = ListeningSetup(), *, match_gain_db: float = 0.0):
        self._lock = threading.Lock()
        self._pending = _Pending(setup, match_gain_db, None, volume_db=setup.volume_db)
        self._chain = DeviceChain(profile_named(setup.profile))
        self._outgoing: DeviceChain | None = None
        self._crossfade_left = 0
        self._safety = SafetyLimiter(2)
        self._safety_on = False
        self._native = GainRamp(1.0)
        self._post = GainRamp(0.0)
        self._programme = GainRamp(1.0)
        self._noise_gains: dict[str, GainRamp] = {}
        self._position: int | None = None
        self._changes = 0           # bumped by every setting; the audio thread applies when it moved
        self._applied = -1
        self._delivered: PostSource | None = None
        self._metered = True
        self._nudged: PostSource | None = None
        self._nudged_before: PostSource | None | bool = False   # what was heard before a new set_nudged
        self.meter = LoudnessMeter(self.RATE)
        _prepare_noise(setup)
        self._apply(self._take_pending())
        self.reset()

    # -- settings (any thread) -------------------------------------------------------------------

    def set_setup(self, setup: ListeningSetup, *, match_gain_db: float = 0.0) -> None:
        with self._lock:
            # Built here, on the caller's thread, so the audio thread only swaps it in.
            if setup.profile != self._pending.setup.profile:
                self._pending.chain = DeviceChain(profile_named(setup.profile))
            self._pending.setup, self._pending.match_gain_db = setup, match_gain_db
            self._pending.volume_db = setup.volume_db
            self._changes += 1
        _prepare_noise(setup)

    def set_mix(self, mode: str) -> None:
        if mode not in MIX_MODES:
            raise ValueError(f"mix is one of {', '.join(MIX_MODES)}, not {mode!r}")
        with self._lock:
            self._pending.mix = mode
            self._changes += 1

    def set_post(self, post: PostSource | None) -> None:
        with self._lock:
            self._pending.post = post
            self._changes += 1

    def set_delivered(self, post: PostSource | None, *, ready: bool = True) -> None:
        """The post track the export lays under this take (None: it delivers its native audio):
        what the meters read. ready=False: the delivered mix isn't known yet (its track is being
        decoded), so the meters read nothing rather than the native audio."""
        with self._lock:
            self._pending.delivered, self._pending.metered = post, ready
            self._changes += 1

    def set_nudged(self, nudged: PostSource | None) -> None:
        """The take's native audio at its nudge (`nudged_native`), heard and metered instead of the
        blocks libVLC decodes; None: those blocks as they come."""
        with self._lock:
            self._pending.nudged = nudged
            self._changes += 1

    def set_volume_db(self, db: float) -> None:
        with self._lock:
            self._pending.volume_db = min(0.0, max(-60.0, float(db)))
            self._changes += 1

    # -- the audio thread ------------------------------------------------------------------------

    def reset(self) -> None:
        """After a seek or any discontinuity: filters, dynamics and gains start from rest."""
        self._apply(self._take_pending())
        self._outgoing, self._crossfade_left = None, 0
        self._nudged_before = False
        self._chain.reset()
        self._safety.reset()
        self.meter.reset()
        for ramp in (self._native, self._post, self._programme, *self._noise_gains.values()):
            ramp.jump()
        self._position = None

    def process(self, native: np.ndarray, media_time_s: float) -> np.ndarray:
        """(n, 2) float32 native audio from take time media_time_s → (n, 2) float32 to play."""
        n = len(native)
        if self._changes != self._applied:
            self._apply(self._take_pending())
        elif self._post_source is not None:
            self._place_post()
        start = self._follow(media_time_s, n)
        if n == 0:
            return np.zeros((0, 2), np.float32)
        if self._nudged is not None or self._nudged_before is not False:
            native = self._heard_native(native, start, n)
        if self._passes_through():
            self._meter(native, start, n)
            return np.array(native, dtype=np.float32, copy=True)
        x = self._mixed(native, start, n)
        self._meter(native, start, n)
        y = self._device(x)
        y = y * self._programme.gains(n)
        noise = self._noise(start, n)
        if y.shape[1] == 1:
            y = np.repeat(y, 2, axis=1)
        if noise is not None:
            y = y + noise
        if self._safety_on:
            return self._safety.process(y)
        return y.astype(np.float32)

    # -- inside ------------------------------------------------------------------------------------

    def _take_pending(self) -> _Pending:
        with self._lock:
            self._applied = self._changes
            pending = self._pending
            taken = _Pending(pending.setup, pending.match_gain_db, pending.chain, pending.mix, pending.post,
                             pending.volume_db, pending.delivered, pending.metered, pending.nudged)
            pending.chain = None
        return taken

    def _apply(self, p: _Pending) -> None:
        if p.chain is not None:
            self._outgoing, self._chain = self._chain, p.chain
            self._crossfade_left = RAMP_SAMPLES
        self._post_source, self._mix, self._delivered, self._metered = p.post, p.mix, p.delivered, p.metered
        if p.nudged is not self._nudged:
            self._nudged_before, self._nudged = self._nudged, p.nudged
        self._place_post()
        setup = ListeningSetup(p.setup.profile, p.setup.noise, p.volume_db, p.setup.match_loudness).effective
        gain_db = (p.match_gain_db if setup.match_loudness else 0.0) + setup.volume_db
        self._programme.set(_db(gain_db))
        for name in {*self._noise_gains, *([setup.noise] if setup.noise else [])}:
            ramp = self._noise_gains.setdefault(name, GainRamp(0.0))
            ramp.set(1.0 if name == setup.noise else 0.0)
        reference = profile_named(setup.profile).is_reference
        safety = setup.noise is not None or (gain_db > 0 and not reference)
        if safety and not self._safety_on:
            self._safety.reset()
        self._safety_on = safety

    def _place_post(self) -> None:
        # Every block: the post track's own spec (its bed level) may change without a setting here.
        post, mix = self._post_source, self._mix
        if post is None or mix == "native":
            self._native.set(1.0)
            self._post.set(0.0)
        else:
            self._native.set(post.native_gain if mix == "mix" else 0.0)
            self._post.set(1.0)

    def _follow(self, media_time_s: float, n: int) -> int:
        reported = round(media_time_s * self.RATE)
        if self._position is None or abs(reported - self._position) > RESYNC_TOLERANCE:
            self._position = reported
        start = self._position
        self._position += n
        return start

    def _passes_through(self) -> bool:
        return (self._chain.is_reference and self._outgoing is None and not self._safety_on
                and self._native.steady and self._native.value == 1.0 and self._post.silent
                and self._programme.steady and self._programme.value == 1.0
                and all(r.silent for r in self._noise_gains.values()))

    def _heard_native(self, native: np.ndarray, start: int, n: int) -> np.ndarray:
        """The native audio heard in this block: at its nudge, crossfaded from what was heard
        before over the first 5 ms after set_nudged."""
        def at(source):
            return native if source is None else source.samples_from(start, n)
        heard = np.array(at(self._nudged), dtype=np.float32)
        before, self._nudged_before = self._nudged_before, False
        if before is not False:
            fade = min(n, RAMP_SAMPLES)
            old = np.asarray(at(before)[:fade], np.float32)
            ramp = (np.arange(1, fade + 1, dtype=np.float32) / fade)[:, None]
            heard[:fade] = old + (heard[:fade] - old) * ramp
        return heard

    def _mixed(self, native: np.ndarray, start: int, n: int) -> np.ndarray:
        x = np.asarray(native, np.float64) * self._native.gains(n)
        post_gain = self._post.gains(n)         # the ramp moves on even with no track to play
        if self._post_source is not None and np.any(post_gain):
            x = x + self._post_source.samples_from(start, n) * post_gain
        return x

    def _meter(self, native: np.ndarray, start: int, n: int) -> None:
        """The delivered mix of this block into the meter (after the heard mix took its samples, so
        a new placement's crossfade is heard, not metered)."""
        post = self._delivered
        if not self._metered:
            return
        if post is None:
            self.meter.feed(native)
            return
        delivered = post.samples_from(start, n)
        if post.spec.bed is not None:
            delivered = delivered + np.asarray(native, np.float32) * post.native_gain
        self.meter.feed(delivered)

    def _device(self, x: np.ndarray) -> np.ndarray:
        y = self._chain.process(x)
        if self._outgoing is None:
            return y
        old = self._outgoing.process(x)
        n = len(x)
        fade = min(n, self._crossfade_left)
        done = RAMP_SAMPLES - self._crossfade_left
        ramp = np.ones(n)
        ramp[:fade] = (done + np.arange(1, fade + 1)) / RAMP_SAMPLES
        self._crossfade_left -= fade
        if self._crossfade_left == 0:
            self._outgoing = None
        if y.shape[1] != old.shape[1]:       # mono ↔ stereo device: spread the mono one
            y, old = np.broadcast_to(y, (n, 2)), np.broadcast_to(old, (n, 2))
        return old + (y - old) * ramp[:, None]

    def _noise(self, start: int, n: int) -> np.ndarray | None:
        total = None
        for name, ramp in self._noise_gains.items():
            if ramp.silent:
                continue
            part = loop_samples(calibrated_bed(name), start, n) * ramp.gains(n)
            total = part if total is None else total + part
        return total


# -- offline ---------------------------------------------------------------------------------------

def _stream(graph: AudioGraph, native: np.ndarray, block: int):
    for begin in range(0, len(native), block):
        yield graph.process(native[begin:begin + block], begin / AudioGraph.RATE)


def _channels(source) -> int:
    info = probe(source)
    if not info.has_audio:
        raise ListeningError(f"{os.path.basename(source)} has no audio stream.")
    return max(1, info.audio_channels)


def match_gain(native: np.ndarray, profile: str, *, post: PostSource | None = None, mix: str = "native",
               block: int = RENDER_BLOCK) -> float:
    """dB that bring `profile` to the headphones' integrated loudness for this audio, measured
    through the graph (no noise, full volume). 0 when either is silent or the profile is the reference."""
    if profile_named(profile).is_reference:
        return 0.0
    measured = []
    for name in ("headphones", profile):
        graph = AudioGraph(ListeningSetup(name))
        graph.set_mix(mix)
        graph.set_post(post)
        measured.append(integrated_lufs(np.vstack([np.zeros((0, 2)), *_stream(graph, native, block)]),
                                        AudioGraph.RATE))
    reference, device = measured
    return 0.0 if reference is None or device is None else reference - device


def render(source: str | os.PathLike, out: str | os.PathLike, setup: ListeningSetup, *,
           match_gain_db: float = 0.0, post: PostSource | None = None, mix: str = "native",
           channels: int | None = None, block: int = RENDER_BLOCK, sample_format: str = "s16",
           nudge_ms: float = 0.0) -> Path:
    """Render `source` through the graph into a 48 kHz stereo WAV at `out` (16-bit, or 'f32').

    channels: the source's audio channel count (probed when not given)."""
    native = decode(source, channels or _channels(source))
    return render_samples(native, out, setup, match_gain_db=match_gain_db, post=post, mix=mix, block=block,
                          sample_format=sample_format, nudge_ms=nudge_ms)


def render_samples(native: np.ndarray, out: str | os.PathLike, setup: ListeningSetup, *,
                   match_gain_db: float = 0.0, post: PostSource | None = None, mix: str = "native",
                   block: int = RENDER_BLOCK, sample_format: str = "s16", nudge_ms: float = 0.0) -> Path:
    """Decoded native audio ((n, 2) float32, 48 kHz) through the same AudioGraph as the live route,
    fed `block` samples at a time from the start of the take, into a WAV at `out`; nudge_ms shifts
    the native audio as the take's nudge does (positive: later)."""
    graph = AudioGraph(setup, match_gain_db=match_gain_db)
    graph.set_mix(mix)
    graph.set_post(post)
    if nudge_ms:
        graph.set_nudged(nudged_native(native, nudge_ms))
    writer = WavWriter(out, sample_format)
    try:
        for processed in _stream(graph, native, block):
            writer.write(processed)
    except BaseException:
        writer.discard()
        raise
    return writer.finish()
