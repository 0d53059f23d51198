"""The audio device: what the editor hears, each sample played at the moment the player's clock says.

libVLC decodes ahead and hands each block over with the date it is due at the ear (its `pts`, on
libVLC's clock, the clock the picture is shown by). A device has an output latency of its own.

How that latency is compensated: the device asks for a buffer in its callback and says when that
buffer's first sample will reach the DAC (PortAudio's `outputBufferDacTime − currentTime`: the audio
PortAudio has queued, plus, through ALSA's pulse plugin, the sound server's latency; 30 ms through
PulseAudio with 20 ms asked, 12 ms with 8 ms). The buffer is filled with the take's audio libVLC dated
for libVLC's clock now + that delay (+ `extra_latency_s`, for what a device doesn't report: a
Bluetooth headset, say). So each sample reaches the DAC at the moment libVLC shows the frame of the
same take time: the latency is taken out of the audio's schedule, the picture is never held back.
The delay is read afresh in every callback, so a server that changes its latency is followed; the
stream only re-aligns when it drifts by more than RELOCK_S (a jump would click). Measured on the
screen and at the sink on one clock (tests/e2e/test_picture_sound_agree.py): the sound is within
10 ms of the picture, held within one frame.

What one callback says of its DAC time is noisy: through ALSA's pulse plugin it wanders by ±2 ms
from one second to the next, and drifts by up to 2 ms/s after an underrun, while the samples
themselves go out at a steady pace (the monitor's recording shows it). A stream that runs without a
break plays its sample k at one fixed date + k / rate, so `DacClock` takes that date as the mean of
the estimates of its first second and keeps it, and starts afresh when the stream breaks (an
underrun, or estimates more than DAC_BREAK_S off for several callbacks, which is also how a sound
card's crystal drifting from the system clock is followed). Each buffer, and each new take or jump
locked to the clock, is then placed to a fraction of a millisecond, not to the last callback's guess.

A callback's own moment is PortAudio's, taken as the device thread woke (`currentTime`, on
PortAudio's clock: the wall clock on Linux), not the player's clock read inside the callback: the
callback may wait a few ms for the interpreter on a busy machine, and a DAC date built on that late
reading would put every sample early by the wait (heard: marks 4 ms early after a pause on a loaded
machine). `ClockBridge` keeps how far PortAudio's clock is from the player's.

The listening graph (profile, noise, volume, mix with the post track) runs here, in the device
callback, on the raw decoded audio. So a change of profile or volume is heard from the next device
buffer (4-20 ms: the rungs below), however far ahead libVLC has decoded, and nothing is ever re-decoded.

No Qt here. Failures never raise into the device thread: an error in the graph is counted and that
buffer is silent; a device that can't be opened, or goes away, leaves `problem` set and the rest of
the app (the picture) goes on.
"""
from __future__ import annotations

import collections
import threading
import time
from dataclasses import dataclass
from typing import Callable, Protocol

import numpy as np

RATE = 48000
CHANNELS = 2
# How much the device keeps queued, as (block, latency asked): everything queued was made with the
# settings of its time, so this is most of what a switch waits before it is heard. PortAudio's ALSA
# host keeps two blocks whatever less is asked for. Measured through PulseAudio on two cores, call to
# sink: 4 ms blocks 12-17 ms, 10 ms blocks 35-39 ms. A short queue runs dry on a starved machine, so
# the stream starts on the first rung and climbs one when it runs dry UNDERRUNS_TO_CLIMB times within
# CLIMB_WINDOW_S (reopened: a gap of a few ms, where the dry device had gaps already). It never climbs
# down while the app runs: an editor would rather keep a steady sound than a fast switch that stutters.
# The latency itself is compensated on every rung, so picture and sound agree on each.
LATENCY_RUNGS = ((192, 0.008), (480, 0.02), (960, 0.04))
DEVICE_BLOCK = LATENCY_RUNGS[0][0]
UNDERRUNS_TO_CLIMB = 3
CLIMB_WINDOW_S = 10.0
RELOCK_S = 0.004            # beyond this between where the stream is and where the clock says, re-align
# A running stream that has not called back for this long has stopped asking for audio (seen on a
# fresh machine: PortAudio's ALSA stream to PulseAudio, when the server took a second to start it
# and the first buffers then ran dry, waited in poll() for good). It is reopened on its rung (a
# higher one stalls the same way: the stall is the start's, not the block size's). Paused or
# playing, a stream calls back every few milliseconds.
STALLED_AFTER_S = 0.3
WATCH_EVERY_S = 0.1
GAP_S = 0.05                # callbacks further apart than this: the stream is not steady
RUNNING_AFTER_S = 0.05      # callbacks over this long: the device plays what it is given (not only pre-filling)
DAC_SETTLE_S = 1.0          # the first second of a stream's estimates make its DAC date
DAC_BREAK_S = 0.004         # an estimate this far off …
DAC_BREAK_CALLBACKS = 3     # … this many times in a row: the stream broke, its DAC date is new
# PortAudio's clock is read against the player's between two readings of the player's clock at most
# this far apart (the audio thread may wait for the interpreter between two calls: such a pair is
# not used), and followed smoothly unless it steps (a wall clock set by NTP).
BRIDGE_PAIR_US = 200
BRIDGE_STEP_US = 1000


