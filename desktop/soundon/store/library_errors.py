"""Library failures in the editor's terms, told apart from bugs by SQLite's result code.

A full disk, a read-only file or folder, another program holding the library, or a damaged file is
the editor's to fix: it becomes a LibraryError naming the library file and what to do. Any other
SQLite error (a syntax error, a broken constraint, a misused connection) is Sound-On's bug and is
raised as the sqlite3 error it was, so it is reported and logged as one. The code is read, not the
message: message text changes between SQLite versions, and a bug's text can mention "locked" too.
"""
from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from soundon.core.errors import SoundOnError

log = logging.getLogger(__name__)


class LibraryError(SoundOnError, RuntimeError):
    """A library problem in the editor's terms (the message says what to do)."""


class DamagedLibraryError(LibraryError):
    """The library file can't be trusted as it is; the message is fit for a dialog as it stands."""


_IN_USE = ("The library {path} is in use by another program (another Sound-On, or a backup or sync tool); "
           "close it there and try again (the library was left as it was).")
_DAMAGED_FILE = ("{path} is not a Sound-On library (or it is damaged); restore it from a backup (a .bak copy "
                 "beside it, if there is one) or point --library at another file. It was left as it is.")

# Primary result codes (https://sqlite.org/rescode.html) that come from the editor's machine.
_USERS_PROBLEMS = {
    sqlite3.SQLITE_BUSY: _IN_USE,
    sqlite3.SQLITE_LOCKED: _IN_USE,
    sqlite3.SQLITE_PROTOCOL: _IN_USE,
    sqlite3.SQLITE_FULL: "The disk holding the library {path} is full; free some space and try again "
                         "(the library was left as it was).",
    sqlite3.SQLITE_IOERR: "The disk holding the library {path} could not be read or written; check the disk "
                          "(or its connection) and try again.",
    sqlite3.SQLITE_READONLY: "The library {path} can't be written: the file or its folder is read-only. Make it "
                             "writable, or point --library at another file (the library was left as it was).",
    sqlite3.SQLITE_PERM: "The library {path} can't be written: its permissions don't allow it. Make it writable, "
                         "or point --library at another file (the library was left as it was).",
    sqlite3.SQLITE_CANTOPEN: "The library {path} can't be opened: the file or its folder is read-only, or out of "
                             "reach. Make it writable, or point --library at another file (the library was left "
                             "as it was).",
    sqlite3.SQLITE_CORRUPT: _DAMAGED_FILE,
    sqlite3.SQLITE_NOTADB: _DAMAGED_FILE,
}
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def library_problem(exc: sqlite3.Error, path: Path) -> str | None:
    """The message for the editor when `exc` comes from their disk, permissions or another program;
    None when it is a bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:   # raised by the sqlite3 module itself (a closed connection, a bad parameter)
        return None
    template = _USERS_PROBLEMS.get(code & 0xFF)   # extended codes keep the primary one in the low byte
    return template.format(path=path) if template else None


@contextmanager
def library_faults(path: Path) -> Iterator[None]:
    """Turn the editor's SQLite problems raised inside into a LibraryError; let bugs through as they are."""
    try:
        yield
    except sqlite3.Error as exc:
        problem = library_problem(exc, path)
        if problem is None:
            raise
        log.warning("library %s: %s (%s)", path, getattr(exc, "sqlite_errorname", "?"), exc)
        error = DamagedLibraryError if exc.sqlite_errorcode & 0xFF in _DAMAGED else LibraryError
        raise error(problem) from exc


class SortedDatabase(sqlite_utils.Database):
    """The library's sqlite_utils database: every statement and every row read is sorted as above.

    Only `execute` and `query` are wrapped (they are all the library uses); sqlite_utils' own
    savepoint handling talks to the connection directly and still sees the errors it expects."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.library_path = path   # before sqlite_utils' own set-up, which already runs statements
        super().__init__(conn)

    def execute(self, sql: str, parameters=None) -> sqlite3.Cursor:
        with library_faults(self.library_path):
            return super().execute(sql, parameters)

    def query(self, sql: str, params=None) -> Iterator[dict]:
        with library_faults(self.library_path):
            rows = super().query(sql, params)
        return self._sorted_rows(rows)

    def _sorted_rows(self, rows: Iterator[dict]) -> Iterator[dict]:
        with library_faults(self.library_path):   # a damaged page can turn up at any row
            yield from rows
