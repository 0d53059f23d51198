"""The audio route of one libVLC player: libVLC decodes, the app hears.

libVLC's audio callbacks hand over every decoded block (48 kHz stereo, whatever the take has:
mono is doubled, 5.1 downmixed, 8–96 kHz resampled by libVLC) with the date it is due at the ear on
libVLC's clock, which stays the clock of picture and sound. The blocks go into a `Feed`; the one
`LiveOutput` of the app plays the audible feed through the listening graph.

The take time of a block is counted from where playback started or last jumped to (the player says
where, `expect()`), in samples at 1×; at any other speed (a shuttle, or Compare nudging a take back
into step) by the blocks' dates times the speed, since libVLC's resampler then hands over blocks
whose lengths are not the take's time. libVLC's flush marks each jump.

After a jump libVLC does not start at the time asked for but at the start of the packet that holds
it (measured up to 40 ms before it with 2048-sample blocks). The packets of a take are the same every
time it is read, so the route keeps where the blocks it has counted began (the take's packet grid,
from its first play) and puts the first block after a jump at the start of the one that holds the
time asked for. A jump ahead into a part never played carries the grid on by the pattern of its
last blocks' lengths; with no pattern, the time asked for is kept.
"""
from __future__ import annotations

import bisect
import ctypes
import threading

import numpy as np

from soundon.media.audio_out import CHANNELS, RATE, Chunk, Feed


RESTART_WINDOW_US = 1_000_000
AUDIO_STOPPED_S = 0.5      # no block for this long past its date: the sound is not what the clock says
LONGEST_BLOCK = 8192       # samples: a grid point further than this before the time asked for is not its packet
SHORTEST_BLOCK = 1024      # samples: an AAC frame, the shortest packet a take's audio comes in
PATTERN_BLOCKS = 48        # the last blocks whose lengths say how the grid goes on


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
        self._player = player
        self._take: str | None = None      # the take whose packet grid is known
        self._grid: list[int] = []         # take samples where counted blocks began, sorted
        self._snap = False                 # the next block is the first after a jump
        self._block_s = 0.0                # the take time the last block covered
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

    def opened(self) -> None:
        """libVLC was given a new media (its last input is gone, and no resume will end a pause of
        it): the feed starts over. Called on the GUI thread after set_media, before play."""
        self.feed.start_over()

    def expect(self, media_s: float) -> None:
        """Playback (re)starts at this take time (the time libVLC is sent to): the next decoded block
        is heard from the start of the packet that holds it. Called on the GUI thread."""
        media = self._player.get_media()
        take = media.get_mrl() if media is not None else None
        with self._lock:
            if take != self._take:
                self._take, self._grid = take, []
            self._media_cursor = max(0.0, media_s)
            self._restart = (self._media_cursor, float(self._vlc.libvlc_clock()))
            self._latest = None
            self._snap = True
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
            if self._snap:
                self._snap = False
                self._media_cursor = self._on_grid(self._media_cursor)
            media, speed, latest = self._media_cursor, self._speed, self._latest
            if speed == 1.0:
                start = round(media * RATE)
                at = bisect.bisect_left(self._grid, start)
                if at == len(self._grid) or self._grid[at] != start:
                    self._grid.insert(at, start)
                self._block_s = count / RATE
            elif latest is not None and latest[2] == speed:
                # Off 1×, libVLC's resampler hands over blocks whose lengths don't add up to the
                # take's time (1440 samples, then none, for each 1024 decoded; counted, the take
                # time fell 2-10 % behind the picture, and Compare's sync chased it). Each block is
                # still one decoded packet, dated on the clock: the take time between two blocks
                # is their dates apart times the speed. The first block at a new speed has a date
                # on the clock's new footing, so it follows the last one by the last one's length.
                media = latest[1] + (float(pts) - latest[0]) / 1e6 * speed
                self._block_s = media - latest[1]
            self._media_cursor = media + self._block_s
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
                self._snap = True
            self._latest = None
        self.feed.flush()

    def _on_grid(self, media_s: float) -> float:
        """Where the packet that holds media_s starts (libVLC starts a jump there)."""
        asked = round(media_s * RATE)
        at = bisect.bisect_right(self._grid, asked) - 1
        if at >= 0 and asked - self._grid[at] < LONGEST_BLOCK:
            return self._grid[at] / RATE
        ahead = self._carried_on(asked)
        if ahead is not None:
            return ahead / RATE
        # Nothing known yet: a time inside the shortest packet there is (a paused take shows its
        # first frame by a seek to the frame's middle) is in the take's first packet.
        return 0.0 if asked < SHORTEST_BLOCK else media_s

    def _carried_on(self, asked: int) -> int | None:
        """Past the end of the known grid: the grid carried on by repeating the pattern of its last
        blocks' lengths (a take's packets keep one: 1024 samples for AAC, the muxer's chunking for
        PCM). None when its last blocks show no pattern."""
        grid = self._grid
        if len(grid) < PATTERN_BLOCKS or asked < grid[-1]:
            return None
        lengths = [b - a for a, b in zip(grid[-PATTERN_BLOCKS:], grid[-PATTERN_BLOCKS + 1:])]
        for size in range(1, len(lengths) // 3 + 1):
            if all(lengths[i] == lengths[i - size] for i in range(size, len(lengths))):
                pattern = lengths[-size:]
                break
        else:
            return None
        cycles = (asked - grid[-1]) // sum(pattern)
        point = grid[-1] + cycles * sum(pattern)
        for length in pattern:
            if point + length > asked:
                return point
            point += length
        return None