class Graph(Protocol):
    def process(self, native: np.ndarray, media_time_s: float) -> np.ndarray: ...
    def reset(self) -> None: ...


@dataclass
class Chunk:
    due_us: float            # libVLC clock (µs) when samples[0] is to be heard
    media_s: float           # take time of samples[0]
    samples: np.ndarray      # (n, 2) float32
    speed: float = 1.0       # media seconds per second of sound (shuttle)


class Feed:
    """One player's decoded audio, queued by due time. Written by libVLC's threads, read by the device."""

    def __init__(self):
        self._lock = threading.Lock()
        self._chunks: collections.deque[Chunk] = collections.deque()
        self._paused_at: float | None = None
        self.generation = 0  # bumped on every flush: the reader resets the graph and re-aligns

    def push(self, chunk: Chunk) -> None:
        with self._lock:
            self._chunks.append(chunk)

    def flush(self) -> None:
        with self._lock:
            self._chunks.clear()
            self.generation += 1

    def start_over(self) -> None:
        """A new take (or the same one opened again): libVLC starts its audio without resuming a
        pause of the last one, which would keep the feed silent. Not paused, and flushed."""
        with self._lock:
            self._paused_at = None
        self.flush()

    def pause(self, date_us: float) -> None:
        with self._lock:
            self._paused_at = date_us

    def resume(self, date_us: float) -> None:
        """What was queued before the pause is due later by the length of the pause."""
        with self._lock:
            if self._paused_at is not None:
                shift = date_us - self._paused_at
                for chunk in self._chunks:
                    chunk.due_us += shift
            self._paused_at = None

    @property
    def paused(self) -> bool:
        return self._paused_at is not None

    def read(self, start_us: float, frames: int, out: np.ndarray) -> float | None:
        """Fill out[:frames] with the audio due from start_us on (silence where there is none).
        Returns the take time of out[0] (None when nothing was due: all silence)."""
        out[:frames] = 0.0
        media = None
        with self._lock:
            if self._paused_at is not None:
                return None
            step_us = 1e6 / RATE
            end_us = start_us + frames * step_us
            while self._chunks and self._chunks[0].due_us + len(self._chunks[0].samples) * step_us <= start_us:
                self._chunks.popleft()   # late: its time has passed
            for chunk in self._chunks:
                if chunk.due_us >= end_us:
                    break
                first = int(round((start_us - chunk.due_us) / step_us))   # index in chunk of out[0]
                lo, hi = max(0, first), min(len(chunk.samples), first + frames)
                if hi <= lo:
                    continue
                out[lo - first:hi - first] = chunk.samples[lo:hi]
                if media is None:
                    media = chunk.media_s + (first * chunk.speed) / RATE
        return media


