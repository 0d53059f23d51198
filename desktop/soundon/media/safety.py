"""Passing untrusted file paths to ffmpeg and ffprobe safely.

Every input goes in as `file:<absolute path>`: a name that starts with '-' can't be read as an
option, and a name like 'http://…' or 'concat:…' can't pick another protocol. On top of that the
protocol whitelist allows only `file`, so a playlist that points elsewhere is refused too, and the
demuxer whitelist keeps ffmpeg to the container and audio formats Sound-On supports.
"""
from __future__ import annotations

import os
from pathlib import Path

ALLOWED_DEMUXERS = ",".join((
    "mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm",
    "wav", "w64", "aiff", "flac", "mp3", "aac", "ogg", "opus", "image2", "png_pipe", "mjpeg",
))


def input_url(path: str | os.PathLike) -> str:
    return "file:" + str(Path(path).resolve())


def input_options() -> dict[str, str]:
    """Options to place before every `-i`."""
    return {"protocol_whitelist": "file", "format_whitelist": ALLOWED_DEMUXERS}


def output_url(path: str | os.PathLike) -> str:
    return "file:" + str(Path(path).resolve())
