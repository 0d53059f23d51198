"""Hearing what libVLC plays: its audio callbacks capture the decoded PCM with the time each block
is due at the ear (libVLC's clock), while a take plays for real with the app's libVLC options.

CapturingPlayer is a bare libVLC player (the benchmark measures libVLC's track selection with it);
AppAudioTap taps every libVLC player the app's VlcPlayer makes (the take's and its render
followers), with mute flips seen through the volume callback, as a sound server's mixer sees them.
Used by the end-to-end listening-switch test and the switch-latency benchmark.
"""
from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vlc

from soundon.ui.player.vlc_player import instance_args

RATE = 48000


def take_audio_expression(seconds: float) -> str:
    """100 Hz + 1 kHz steady tones, and a 20 ms 3 kHz burst every 0.5 s (time marks the phone keeps)."""
    burst = "0.3*sin(2*PI*3000*t)*lt(mod(t\\,0.5)\\,0.02)"
    tone = f"0.3*sin(2*PI*100*t)+0.1*sin(2*PI*1000*t)+{burst}"
    return f"aevalsrc={tone}|{tone}:s={RATE}:d={seconds}"


@dataclass
class Block:
    due: float        # seconds on libVLC's clock when the block's first sample is heard
    arrived: float    # libVLC's clock when the callback ran
    left: np.ndarray


def latest_deliveries(blocks: list[Block]) -> list[Block]:
    """Blocks in due order; where libVLC delivered a stretch twice (the old track's and the new
    one's, or again after a seek) the later delivery is what plays, so it wins."""
    kept: list[Block] = []
    for block in blocks:
        start, end = block.due, block.due + len(block.left) / RATE
        kept = [k for k in kept if k.due + len(k.left) / RATE <= start + 1e-4 or k.due >= end - 1e-4]
        kept.append(block)
    return sorted(kept, key=lambda b: b.due)


def take_with_profile_renders(media, cache_dir, seconds: float, size: str, names=("headphones", "phone")):
    """A take whose audio carries the test tones, and its listening renders: (take, {name: wav})."""
    from soundon.core.listening import ListeningSetup
    from soundon.media.fingerprint import fingerprint
    from soundon.media.listening_renders import RenderCache, RenderSource
    take = media.clip(f"take-{seconds:g}s.mp4", duration=seconds, size=size, audio=take_audio_expression(seconds))
    cache = RenderCache(cache_dir)
    source = RenderSource(str(take), fingerprint(take), 2)
    return take, {name: str(cache.ensure(source, ListeningSetup(name))) for name in names}


def goertzel_level(x: np.ndarray, frequency: float) -> float:
    n = np.arange(len(x))
    return float(abs(np.dot(x, np.exp(-2j * np.pi * frequency * n / RATE))) * 2 / max(1, len(x)))