class DacClock:
    """When each sample handed to the device reaches its DAC, on the player's clock (µs)."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self._origin_us: float | None = None   # the DAC date of sample 0 of the stream
        self._count = 0
        self._off = 0
        self._frames = 0                       # samples handed to the device so far

    def place(self, now_us: float, to_dac_s: float, frames: int, broke: bool = False) -> float:
        """The DAC date of the first sample of the buffer the device asks for now (to_dac_s: what
        the device says of it), and count the buffer's frames as handed over. broke: the device
        says it ran dry (the stream starts again later than it was; what this callback says of its
        DAC time is then meaningless, the next callback's starts the new mean)."""
        estimate = now_us + to_dac_s * 1e6 - self._frames * 1e6 / RATE
        if broke:
            self._origin_us = None
            self._frames += frames
            return now_us + to_dac_s * 1e6
        if self._origin_us is not None and abs(estimate - self._origin_us) > DAC_BREAK_S * 1e6:
            self._off += 1
            if self._off >= DAC_BREAK_CALLBACKS:
                self._origin_us = None     # the stream broke without saying so: its DAC date is new
        else:
            self._off = 0
        if self._origin_us is None:
            self._origin_us, self._count, self._off = estimate, 0, 0
        if not self._off and self._count * frames < DAC_SETTLE_S * RATE:   # an odd estimate is not averaged in
            self._count += 1
            self._origin_us += (estimate - self._origin_us) / self._count
        start = self._origin_us + self._frames * 1e6 / RATE
        self._frames += frames
        return start


class ClockBridge:
    """How far the player's clock (µs) is from PortAudio's stream clock (s), read as pairs."""

    def __init__(self, player_us: Callable[[], float]):
        self._player_us = player_us
        self.offset_us: float | None = None

    def measure(self, device_s: Callable[[], float]) -> None:
        """Read the two clocks once; a pair taken with a wait in between is not used."""
        before = self._player_us()
        device = device_s()
        after = self._player_us()
        if after - before > BRIDGE_PAIR_US:
            return
        sample = (before + after) / 2 - device * 1e6
        if self.offset_us is None or abs(sample - self.offset_us) > BRIDGE_STEP_US:
            self.offset_us = sample
        else:
            self.offset_us += (sample - self.offset_us) * 0.05

    def player_us(self, device_s: float) -> float | None:
        """A moment on PortAudio's clock as the player's clock has it (None: not known yet)."""
        if self.offset_us is None or device_s <= 0.0:
            return None
        return device_s * 1e6 + self.offset_us


class LiveOutput:
    """The one audio device of the app, playing the active feed through the graph."""

    def __init__(self, graph: Graph, clock_us: Callable[[], float], *, device=None,
                 extra_latency_s: float = 0.0, on_problem: Callable[[str], None] | None = None,
                 rung: int = 0):
        self.graph = graph
        self._clock_us = clock_us
        self._feed: Feed | None = None
        self._generation = -1
        self._next_us: float | None = None
        self._dac = DacClock()
        self._bridge = ClockBridge(clock_us)
        self._device_time: Callable[[], float] | None = None   # PortAudio's stream clock, s
        self._buffer = np.zeros((LATENCY_RUNGS[-1][0] * 2, CHANNELS), dtype=np.float32)
        self.extra_latency_s = extra_latency_s
        self.underruns = 0
        # Times what is heard jumped to meet the clock again (after the device ran dry, or its DAC
        # date moved): the sound skipped or repeated a few ms there, which a measurement of it spans.
        self.jumps = 0
        self.graph_errors = 0
        self.buffers = 0          # device callbacks so far
        self._first_callback = 0.0   # time.monotonic() of the first and the latest callback
        self._latest_callback = 0.0
        self._stream_began: float | None = None   # time.monotonic() of the current stream's first callback
        self._steady_since: float | None = None   # the first of the current run of callbacks without a gap
        self.dac_delay_s = 0.0    # the last buffer's time from the callback to the DAC, as the device says
        self.problem: str | None = None
        self.device_name = ""
        self.latency_s = 0.0
        self._stream = None
        self._serial = 0          # the stream whose callbacks are heard (an older one's are silent)
        self.rung = min(rung, len(LATENCY_RUNGS) - 1)   # of LATENCY_RUNGS: where the stream starts
        self._dry_at: collections.deque[float] = collections.deque()   # monotonic times of recent underruns
        self._reopening = False         # a new stream is being opened (a climb or a restart)
        self.restarts = 0               # streams reopened because they stopped asking
        self._closed = False
        self._swap = threading.Lock()   # a reopening and close() don't cross
        self._device = device
        self._on_problem = on_problem or (lambda message: None)
        self._open(device)

    # -- the device --------------------------------------------------------------------------------

    def _open(self, device) -> None:
        try:
            stream = self._start_stream(device, self.rung, self._serial)
        except Exception as exc:  # noqa: BLE001 — PortAudio reports every failure its own way
            self._say(f"no audio output ({_plain(exc)})")
            return
        self._use(stream)
        threading.Thread(target=self._watch, name="audio device watch", daemon=True).start()
        try:
            import sounddevice  # noqa: PLC0415
            self.device_name = str(sounddevice.query_devices(stream.device)["name"])
        except Exception:  # noqa: BLE001
            self.device_name = str(stream.device)

    def _start_stream(self, device, rung: int, serial: int):
        import sounddevice  # noqa: PLC0415 — PortAudio is loaded on first use, so its absence is a message
        block, latency = LATENCY_RUNGS[rung]

        def callback(outdata, frames, time_info, status):
            if serial == self._serial:
                self._callback(outdata, frames, time_info, status)
            else:
                outdata.fill(0)     # a stream being replaced, or not yet in use

        def finished():
            if serial == self._serial:
                self._finished()

        stream = sounddevice.OutputStream(
            samplerate=RATE, channels=CHANNELS, dtype="float32", blocksize=block,
            latency=latency, device=device, callback=callback, finished_callback=finished)
        stream.start()
        return stream

    def _use(self, stream) -> None:
        self._stream = stream
        self._device_time = lambda: stream.time
        self.latency_s = float(stream.latency)

    def _climb(self) -> None:
        """The device ran dry too often: reopen it one rung up (from a thread of its own: a stream
        can't be closed from its callback)."""
        self._reopen(self.rung + 1)

    def _watch(self) -> None:
        """Reopen a stream that stopped asking for audio (STALLED_AFTER_S)."""
        while not self._closed:
            time.sleep(WATCH_EVERY_S)
            began = self._stream_began
            # Only a stream that has run: at its start a sound server may hold the first buffers for
            # a second before it asks again, and a reopened stream would only start over.
            if (self._stream is not None and self.problem is None and not self._reopening and began is not None
                    and self._latest_callback - began >= RUNNING_AFTER_S
                    and time.monotonic() - self._latest_callback > STALLED_AFTER_S):
                self._reopening = True
                self.restarts += 1
                self._reopen(self.rung)

    def _reopen(self, rung: int) -> None:
        """A new stream on this rung takes over from the current one; it is silent until it does."""
        try:
            stream = self._start_stream(self._device, rung, self._serial + 1)
        except Exception:  # noqa: BLE001 — keep the stream there is
            self._reopening = False
            return
        with self._swap:
            old = self._stream
            if old is None:       # closed meanwhile
                old = stream
            else:
                self._dac.reset()
                self._bridge = ClockBridge(self._clock_us)   # the new stream's clock, mapped afresh
                self._stream_began = None
                self._next_us = None
                self._generation = -1
                self._dry_at.clear()
                self.rung = rung
                self._latest_callback = time.monotonic()   # the new stream's own callbacks count from here
                self._steady_since = None
                self._use(stream)
                self._serial += 1        # from here on the new stream's callbacks are heard
            self._reopening = False
        if old is not None:
            try:
                old.abort()
                old.close()
            except Exception:  # noqa: BLE001 — the old stream's end is nothing to keep
                pass

    def _finished(self) -> None:
        """PortAudio ended the stream (from its own thread): the device or the server went away."""
        if self._stream is not None and self.problem is None:
            self._say("no audio output (the device or the sound server went away)")

    def _say(self, problem: str) -> None:
        self.problem = problem
        self._on_problem(problem)

    def _ran_dry(self, now: float) -> None:
        self._dry_at.append(now)
        while self._dry_at and now - self._dry_at[0] > CLIMB_WINDOW_S:
            self._dry_at.popleft()
        if len(self._dry_at) >= UNDERRUNS_TO_CLIMB and self.rung + 1 < len(LATENCY_RUNGS) and not self._reopening:
            self._reopening = True
            threading.Thread(target=self._climb, name="audio device climb", daemon=True).start()

    def report(self) -> str:
        """One line for the self-test: the device, its latency, and how it has fared."""
        if self.problem:
            return self.problem
        raised = f" (raised {self.rung} step{'s' if self.rung > 1 else ''} after underruns)" if self.rung else ""
        if self.restarts:
            raised += f" (reopened {self.restarts}× after it stopped asking for audio)"
        return (f"{self.device_name}: latency {self.latency_s * 1000:.0f} ms reported{raised}, "
                f"{self.dac_delay_s * 1000:.1f} ms to the DAC compensated, {self.buffers} buffers, "
                f"{self.underruns} underruns, {self.jumps} jump{'s' if self.jumps != 1 else ''} back into step, "
                f"{self.graph_errors} graph errors")

    @property
    def working(self) -> bool:
        return self._stream is not None and self.problem is None

    def settled(self) -> bool:
        """The stream has played long enough for its DAC date to be settled (DAC_SETTLE_S)."""
        began = self._stream_began
        return self.running() and began is not None and self._latest_callback - began > DAC_SETTLE_S + 0.5

    def running(self) -> bool:
        """The device has asked for audio (a sound server may take a second to start a stream)."""
        # The first callbacks come at once (the device's buffer is filled ahead); a sound server
        # may then take a second before it plays them and asks for more. Running is asking again.
        return self.working and self._latest_callback - self._first_callback >= RUNNING_AFTER_S

    def steady(self, seconds: float) -> bool:
        """The current stream has called back without a gap or an underrun for this long, up to now."""
        now = time.monotonic()
        return (self.working and self._steady_since is not None and now - self._latest_callback < GAP_S
                and self._latest_callback - self._steady_since >= seconds)

    def close(self) -> None:
        self._on_problem = lambda message: None   # closing is not a fault
        self._closed = True
        with self._swap:
            stream, self._stream = self._stream, None
        if stream is not None:
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 — closing a lost device may fail; nothing to keep
                pass

    # -- what plays --------------------------------------------------------------------------------

    def listen_to(self, feed: Feed | None) -> None:
        """Play this feed (the audible take's); None: silence."""
        self._feed = feed
        self._generation = -1

    @property
    def feed(self) -> Feed | None:
        return self._feed

    def _callback(self, outdata, frames, time_info, status) -> None:
        self.buffers += 1
        now = time.monotonic()
        if self._steady_since is None or now - self._latest_callback > GAP_S or status.output_underflow:
            self._steady_since = now
        self._latest_callback = now
        if self.buffers == 1:
            self._first_callback = self._latest_callback
        if self._stream_began is None:
            self._stream_began = self._latest_callback
        if status.output_underflow:
            self.underruns += 1
            self._ran_dry(self._latest_callback)
        to_dac = time_info.outputBufferDacTime - time_info.currentTime
        if not 0.0 <= to_dac < 1.0:   # not reported by this host API
            to_dac = self.latency_s
        now_us = self._clock_us()
        if self._device_time is not None:
            self._bridge.measure(self._device_time)
        began_us = self._bridge.player_us(time_info.currentTime)
        # Every buffer counts, silent ones too: the DAC date is of the stream's samples.
        dac_us = self._dac.place(now_us if began_us is None else began_us, to_dac, frames,
                                 broke=bool(status.output_underflow))
        self.dac_delay_s = (dac_us - now_us) / 1e6
        feed = self._feed
        if feed is None:
            outdata.fill(0)
            return
        if frames > len(self._buffer):
            self._buffer = np.zeros((frames, CHANNELS), dtype=np.float32)
        block = self._buffer[:frames]
        start_us = dac_us + self.extra_latency_s * 1e6
        # Buffers follow each other sample by sample; the clock only re-aligns the stream when the two
        # part by more than a few ms (callback timing jitters, and a jump would click).
        if feed.generation != self._generation:
            self._next_us = None      # a new take or a jump: its first sample lands exactly on time
        if self._next_us is not None:
            if abs(start_us - self._next_us) < RELOCK_S * 1e6:
                start_us = self._next_us
            else:
                self.jumps += 1
        self._next_us = start_us + frames * 1e6 / RATE
        media = feed.read(start_us, frames, block)
        if media is None:
            outdata.fill(0)
            return
        try:
            if feed.generation != self._generation:
                self._generation = feed.generation
                self.graph.reset()
            outdata[:] = self.graph.process(block, media)
        except Exception:  # noqa: BLE001 — never let the device thread die; this buffer is silent
            self.graph_errors += 1
            outdata.fill(0)


def _plain(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
