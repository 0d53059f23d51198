"""Listening renders of a take, made once and kept in the library's cache folder.

The player switches profiles by switching between these renders (attached to the take as extra
audio tracks), so a switch never waits for ffmpeg. A render is keyed by what it is made from (the
take's fingerprint, or the post track's plus where it sits on the take) and by everything that
shapes its sound: the effective listening setup and the profile/noise data and filter settings
themselves — change a profile's EQ and old renders are simply not found any more.

The folder is kept under a size limit by removing the renders used longest ago (never the ones
the caller says are in use).
"""
from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from soundon.core.listening import ListeningSetup, noise_named, profile_named
from soundon.media import listening
from soundon.media.fingerprint import fingerprint
from soundon.media.probe import ProbeError, probe

DEFAULT_MAX_BYTES = 2 * 1024 ** 3
FOLDER = "listening"
# Everything in media/listening.py that shapes a render, so a change there invalidates the cache.
_GRAPH_SETTINGS = (listening.PREVIEW_RATE, listening.COMPRESSOR, listening.LIMITER, listening.LIMITER_SAFETY,
                   listening.NOISE_BAND, listening.RUMBLE_BAND, listening.NOISE_SEEDS, "v1")


@dataclass(frozen=True)
class RenderSource:
    """The audio a render is made from: a take's own, or a post track placed on the take."""

    path: str
    identity: str               # the take's fingerprint, or the post track's + its placement
    channels: int
    kind: str = "native"        # 'native' or 'post'
    offset_s: float = 0.0
    duration_s: float | None = None
    loop: bool = False

    @classmethod
    def native(cls, take: dict) -> RenderSource:
        return cls(str(take["path"]), take["fingerprint"], max(1, take.get("audio_channels") or 2))

    @classmethod
    def post_track(cls, take: dict, track: str | os.PathLike, channels: int = 0, *, offset_s: float = 0.0,
                   fit: str = "trim") -> RenderSource:
        """A post track on the take's timeline: offset, then trimmed/padded (or looped) to the take.

        channels=0: not known yet; the render probes the track first (off the GUI thread).
        """
        placement = f"{offset_s:.6f}/{fit}/{take['duration']:.6f}"
        identity = f"{fingerprint(track)}@{placement}"
        return cls(str(track), identity, max(0, channels), "post", offset_s, float(take["duration"]), fit == "loop")


class RenderCache:
    def __init__(self, cache_dir: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = Path(cache_dir) / FOLDER
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._match_gains: dict[tuple[str, str], float] = {}
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()

    def path_for(self, source: RenderSource, setup: ListeningSetup) -> Path:
        setup = setup.effective
        profile = profile_named(setup.profile)
        noise = noise_named(setup.noise) if setup.noise else None
        key = json.dumps({
            "source": [source.identity, source.offset_s, source.duration_s, source.loop, source.channels],
            "setup": asdict(setup), "profile": asdict(profile), "noise": asdict(noise) if noise else None,
            "graph": _GRAPH_SETTINGS,
        }, sort_keys=True, default=str)
        digest = hashlib.sha1(key.encode()).hexdigest()[:16]
        stem = hashlib.sha1(source.identity.encode()).hexdigest()[:12]
        return self.folder / f"{stem}-{source.kind}-{setup.profile}-{digest}.wav"

    def cached(self, source: RenderSource, setup: ListeningSetup) -> Path | None:
        path = self.path_for(source, setup)
        return path if path.is_file() else None

    def ensure(self, source: RenderSource, setup: ListeningSetup) -> Path:
        """The render's path, rendering it first if it isn't in the cache (raises ListeningError)."""
        path = self.path_for(source, setup)
        with self._lock_for(path):
            if path.is_file():
                os.utime(path)  # most recently used: the last to be trimmed
                return path
            setup = setup.effective
            if source.channels <= 0:
                source = replace(source, channels=self._channels_of(source.path))
            gain = self.match_gain(source, setup.profile) if setup.match_loudness else None
            listening.render(source.path, path, setup, channels=source.channels, match_gain_db=gain,
                             offset_s=source.offset_s, duration_s=source.duration_s, loop=source.loop,
                             background=True)
        return path

    @staticmethod
    def _channels_of(path: str) -> int:
        try:
            info = probe(path)
        except ProbeError as exc:
            raise listening.ListeningError(f"{Path(path).name} can't be read ({exc}).") from None
        if not info.has_audio:
            raise listening.ListeningError(f"{Path(path).name} has no audio.")
        return max(1, info.audio_channels or 2)

    def match_gain(self, source: RenderSource, profile: str) -> float:
        key = (source.identity, profile)
        if key not in self._match_gains:
            self._match_gains[key] = listening.match_gain(
                source.path, profile, channels=source.channels, offset_s=source.offset_s,
                duration_s=source.duration_s, loop=source.loop, background=True)
        return self._match_gains[key]

    def trim(self, keep: set[Path] | frozenset[Path] = frozenset()) -> int:
        """Remove the least recently used renders until the folder fits its limit. Returns bytes freed."""
        entries = []
        for path in self.folder.glob("*.wav"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        freed = 0
        keep = {Path(p) for p in keep}
        for _, size, path in sorted(entries):
            if total - freed <= self.max_bytes:
                break
            if path in keep:
                continue
            try:
                path.unlink()
                freed += size
            except OSError:
                continue  # in use elsewhere (Windows) or already gone: try the next
        return freed

    def _lock_for(self, path: Path) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(path, threading.Lock())
