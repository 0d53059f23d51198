"""The audio route of one libVLC player: libVLC decodes, the app hears.

libVLC's audio callbacks hand over every decoded block (48 kHz stereo, whatever the take has:
mono is doubled, 5.1 downmixed, 8–96 kHz resampled by libVLC) with the date it is due at the ear on
libVLC's clock, which stays the clock of picture and sound. The blocks go into a `Feed`; the one
`LiveOutput` of the app plays the audible feed through the listening graph.

The take time of a block is counted from where playback started or last jumped to (the player says
where, `expect()`), in samples, scaled by the shuttle speed; libVLC's flush marks each jump.
"""
from __future__ import annotations

import ctypes
import threading

import numpy as np

from soundon.media.audio_out import CHANNELS, RATE, Chunk, Feed


RESTART_WINDOW_US = 1_000_000
AUDIO_STOPPED_S = 0.5      # no block for this long past its date: the sound is not what the clock says


class AudioRoute:
    """Attach to a libVLC media player before it plays; its decoded audio then comes to `feed`."""

    def __init__(self, vlc_module, player):
        self._vlc = vlc_module
        self.feed = Feed()
        self._lock = threading.Lock()
        self._media_cursor = 0.0
        self._restart: tuple[float, float] | None = None   # (take time, libVLC clock µs) of the last jump
        self._speed = 1.0
        self._latest: tuple[float, float, float] | None = None   # (date µs, take time, speed) of the last block
        self.blocks = 0
        decorators = vlc_module.CallbackDecorators
        # libVLC calls these from its own threads for as long as the player lives: keep references.
        self._callbacks = (
            decorators.AudioPlayCb(self._play),
            decorators.AudioPauseCb(self._pause),
            decorators.AudioResumeCb(self._resume),
            decorators.AudioFlushCb(self._flush),
            decorators.AudioDrainCb(lambda data: None),
        )
        player.audio_set_callbacks(*self._callbacks, None)
        # libVLC 3's memory output delivers 16-bit whatever float format is asked for (seen: "f32l"
        # and "FL32" both came as S16), so ask for that and turn it into float here.
        player.audio_set_format("S16N", RATE, CHANNELS)

    def expect(self, media_s: float) -> None:
        """Playback (re)starts at this take time: the next decoded block is heard from there."""
        with self._lock:
            self._media_cursor = max(0.0, media_s)
            self._restart = (self._media_cursor, float(self._vlc.libvlc_clock()))
            self._latest = None
        self.feed.flush()

    def take_time_now(self) -> float | None:
        """The take time heard now, to the sample: the last decoded block's take time and date on
        libVLC's clock (the clock of the picture too). None until a block of the current stretch has
        come, or when the sound has stopped coming (the end of the audio, a stall)."""
        with self._lock:
            latest = self._latest
        if latest is None:
            return None
        due_us, media_s, speed = latest
        since = (self._vlc.libvlc_clock() - due_us) / 1e6
        return None if since > AUDIO_STOPPED_S else media_s + since * speed

    def set_speed(self, speed: float) -> None:
        with self._lock:
            self._speed = speed

    def _play(self, data, samples, count, pts) -> None:
        pcm = np.frombuffer(ctypes.string_at(samples, count * 2 * CHANNELS), dtype=np.int16)
        with self._lock:
            media, speed = self._media_cursor, self._speed
            self._media_cursor += count * speed / RATE
            self._latest = (float(pts), media, speed)
            self.blocks += 1
        self.feed.push(Chunk(float(pts), media, pcm.reshape(-1, CHANNELS).astype(np.float32) / 32768.0, speed))

    def _pause(self, data, pts) -> None:
        self.feed.pause(float(pts))

    def _resume(self, data, pts) -> None:
        self.feed.resume(float(pts))

    def _flush(self, data, pts) -> None:
        # A jump's flush may come after a block or two of the old place were already counted: the
        # count starts again at the jump's target (a flush long after any jump is libVLC's own).
        with self._lock:
            if self._restart and self._vlc.libvlc_clock() - self._restart[1] < RESTART_WINDOW_US:
                self._media_cursor = self._restart[0]
            self._latest = None
        self.feed.flush()
