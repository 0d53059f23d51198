"""A take with extra audio tracks, for instant switching of what the editor hears.

libVLC 3 can attach extra audio files to a take as "slaves", but with a slave attached its seeking
and time reporting break (the time restarts at 0 after a seek). So the player plays a preview copy
instead: the take's video and native audio stream-copied into Matroska, followed by one track per
audio render (listening profile). Switching tracks inside one file neither seeks nor re-opens.
The copy is written beside the cache key and reused while the take and the renders don't change.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from soundon.core.errors import SoundOnError
from soundon.media import tools
from soundon.media.safety import input_options, input_url, output_url

TIMEOUT_S = 300


class PreviewTracksError(SoundOnError, RuntimeError):
    pass


def preview_key(take: Path, renders: list[Path]) -> str:
    """Changes when the take or any render changes (path, size, modification time)."""
    digest = hashlib.sha1()
    for path in (take, *renders):
        stat = path.stat()
        digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:20]


def mux_audio_tracks(take: str | os.PathLike, renders: list[str | os.PathLike], folder: str | os.PathLike) -> Path:
    """The take's streams plus the renders as extra audio tracks (in the given order), as .mkv."""
    take = Path(take)
    render_paths = [Path(r) for r in renders]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / f"{preview_key(take, render_paths)}.mkv"
    if out.is_file():
        return out
    args = [tools.ffmpeg().path, "-hide_banner", "-nostdin", "-v", "error", "-y"]
    for source in (take, *render_paths):
        for key, value in input_options().items():
            args += [f"-{key}", value]
        args += ["-i", input_url(source)]
    # The picture is copied untouched; every audio track (native first, then the renders) goes in
    # as FLAC: lossless, any sample format fits Matroska, and a decoder swap costs nothing.
    # Small FLAC frames (1024 samples, as AAC's) matter for switching: libVLC starts a newly
    # selected track a few packets ahead of what is heard, and with FLAC's default 4608-sample
    # frames a switch was heard 430 ms after the key press instead of 285 ms (make bench).
    args += ["-map", "0:v:0", "-map", "0:a:0?"]
    for n in range(1, len(render_paths) + 1):
        args += ["-map", f"{n}:a:0"]
    args += ["-c:v", "copy", "-c:a", "flac", "-frame_size", "1024", "-sn", "-dn"]
    partial = out.with_suffix(".partial.mkv")
    args += ["-f", "matroska", output_url(partial)]
    proc = subprocess.run(args, capture_output=True, timeout=TIMEOUT_S, check=False)
    if proc.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
        raise PreviewTracksError(f"The listening renders could not be attached to {take.name} ({reason[0][:200]}).")
    partial.replace(out)
    return out

