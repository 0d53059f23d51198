"""Reading only ordinary files. Opening a FIFO waits for a writer and reading a device may never
end, so anything the editor points at (a manifest, a sidecar, a decisions file) is checked before it
is opened, and opened without blocking so that a file swapped for a FIFO in between can't hang us."""
from __future__ import annotations

import os
import stat

from soundon.core.errors import SoundOnError


class NotAnOrdinaryFile(SoundOnError, OSError):
    """The path is a FIFO, a device, a folder or a socket; the message says which."""


def what_it_is(mode: int) -> str:
    """'' for an ordinary file, else what it is, in words."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def not_ordinary(path: str | os.PathLike) -> str:
    """'' when path is an ordinary file (or a link to one), else what it is. OSError if it is missing."""
    return what_it_is(os.stat(path).st_mode)


def read_ordinary(path: str | os.PathLike) -> bytes:
    """The whole content of an ordinary file; NotAnOrdinaryFile for anything else, without blocking."""
    kind = not_ordinary(path)
    if kind:
        raise NotAnOrdinaryFile(f"{os.fsdecode(path)} is {kind}, not an ordinary file")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        kind = what_it_is(os.fstat(fd).st_mode)   # swapped since the check
        if kind:
            raise NotAnOrdinaryFile(f"{os.fsdecode(path)} is {kind}, not an ordinary file")
        return fh.read()