class CapturingPlayer:
    """A libVLC media player whose audio goes to memory instead of a sound card."""

    def __init__(self, extra_args: tuple[str, ...] = ()):
        args = [a for a in instance_args() if not a.startswith("--aout")]
        self.instance = vlc.Instance([*args, "--vout=dummy", *extra_args])
        self.player = self.instance.media_player_new()
        self.blocks: list[Block] = []
        self.flushes: list[float] = []
        self._lock = threading.Lock()
        # The callbacks must outlive the player: keep references.
        self._callbacks = (
            vlc.CallbackDecorators.AudioPlayCb(self._play),
            vlc.CallbackDecorators.AudioPauseCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioResumeCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioFlushCb(self._flush),
            vlc.CallbackDecorators.AudioDrainCb(lambda data: None),
        )
        self.player.audio_set_callbacks(*self._callbacks, None)
        self.player.audio_set_format("S16N", RATE, 2)

    def _play(self, data, samples, count, pts) -> None:
        pcm = np.frombuffer(ctypes.string_at(samples, count * 4), dtype=np.int16).reshape(-1, 2)
        block = Block(pts / 1e6, vlc.libvlc_clock() / 1e6, pcm[:, 0].astype(np.float64) / 32768)
        with self._lock:
            self.blocks.append(block)

    def _flush(self, data, pts) -> None:
        with self._lock:
            self.flushes.append(vlc.libvlc_clock() / 1e6)

    def open(self, path: Path) -> None:
        self.player.set_media(self.instance.media_new_path(str(path)))
        self.player.play()
        self.wait_for(lambda: self.player.get_state() == vlc.State.Playing and len(self.audio_tracks()) > 1)

    def audio_tracks(self) -> list[int]:
        return [track for track, _ in (self.player.audio_get_track_description() or []) if track >= 0]

    def wait_for(self, condition, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("libVLC did not get there in time")
            time.sleep(0.005)

    def wait_until_heard(self, clock_s: float, timeout: float = 10.0) -> None:
        """Until blocks due at clock_s or later have been delivered."""
        self.wait_for(lambda: self.blocks_due_after(clock_s), timeout)

    def now(self) -> float:
        return vlc.libvlc_clock() / 1e6

    def blocks_due_after(self, clock_s: float) -> list[Block]:
        with self._lock:
            return [b for b in self.blocks if b.due >= clock_s]

    def switch(self, track: int) -> float:
        """Select an audio track; returns libVLC's clock at the call."""
        called = self.now()
        self.player.audio_set_track(track)
        return called

    def heard_blocks(self) -> list[Block]:
        """The blocks that are heard, in time order.

        libVLC may deliver audio for a stretch twice (the old track's and the new one's); what is
        heard is the later delivery, so for overlapping blocks the later-arriving one wins.
        """
        with self._lock:
            return latest_deliveries(list(self.blocks))

    def timeline(self) -> tuple[np.ndarray, np.ndarray]:
        """(due time of every heard sample, samples)."""
        kept = self.heard_blocks()
        times = np.concatenate([b.due + np.arange(len(b.left)) / RATE for b in kept])
        return times, np.concatenate([b.left for b in kept])

    def release(self) -> None:
        self.player.stop()
        self.player.release()
        self.instance.release()


def level_around(player: CapturingPlayer, start: float, stop: float, frequency: float) -> float:
    """The tone's level in the heard blocks due between start and stop (block by block, so a seam
    between two deliveries can't cancel the tone)."""
    blocks = [b for b in player.heard_blocks() if start <= b.due < stop]
    if not blocks:
        return float("nan")
    levels = np.array([goertzel_level(b.left, frequency) for b in blocks])
    weights = np.array([len(b.left) for b in blocks], dtype=float)
    return float(np.sqrt(np.sum(levels ** 2 * weights) / weights.sum()))


def first_due_with(player: CapturingPlayer, after: float, predicate) -> float | None:
    """The due time of the first block (due after `after`) whose left channel satisfies predicate."""
    for block in sorted(player.blocks_due_after(after), key=lambda b: b.due):
        if predicate(block.left):
            return block.due
    return None


def burst_onsets(times: np.ndarray, samples: np.ndarray) -> np.ndarray:
    """Due times where a 3 kHz time mark starts.

    The second difference keeps 3 kHz (and drowns the 100 Hz / 1 kHz tones); a mark must then fill
    most of a 5 ms window, so the single-sample step where one track's audio gives way to the
    other's is not taken for a mark.
    """
    curvature = np.abs(np.diff(samples, n=2, prepend=samples[:2]))
    hot = (curvature > 0.008).astype(np.float64)   # a mark through the phone (compressed) still clears it
    width = int(0.005 * RATE)
    density = np.convolve(hot, np.ones(width) / width, mode="full")[:len(hot)]
    dense = density > 0.3
    onsets = np.flatnonzero(dense & ~np.roll(dense, 1))
    marks, last = [], -1.0
    for index in onsets:
        start = max(0, index - width + 1)            # the window that just filled began here
        if times[start] - last > 0.25:
            marks.append(times[start])
            last = times[start]
    return np.array(marks)


class PlayerTap:
    """What one of the app's libVLC players plays, and when it was muted.

    The volume callback stands in for the sound server's mixer: libVLC hands it the mute flips
    (PulseAudio and CoreAudio apply them to the stream at their mixer), so a block is heard when its
    player was unmuted at the block's due time. Blocks of a muted player are still captured.
    """

    def __init__(self, name: str):
        self.name = name
        self.blocks: list[Block] = []
        self.mutes: list[tuple[float, bool]] = []   # (libVLC clock, muted)
        self._lock = threading.Lock()
        self._callbacks = (
            vlc.CallbackDecorators.AudioPlayCb(self._play),
            vlc.CallbackDecorators.AudioPauseCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioResumeCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioFlushCb(lambda data, pts: None),
            vlc.CallbackDecorators.AudioDrainCb(lambda data: None),
        )
        self._volume = vlc.CallbackDecorators.AudioSetVolumeCb(self._set_volume)

    def attach(self, player) -> None:
        player.audio_set_callbacks(*self._callbacks, None)
        player.audio_set_volume_callback(self._volume)
        player.audio_set_format("S16N", RATE, 2)

    def _play(self, data, samples, count, pts) -> None:
        pcm = np.frombuffer(ctypes.string_at(samples, count * 4), dtype=np.int16).reshape(-1, 2)
        block = Block(pts / 1e6, vlc.libvlc_clock() / 1e6, pcm[:, 0].astype(np.float64) / 32768)
        with self._lock:
            self.blocks.append(block)

    def _set_volume(self, data, volume, mute) -> None:
        with self._lock:
            self.mutes.append((vlc.libvlc_clock() / 1e6, bool(mute)))

    def muted_at(self, clock_s: float) -> bool:
        with self._lock:
            states = [muted for at, muted in self.mutes if at <= clock_s]
        return states[-1] if states else False

    def last_mute_change(self) -> float:
        with self._lock:
            return self.mutes[-1][0] if self.mutes else float("nan")

    def due_blocks(self) -> list[Block]:
        """Blocks in due order; for a stretch delivered twice (after a seek) the later delivery."""
        with self._lock:
            return latest_deliveries(list(self.blocks))

    def timeline(self, start: float, stop: float) -> tuple[np.ndarray, np.ndarray]:
        kept = [b for b in self.due_blocks() if start <= b.due < stop]
        if not kept:
            return np.array([]), np.array([])
        return (np.concatenate([b.due + np.arange(len(b.left)) / RATE for b in kept]),
                np.concatenate([b.left for b in kept]))


class AppAudioTap:
    """Taps every libVLC player a VlcPlayer makes (pass `attach` as its audio_tap)."""

    def __init__(self):
        self.taps: dict[str, PlayerTap] = {}

    def attach(self, player, name: str) -> None:
        tap = self.taps[name] = PlayerTap(name)
        tap.attach(player)

    @staticmethod
    def now() -> float:
        return vlc.libvlc_clock() / 1e6

    def delivered_until(self, clock_s: float) -> bool:
        return all(any(b.due >= clock_s for b in t.blocks) for t in self.taps.values())

    def heard_blocks(self, start: float, stop: float) -> list[Block]:
        """What comes out of the mixer: the blocks of the players unmuted at each block's due time."""
        heard = [b for t in self.taps.values() for b in t.due_blocks()
                 if start <= b.due < stop and not t.muted_at(b.due)]
        return sorted(heard, key=lambda b: b.due)

    def heard_level(self, start: float, stop: float, frequency: float) -> float:
        blocks = self.heard_blocks(start, stop)
        if not blocks:
            return float("nan")
        levels = np.array([goertzel_level(b.left, frequency) for b in blocks])
        weights = np.array([len(b.left) for b in blocks], dtype=float)
        return float(np.sqrt(np.sum(levels ** 2 * weights) / weights.sum()))
