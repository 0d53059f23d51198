"""Finding the native tools: ffmpeg, ffprobe and libVLC.

Order for ffmpeg/ffprobe: the SOUNDON_FFMPEG / SOUNDON_FFPROBE variables, then a copy bundled with a
frozen build, then PATH. A tool that is missing or too old raises ToolMissing with a message that
says how to install it.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from soundon.core.errors import SoundOnError
from soundon.core.paths import data_dir
from soundon.resources import bundle_root, is_frozen

MIN_FFMPEG_MAJOR = 4  # 4.x has every filter and muxer option we use (streamhash needs 4.3)


class ToolMissing(SoundOnError, RuntimeError):
    """A native part Sound-On needs is not installed or not usable."""


def install_hint(tool: str) -> str:
    if sys.platform.startswith("linux"):
        pkg = {"ffmpeg": "ffmpeg", "ffprobe": "ffmpeg", "libvlc": "vlc (or libvlc5 and vlc-plugin-base)"}[tool]
        return f"Install it with your package manager (Debian/Ubuntu: sudo apt-get install {pkg})."
    if sys.platform == "darwin":
        return {"libvlc": "Install VLC from videolan.org into /Applications."}.get(
            tool, "Install it with Homebrew: brew install ffmpeg.")
    return {"libvlc": "Install VLC (64-bit) from videolan.org."}.get(
        tool, "Install ffmpeg (for example winget install Gyan.FFmpeg) and make sure it is on PATH.")


@dataclass(frozen=True)
class Tool:
    name: str
    path: str
    version: str


def _bundled(name: str) -> Path | None:
    if not is_frozen():
        return None
    exe = name + (".exe" if sys.platform == "win32" else "")
    for candidate in (bundle_root() / "bin" / exe, bundle_root() / exe):
        if candidate.is_file():
            return candidate
    return None


def _locate(name: str) -> str:
    env_var = f"SOUNDON_{name.upper()}"
    override = os.environ.get(env_var)
    if override:
        if Path(override).is_file() and os.access(override, os.X_OK):
            return override
        raise ToolMissing(f"{env_var} points to {override}, which is not an executable file. "
                          f"Fix the variable or unset it to use the {name} on PATH.")
    bundled = _bundled(name)
    if bundled:
        return str(bundled)
    found = shutil.which(name)
    if found:
        return found
    raise ToolMissing(f"Sound-On needs {name}, and it was not found. {install_hint(name)}")


def _ask_version(name: str, path: str) -> str:
    try:
        out = subprocess.run([path, "-hide_banner", "-version"], capture_output=True, text=True,
                             timeout=20, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ToolMissing(f"{name} at {path} could not be run ({exc}). {install_hint(name)}") from None
    match = re.search(rf"{name} version (?:n)?(\S+)", out)
    return match.group(1) if match else "unknown"


VERSIONS_FILE = "tool-versions.json"


def _known_version(name: str, path: str) -> str:
    """The binary's version, asked once per binary: `-version` is a process start that loads all of
    FFmpeg's libraries, which every command would otherwise pay for ffmpeg and ffprobe alike.
    The answer is kept in the data folder under the binary's path, with its size and change time,
    so a binary replaced in place is asked again."""
    record = data_dir() / VERSIONS_FILE
    try:
        stat = os.stat(path)
        stamp = f"{stat.st_size}:{stat.st_mtime_ns}"
    except OSError:
        return _ask_version(name, path)
    try:
        known = json.loads(record.read_text(encoding="utf-8"))
        if not isinstance(known, dict):
            known = {}
    except (OSError, ValueError):
        known = {}
    entry = known.get(path)
    if isinstance(entry, dict) and entry.get("stamp") == stamp and isinstance(entry.get("version"), str):
        return entry["version"]
    version = _ask_version(name, path)
    known[path] = {"stamp": stamp, "version": version}
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(known, indent=1), encoding="utf-8")
    except OSError:
        pass            # only a cost: the next command asks again
    return version


def _check_version(name: str, path: str) -> str:
    version = _known_version(name, path)
    major = re.match(r"(\d+)", version)
    # Git builds report a date or hash instead of a number; trust those.
    if major and int(major.group(1)) < MIN_FFMPEG_MAJOR:
        raise ToolMissing(f"{name} {version} is too old; Sound-On needs {MIN_FFMPEG_MAJOR}.0 or newer. "
                          f"{install_hint(name)}")
    return version


@functools.cache
def ffmpeg() -> Tool:
    path = _locate("ffmpeg")
    return Tool("ffmpeg", path, _check_version("ffmpeg", path))


@functools.cache
def ffprobe() -> Tool:
    path = _locate("ffprobe")
    return Tool("ffprobe", path, _check_version("ffprobe", path))


def reset_cache() -> None:
    """Forget what was found (tests change the environment)."""
    ffmpeg.cache_clear()
    ffprobe.cache_clear()
    libvlc_version.cache_clear()


@functools.cache
def libvlc_version() -> str:
    """Load libVLC (through python-vlc) and return its version, or raise ToolMissing."""
    try:
        import vlc  # noqa: PLC0415 — loading libVLC is the point of this call
    # python-vlc raises NotImplementedError when libvlc is not found on Linux, and exits the
    # process (SystemExit) when PYTHON_VLC_LIB_PATH names a file it can't load.
    except (ImportError, OSError, NotImplementedError, SystemExit) as exc:
        raise ToolMissing(f"Sound-On needs libVLC 3 to play takes, and it could not be loaded ({exc}). "
                          f"{install_hint('libvlc')}") from None
    try:
        raw = vlc.libvlc_get_version()
    except (AttributeError, OSError, TypeError) as exc:
        raise ToolMissing(f"libVLC was found but did not answer ({exc}). {install_hint('libvlc')}") from None
    version = raw.decode() if isinstance(raw, bytes) else str(raw)
    if not version.startswith("3."):
        raise ToolMissing(f"libVLC {version} is not supported; Sound-On needs libVLC 3. {install_hint('libvlc')}")
    return version
