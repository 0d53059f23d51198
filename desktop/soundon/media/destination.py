"""Writing a file so that its final name only ever holds a complete, checked file.

- The output is written to a temporary file in the destination folder (same disk, so the last step
  is a rename, not a copy): `.<final name>.<pid>.soundon-part`.
- After it verified, it takes its final name with a hard link, which fails if that name exists —
  so even two exports racing for one name can't overwrite each other. Filesystems without hard
  links (FAT, exFAT, some network shares) fall back to a rename after a last existence check.
- A name that is taken gets a suffix, `take (2).mp4`, `take (3).mp4`, …, and the caller says so.
- A name longer than a file system takes (255 bytes of UTF-8 per name, on every common one) is
  shortened at its end, keeping its extension and any `(N)`; the temporary file's name is
  shortened the same way.
- A run that was killed leaves only a `.soundon-part` file (earlier versions also left a small
  work folder of packet hashes in the system's temp folder). The next run removes those whose
  process is gone (the pid is in the name) or, for part files, that are over a day old.
- Free space is checked before starting (with the expected size); a disk that fills up anyway is
  reported by ffmpeg and turned into the same plain message.
"""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from soundon.media.swap_errors import DestinationError, DiskFull

PART_SUFFIX = ".soundon-part"
STALE_AFTER_S = 24 * 3600
_PART_NAME = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.(?P<token>[0-9a-f]{6})" + re.escape(PART_SUFFIX) + "$")
SAFETY_MARGIN_BYTES = 4 * 1024 * 1024
NAME_MAX_BYTES = 255


@dataclass
class Placement:
    requested: Path
    final: Path

    @property
    def renamed(self) -> bool:
        return self.final != self.requested


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True         # someone else's process
    except OSError:
        return False
    return True


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove temporary files of runs that were killed. Returns what was removed."""
    removed = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _PART_NAME.match(entry.name)
        if not match or not entry.is_file():
            continue
        try:
            stale = now - entry.stat().st_mtime > STALE_AFTER_S
        except OSError:
            continue
        if stale or not _process_alive(int(match["pid"])):
            try:
                entry.unlink()
                removed.append(entry)
            except OSError:
                pass
    return removed


WORK_PREFIX = "soundon-swap-"
_WORK_NAME = re.compile(re.escape(WORK_PREFIX) + r"(?P<pid>\d+)-")


def clean_work_dirs() -> int:
    """Remove work folders (of packet hashes, which earlier versions kept on disk) of runs whose
    process is gone. Returns how many."""
    removed = 0
    try:
        entries = list(Path(tempfile.gettempdir()).iterdir())
    except OSError:
        return 0
    for entry in entries:
        match = _WORK_NAME.match(entry.name)
        if match and entry.is_dir() and not _process_alive(int(match["pid"])):
            shutil.rmtree(entry, ignore_errors=True)
            removed += 1
    return removed


def _fitted(stem: str, tail: str, prefix: str = "") -> str:
    """prefix + stem + tail, the stem cut (at a character, never inside one) to fit a name."""
    room = NAME_MAX_BYTES - len(prefix.encode()) - len(tail.encode())
    encoded = stem.encode()
    if len(encoded) > room:
        stem = encoded[:max(0, room)].decode("utf-8", "ignore").rstrip()
    return f"{prefix}{stem}{tail}"


def fit_name(path: Path) -> Path:
    """The path, with its name shortened (extension kept) if it is longer than a name can be."""
    if len(path.name.encode()) <= NAME_MAX_BYTES:
        return path
    return path.with_name(_fitted(path.stem, path.suffix))


def free_name(requested: Path, taken: set[Path] | None = None) -> Path:
    """The requested path, or the first `name (N).ext` that doesn't exist yet (both fitted to
    the longest name a file system takes)."""
    taken = taken or set()
    candidate, number = fit_name(requested), 1
    while candidate.exists() or candidate in taken:
        number += 1
        candidate = requested.with_name(_fitted(requested.stem, f" ({number}){requested.suffix}"))
    return candidate


def check_folder(folder: Path) -> None:
    if not folder.exists():
        raise DestinationError(f"The folder {folder} does not exist; create it or choose another destination.")
    if not folder.is_dir():
        raise DestinationError(f"{folder} is not a folder; choose another destination.")


def check_free_space(folder: Path, needed_bytes: int) -> None:
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if free < needed_bytes + SAFETY_MARGIN_BYTES:
        raise DiskFull(f"The disk holding {folder} has {free / 1e6:.1f} MB free and the file needs about "
                       f"{(needed_bytes + SAFETY_MARGIN_BYTES) / 1e6:.1f} MB; free some space or choose "
                       "another destination.")


def create_temp(final: Path) -> Path:
    """Create (empty) the temporary file the output is written to. Raises DestinationError/DiskFull."""
    token = os.urandom(3).hex()
    temp = final.with_name(_fitted(fit_name(final).name, f".{os.getpid()}.{token}{PART_SUFFIX}", prefix="."))
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.close(fd)
    except OSError as exc:
        raise describe_write_error(exc, final.parent) from None
    return temp


def describe_write_error(exc: OSError, folder: Path) -> DestinationError:
    if exc.errno == errno.ENOSPC:
        return DiskFull(f"The disk holding {folder} is full; free some space or choose another destination.")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "it is read-only" if exc.errno == errno.EROFS else "permission denied"
        return DestinationError(f"Sound-On can't write in {folder} ({why}); choose another destination.")
    return DestinationError(f"Sound-On can't write in {folder} ({exc.strerror or exc}).")


def remove_quietly(path: Path | None) -> None:
    if path is None:
        return
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        pass


def place(temp: Path, requested: Path) -> Placement:
    """Give the finished temp file its final name, never replacing an existing file."""
    candidate = free_name(requested)
    for _ in range(1000):
        try:
            os.link(temp, candidate)
        except FileExistsError:
            candidate = free_name(requested, {candidate})
            continue
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EROFS, errno.EACCES):
                raise describe_write_error(exc, requested.parent) from None
            # No hard links here: rename, after one last look at the name.
            if candidate.exists():
                candidate = free_name(requested, {candidate})
                continue
            try:
                os.replace(temp, candidate) if os.name != "nt" else os.rename(temp, candidate)
            except OSError as rename_exc:
                raise describe_write_error(rename_exc, requested.parent) from None
            return Placement(requested, candidate)
        remove_quietly(temp)
        return Placement(requested, candidate)
    raise DestinationError(f"No free name near {requested.name} in {requested.parent}.")


def write_text(path: Path, text: str) -> Path:
    """A small text file (a manifest, an NLE file) written as media is: under a temporary name, then
    placed at `path` or a free name beside it, never over an existing file. Returns where it went."""
    temp = create_temp(path)
    try:
        temp.write_text(text, encoding="utf-8")
        return place(temp, path).final
    finally:
        remove_quietly(temp)
