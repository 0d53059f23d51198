"""Generating small real media with ffmpeg's own sources (testsrc2, sine, anoisesrc, aevalsrc).

Used by the demo batch, the self-test and the test suite, so that nothing large is committed.
"""
from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from soundon.media import tools

VIDEO_ENCODERS = {
    "h264": ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-x265-params", "log-level=error"],
    "vp9": ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k"],
    "prores": ["-c:v", "prores_ks", "-profile:v", "0"],
    "mpeg4": ["-c:v", "mpeg4", "-q:v", "5"],
    "vp8": ["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "300k"],
    "mjpeg": ["-c:v", "mjpeg", "-q:v", "5"],
}
# An audio encoder by name, where the container's usual one (AUDIO_ENCODERS) is not wanted.
AUDIO_CODECS = {
    "aac": ["-c:a", "aac", "-b:a", "128k"], "pcm": ["-c:a", "pcm_s16le"], "opus": ["-c:a", "libopus"],
    "vorbis": ["-c:a", "libvorbis"], "mp3": ["-c:a", "libmp3lame"], "alac": ["-c:a", "alac"],
    "flac": ["-c:a", "flac"],
}
# One take of each format Sound-On must read and play that a bundled ffmpeg can make (HEVC and AV1
# have no encoder there): the frozen self-test reads each, and the build plays each through the
# bundled libVLC (packaging/vlc_decodes.py). (file name, video codec, audio codec)
TAKE_FORMATS = (
    ("h264-aac.mp4", "h264", "aac"), ("prores-pcm.mov", "prores", "pcm"), ("vp9-opus.webm", "vp9", "opus"),
    ("vp8-vorbis.webm", "vp8", "vorbis"), ("mpeg4-mp3.mkv", "mpeg4", "mp3"), ("mjpeg-alac.mov", "mjpeg", "alac"),
    ("h264-flac.mkv", "h264", "flac"),
)
AUDIO_ENCODERS = {
    ".mp4": ["-c:a", "aac", "-b:a", "128k"], ".m4v": ["-c:a", "aac", "-b:a", "128k"],
    ".mov": ["-c:a", "aac", "-b:a", "128k"], ".mkv": ["-c:a", "aac", "-b:a", "128k"],
    ".webm": ["-c:a", "libopus", "-b:a", "96k"],
    ".wav": ["-c:a", "pcm_s16le"], ".flac": ["-c:a", "flac"], ".mp3": ["-c:a", "libmp3lame"],
    ".m4a": ["-c:a", "aac"], ".ogg": ["-c:a", "libvorbis"], ".opus": ["-c:a", "libopus"],
    ".aiff": ["-c:a", "pcm_s16be"],
}


@dataclass
class ClipSpec:
    duration: float = 2.0
    size: str = "320x180"
    fps: str = "25"
    video: str = "testsrc2"        # a lavfi video source expression, or '' for audio only
    video_codec: str = "h264"
    # a lavfi audio source expression (sine=…, anoisesrc=…, aevalsrc=…), or '' for no audio
    audio: str = "sine=frequency=440:sample_rate=48000"
    channels: int = 2
    sample_rate: int = 48000
    audio_filter: str = ""          # applied after the source (mixing, panning, shaping)
    rotation: int = 0               # written as display-matrix metadata
    audio_codec: str = ""           # a name of AUDIO_CODECS; by default the container's usual one
    extra: list[str] = field(default_factory=list)


def make_clip(path: str | os.PathLike, spec: ClipSpec | None = None) -> Path:
    spec = spec or ClipSpec()
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    args = [tools.ffmpeg().path, "-hide_banner", "-loglevel", "error", "-y"]
    maps: list[str] = []
    index = 0
    if spec.video:
        args += ["-f", "lavfi", "-i", f"{spec.video}=size={spec.size}:rate={spec.fps}"]
        maps += ["-map", f"{index}:v"]
        index += 1
    if spec.audio:
        args += ["-f", "lavfi", "-i", spec.audio]
        chain = spec.audio_filter or "anull"
        layout = {1: "mono", 2: "stereo", 6: "5.1"}.get(spec.channels, f"{spec.channels}c")
        args += ["-filter_complex",
                 f"[{index}:a]{chain},aresample={spec.sample_rate},"
                 f"aformat=channel_layouts={layout}[aout]"]
        maps += ["-map", "[aout]"]
    args += maps + ["-t", f"{spec.duration}"]
    if spec.video:
        args += VIDEO_ENCODERS[spec.video_codec]
    if spec.audio:
        args += AUDIO_CODECS[spec.audio_codec] if spec.audio_codec else \
            AUDIO_ENCODERS.get(out.suffix.lower(), ["-c:a", "aac"])
    final = out
    if spec.rotation:
        # ffmpeg 5 writes the rotate tag only when stream-copying: encode first, then tag.
        out = out.with_name(out.stem + ".unrotated" + out.suffix)
    args += spec.extra + [str(out)]
    subprocess.run(args, check=True, capture_output=True, timeout=300)
    if spec.rotation:
        subprocess.run([tools.ffmpeg().path, "-hide_banner", "-loglevel", "error", "-y", "-i", str(out),
                        "-map", "0", "-c", "copy", "-metadata:s:v:0", f"rotate={spec.rotation}", str(final)],
                       check=True, capture_output=True, timeout=120)
        out.unlink()
    return final


def make_take_formats(folder: str | os.PathLike, seconds: float = 0.6) -> list[Path]:
    """One short take of each of TAKE_FORMATS in `folder`."""
    return [make_clip(Path(folder) / name, ClipSpec(duration=seconds, video_codec=video, audio_codec=audio))
            for name, video, audio in TAKE_FORMATS]
